/** node:fs as shared/gitRepository.ts's file system, for finding a folder's repository and reading its rule files. */
import { readFile, stat } from "node:fs/promises";
import { dirname, relative, resolve, sep } from "node:path";
import type { RepositoryFileSystem } from "../shared/gitRepository";

export const nodeRepositoryFiles: RepositoryFileSystem = {
  parent: (path) => (dirname(path) === path ? undefined : dirname(path)),
  resolve: (base, path) => resolve(base, path),
  relative: (from, to) => relative(from, to).split(sep).join("/"),
  kind: (path) =>
    stat(path).then(
      (info) => (info.isDirectory() ? "directory" : info.isFile() ? "file" : undefined),
      () => undefined,
    ),
  stamp: (path) =>
    stat(path).then(
      (info) => `${info.mtimeMs}:${info.size}`,
      () => undefined,
    ),
  read: (path) => readFile(path, "utf8"),
};
