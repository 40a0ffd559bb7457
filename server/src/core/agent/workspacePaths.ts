/**
 * Where an agent tool may read or write: only inside the workspace folders, never a secrets file or a path the
 * user's .gitignore hides. Pure: the feature resolves symlinks (realpath) and asks git before trusting a path.
 */
import { isAbsolute, normalize, relative, resolve, sep } from "node:path";
import { isSensitiveFile } from "../../shared/sensitiveFiles";

export type PathCheck = { ok: true; path: string; folder: string } | { ok: false; reason: string };

/** Resolves a tool's path argument (relative to the first folder, or absolute) against the workspace folders. */
export function checkToolPath(requested: string, folders: readonly string[], excludedFiles: readonly string[] = []): PathCheck {
  if (folders.length === 0) return { ok: false, reason: "No folder is open, so there are no files to work with." };
  const path = normalize(isAbsolute(requested) ? requested : resolve(folders[0], requested));
  const folder = folders.find((candidate) => isInside(path, candidate));
  if (!folder) return { ok: false, reason: `${requested} is outside the workspace folders; only files inside them can be used.` };
  if (isSensitiveFile(path, excludedFiles)) return { ok: false, reason: `${requested} is a secrets file; it is never read.` };
  return { ok: true, path, folder };
}

/** Whether `path` is `folder` or inside it (after normalising; `..` can't climb out). */
export function isInside(path: string, folder: string): boolean {
  const rel = relative(normalize(folder), normalize(path));
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}
