/** node:fs as shared/gitRepository.ts's file system; it lives in shared/ so the client's real-path check uses it too. */
export { nodeRepositoryFiles } from "../shared/nodeRepositoryFiles";
