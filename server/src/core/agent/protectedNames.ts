/**
 * Names the agent's tools never go through (`.git`, `node_modules`, …), compared the way a file system that
 * ignores case, trailing dots or short names would compare them: `.GIT/config` on macOS, `.git./config` or
 * `GIT~1\config` on Windows name the same file as `.git/config`. Pure: the platform is a parameter, so the Windows
 * rules are tested on every platform. Modelled on git's own checks (is_ntfs_dotgit, is_hfs_dotgit).
 */

/** Never walked into or read, whatever the .gitignore says (and never offered to a model). */
export const ALWAYS_SKIPPED: readonly string[] = [".git", "node_modules", ".hg", ".svn"];

/** Code points HFS+ leaves out when it compares names, so `.g\u200cit` is `.git` there (git's is_hfs_dotgit). */
const HFS_IGNORED = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g;

/**
 * A name as the file system compares it: case folded (on every platform: refusing `.GIT` on Linux costs nothing),
 * HFS+'s ignored code points dropped, and on Windows trailing dots and spaces dropped (`.git. ` is `.git`).
 */
export function comparableName(name: string, platform: NodeJS.Platform = process.platform): string {
  let folded = name.replace(HFS_IGNORED, "").toUpperCase().toLowerCase();
  if (platform === "win32") folded = folded.replace(/[. ]+$/, "");
  return folded;
}

/** The path's segments, split on both separators on Windows, without empty and `.` segments. */
export function segmentsOf(relativePath: string, platform: NodeJS.Platform = process.platform): string[] {
  return relativePath.split(platform === "win32" ? /[\\/]/ : "/").filter((segment) => segment !== "" && segment !== ".");
}

/**
 * Why a workspace-relative path must not be used, or undefined: a segment that is (or may be, on this platform)
 * one of ALWAYS_SKIPPED. On Windows an 8.3 short name (`GIT~1`) could be any of them, and a `:` opens an alternate
 * data stream (`.git::$INDEX_ALLOCATION` is the `.git` folder), so both are refused.
 */
export function protectedSegmentOf(relativePath: string, platform: NodeJS.Platform = process.platform): string | undefined {
  for (const segment of segmentsOf(relativePath, platform)) {
    const name = comparableName(segment, platform);
    const skipped = ALWAYS_SKIPPED.find((candidate) => candidate === name);
    if (skipped) return `is inside ${skipped}/, which is not read`;
    if (platform === "win32" && /~\d/.test(segment))
      return `names ${segment}, a Windows short name that may stand for a folder that is not read; use the long name`;
    if (platform === "win32" && segment.includes(":"))
      return `names ${segment}, a Windows alternate data stream, which is not read; use the plain file name`;
  }
  return undefined;
}

/** Whether a directory entry's name is one of ALWAYS_SKIPPED, or may be one on this platform (for walks). */
export function isSkippedName(name: string, platform: NodeJS.Platform = process.platform): boolean {
  return protectedSegmentOf(name, platform) !== undefined;
}

/**
 * The path as the file system would store it, for the secrets check: on Windows each segment loses its trailing
 * dots and spaces (`.npmrc.` is written as `.npmrc`). Other platforms keep the path as it is.
 */
export function storedPathOf(path: string, platform: NodeJS.Platform = process.platform): string {
  if (platform !== "win32") return path;
  return path
    .split(/([\\/])/)
    .map((part) => (/^([\\/]|\.\.?|[A-Za-z]:)$/.test(part) ? part : part.replace(/[. ]+$/, "")))
    .join("");
}
