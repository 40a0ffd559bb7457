/**
 * node:fs as gitRepository.ts's file system (native paths), for finding a repository and reading its rule files.
 * Only regular files count: a `.gitignore` that is a named pipe is absent, never read (a read would never return).
 */
import { stat } from "node:fs/promises";
import { dirname, relative, resolve, sep } from "node:path";
import type { RepositoryFileSystem } from "./gitRepository";
import { readRegularText } from "./regularFile";

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
      (info) => (info.isFile() ? `${info.mtimeMs}:${info.size}` : undefined),
      () => undefined,
    ),
  read: readRegularText,
};
