/**
 * Where a path really leads, for every check that judges a file by the place it reaches rather than by the name it
 * was asked by: secrets (sensitiveOnDisk.ts), the agent's tools (agent/workspaceAccess.ts) and the client's review
 * of protected files (client/src/agent/editTarget.ts). Links are followed one name at a time, as the kernel follows
 * them: `..` after a link is the link target's parent, and a dangling link is judged by its target (a write through
 * `hook -> .git/hooks/pre-commit` would create the hook). Only link metadata is read, never a file's contents.
 */
import { lstat, readlink, realpath } from "node:fs/promises";
import { dirname, isAbsolute, join, parse, relative, sep } from "node:path";

/** As many links as Linux follows in one path (MAXSYMLINKS); more means a loop, and the system itself gives up (ELOOP). */
const MAX_LINKS = 40;

/**
 * The real path `path` leads to, following every link on the way, dangling ones too (a missing target's path is
 * what a write would create); undefined when the links go round in a loop or nest deeper than a system follows, so
 * that where it leads can't be known. Callers must then refuse (a secret, a protected file): never fall back to the
 * name. A relative `path` is taken from the current folder; its `..` are resolved physically, never by name.
 */
export async function realTargetOf(path: string): Promise<string | undefined> {
  const existing = await realpath(path).catch(() => undefined);
  if (existing !== undefined) return existing;
  // Something on the way is missing or a link that leads nowhere: resolve one name at a time, as the kernel does.
  // Not path.resolve: it would take `link/..` off by name before the link is followed.
  const absolute = isAbsolute(path) ? path : `${process.cwd()}${sep}${path}`;
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
    if (isAbsolute(target)) resolved = parse(target).root;
    pending.unshift(...namesOf(target));
  }
  // The existing part in its canonical spelling (realpath gives Windows' long names and the disk's case).
  return canonical(resolved);
}

/** `path` with its longest existing start replaced by that start's real path. */
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

/** The names after a path's root, without the empty and `.` ones (`..` kept: it is resolved where it stands). */
function namesOf(path: string): string[] {
  return path
    .slice(parse(path).root.length)
    .split(/[\\/]/)
    .filter((name) => name !== "" && name !== ".");
}

/**
 * The first existing link on the way from `folder` down to `path` (the folder itself may be a link), relative to
 * the folder and `/`-separated, or undefined when there is none. Writes go only where no link leads.
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
