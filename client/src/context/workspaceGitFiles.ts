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
    // Only regular files: a `.gitignore` that is a named pipe counts as absent, since a read of it would never return.
    stamp: (path) =>
      stat(path).then(
        (info) => (info.type & vscode.FileType.File ? `${info.mtime}:${info.size}` : undefined),
        () => undefined,
      ),
    read: async (path) => {
      if (!((await stat(path)).type & vscode.FileType.File)) throw new Error(`${path} is not a regular file.`);
      return Buffer.from(await vscode.workspace.fs.readFile(at(path))).toString("utf8");
    },
  };
}
