/**
 * Where an agent tool may read or write: only inside the workspace folders, never inside `.git`/`node_modules` (as
 * the platform's file system compares names: core/agent/protectedNames.ts) and never a secrets file. Pure: the
 * feature resolves symlinks and asks git, then puts the real path through the same checks (checkPlace). The
 * platform is a parameter, so Windows paths are tested on every platform.
 */
import { posix, win32 } from "node:path";
import { isSensitiveFile } from "../../shared/sensitiveFiles";
import { protectedSegmentOf, storedPathOf } from "./protectedNames";

export type PathCheck = { ok: true; path: string; folder: string } | { ok: false; reason: string };

/** node:path for the platform's paths. */
export function pathsFor(platform: NodeJS.Platform = process.platform): typeof posix {
  return platform === "win32" ? win32 : posix;
}

/** Resolves a tool's path argument (relative to the first folder, or absolute) against the workspace folders. */
export function checkToolPath(
  requested: string,
  folders: readonly string[],
  excludedFiles: readonly string[] = [],
  platform: NodeJS.Platform = process.platform,
): PathCheck {
  if (folders.length === 0) return { ok: false, reason: "No folder is open, so there are no files to work with." };
  const paths = pathsFor(platform);
  const path = paths.normalize(paths.isAbsolute(requested) ? requested : paths.resolve(folders[0], requested));
  const folder = folders.find((candidate) => isInside(path, candidate, platform));
  if (!folder) return { ok: false, reason: `${requested} is outside the workspace folders; only files inside them can be used.` };
  return checkPlace(requested, path, folder, excludedFiles, platform);
}

/**
 * The checks a place passes, both by the name the tool gave and where its links lead: not in a folder that is
 * never read, not a secrets file. `label` names the place in the reason ("gitcfg (a link to .git/config)").
 */
export function checkPlace(
  label: string,
  path: string,
  folder: string,
  excludedFiles: readonly string[],
  platform: NodeJS.Platform = process.platform,
): PathCheck {
  const skipped = protectedSegmentOf(relativeOf(path, folder, platform), platform);
  if (skipped) return { ok: false, reason: `${label} ${skipped}.` };
  if (isSensitiveFile(path, excludedFiles) || isSensitiveFile(storedPathOf(path, platform), excludedFiles))
    return { ok: false, reason: `${label} is a secrets file; it is never read.` };
  return { ok: true, path, folder };
}

/** `path` relative to `folder`, with forward slashes ("" for the folder itself). */
export function relativeOf(path: string, folder: string, platform: NodeJS.Platform = process.platform): string {
  const paths = pathsFor(platform);
  return paths.relative(folder, path).split(paths.sep).join("/");
}

/** Whether `path` is `folder` or inside it (after normalising; `..` can't climb out). */
export function isInside(path: string, folder: string, platform: NodeJS.Platform = process.platform): boolean {
  const paths = pathsFor(platform);
  const rel = paths.relative(paths.normalize(folder), paths.normalize(path));
  return rel === "" || (!rel.startsWith(`..${paths.sep}`) && rel !== ".." && !paths.isAbsolute(rel));
}
