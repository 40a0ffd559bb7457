/**
 * Where a path really leads, for the agent's checks: symlinks followed the way the system would follow them, a
 * dangling link judged by its target (a write through `hook -> .git/hooks/pre-commit` would create the hook), and
 * the links on the way to a file the agent means to write. Also node:fs as shared/gitRepository.ts's file system.
 */
import { lstat, readFile, readlink, realpath, stat } from "node:fs/promises";
import { dirname, isAbsolute, join, parse, relative, resolve, sep } from "node:path";
import type { RepositoryFileSystem } from "../shared/gitRepository";

/** As many links as Linux follows for one path (MAXSYMLINKS); more means a loop. */
const MAX_LINKS = 40;

/**
 * The real path `path` leads to, following every link on the way, dangling ones too (a missing target's path is
 * what it would create); undefined when the links go round in a loop or nest deeper than a system follows.
 */
export async function realTargetOf(path: string): Promise<string | undefined> {
  const existing = await realpath(path).catch(() => undefined);
  if (existing !== undefined) return existing;
  // Something on the way is missing or a link that leads nowhere: resolve one name at a time, as the kernel does.
  const absolute = resolve(path);
  let resolved = parse(absolute).root;
  const pending = namesOf(absolute);
  let links = 0;
  while (pending.length > 0) {
    const name = pending.shift() as string;
    if (name === "..") {
      resolved = dirname(resolved);
      continue;
    }
    const next = join(resolved, name);
    const info = await lstat(next).catch(() => undefined);
    if (!info?.isSymbolicLink()) {
      resolved = next;
      continue;
    }
    if (++links > MAX_LINKS) return undefined;
    const target = await readlink(next).catch(() => undefined);
    if (target === undefined) return undefined;
    // A relative target starts from the link's own folder; an absolute one from its root.
    if (isAbsolute(target)) resolved = parse(resolve(target)).root;
    pending.unshift(...namesOf(target));
  }
  // The existing part in its canonical spelling (realpath gives Windows' long names and the disk's case).
  return canonical(resolved);
}

async function canonical(path: string): Promise<string> {
  const rest: string[] = [];
  let existing = path;
  for (;;) {
    const real = await realpath(existing).catch(() => undefined);
    if (real !== undefined) return join(real, ...rest);
    const parent = dirname(existing);
    if (parent === existing) return path;
    rest.unshift(existing.slice(parent.length).replace(/^[\\/]+/, ""));
    existing = parent;
  }
}

function namesOf(path: string): string[] {
  return path
    .slice(parse(path).root.length)
    .split(/[\\/]/)
    .filter((name) => name !== "" && name !== ".");
}

/**
 * The first existing link on the way from `folder` down to `path` (the folder itself may be a link), relative to
 * the folder, or undefined when there is none. Writes go only where no link leads.
 */
export async function linkOnTheWay(folder: string, path: string): Promise<string | undefined> {
  const names = relative(folder, path)
    .split(sep)
    .filter((name) => name !== "");
  for (let depth = 1; depth <= names.length; depth++) {
    const info = await lstat(join(folder, ...names.slice(0, depth))).catch(() => undefined);
    if (!info) return undefined;
    if (info.isSymbolicLink()) return names.slice(0, depth).join("/");
  }
  return undefined;
}

/** node:fs for finding a folder's repository and reading its rule files. */
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
