/**
 * VS Code's file system as shared/gitRepository.ts's, so cross-file context finds the repository a folder is in (a
 * monorepo package gets the root's ignore rules) on the folder's own scheme, local or remote. Paths are the URI's.
 */
import { posix } from "node:path";
import * as vscode from "vscode";
import type { RepositoryFileSystem } from "../../../server/src/shared/gitRepository";

export function workspaceGitFiles(folder: vscode.Uri): RepositoryFileSystem {
  const at = (path: string) => folder.with({ path });
  const stat = (path: string) => Promise.resolve(vscode.workspace.fs.stat(at(path)));
  return {
    parent: (path) => (posix.dirname(path) === path ? undefined : posix.dirname(path)),
    resolve: (base, path) => {
      // git writes a Windows gitdir as C:/…; a URI's path spells it /C:/….
      const windows = /^[A-Za-z]:[\\/]/.test(path);
      return windows ? `/${path.replace(/\\/g, "/")}` : posix.resolve(base, path);
    },
    relative: (from, to) => posix.relative(from, to),
    kind: (path) =>
      stat(path).then(
        (info) => (info.type & vscode.FileType.Directory ? "directory" : info.type & vscode.FileType.File ? "file" : undefined),
        () => undefined,
      ),
    stamp: (path) =>
      stat(path).then(
        (info) => `${info.mtime}:${info.size}`,
        () => undefined,
      ),
    read: async (path) => Buffer.from(await vscode.workspace.fs.readFile(at(path))).toString("utf8"),
  };
}
