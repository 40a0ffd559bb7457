/**
 * Where an agent edit to a file really writes (shared/realPath.ts: links followed, a dangling one to its target, a
 * new file by where it would be created), relative to the workspace folder's real place, and whether that file is
 * one whose edits are always reviewed (shared/protectedPaths.ts), judged on the real path and on the requested one.
 * Apart from vscode, so it is tested on a real file system.
 */
import { isAbsolute, relative, sep } from "node:path";
import { type ProtectedPath, protectedPath } from "../../../server/src/shared/protectedPaths";
import { realTargetOf } from "../../../server/src/shared/realPath";

export interface EditPlace {
  /** The real path the edit would write. */
  real: string;
  /** `real` relative to the folder's real path (platform separators); starts with `..` when it leads out. */
  inFolder: string;
  /** The real file is outside the workspace folder (a link leads out). */
  outside: boolean;
  /** Why an edit to it is always reviewed, when it is. */
  protection?: ProtectedPath;
}

/**
 * Where an edit to `path` (inside the workspace folder `folder`) would really write; undefined when its links go
 * round in a loop or nest deeper than a system follows, so the file it reaches can't be known and the edit must be
 * refused.
 */
export async function editPlace(path: string, folder: string): Promise<EditPlace | undefined> {
  const real = await realTargetOf(path);
  if (real === undefined) return undefined;
  const realFolder = (await realTargetOf(folder)) ?? folder;
  const inFolder = relative(realFolder, real);
  const outside = inFolder === ".." || inFolder.startsWith(`..${sep}`) || isAbsolute(inFolder);
  const protection = protectedPath(outside ? real : slashed(inFolder)) ?? protectedPath(slashed(relative(folder, path)));
  return { real, inFolder, outside, protection };
}

export function slashed(path: string): string {
  return path.split(sep).join("/");
}
