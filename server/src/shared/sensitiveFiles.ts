/**
 * Files whose contents never go to a model: secrets and credentials. The server checks every input that names a
 * file (completion, next edits, chat context items, fix targets, cross-file context); the client checks too, so
 * nothing is even sent. Pure: this judges a path by its name; sensitiveOnDisk.ts adds the real path (symlinks).
 *
 * The built-in patterns (sensitivePatterns.ts) are matched against the whole path. The user's
 * `hearth.privacy.excludedFiles` are matched the way VS Code's `files.exclude` and `.gitignore` are: relative to the
 * workspace folder that holds the file (a pattern without a slash matches a name at any depth, one with a slash is
 * anchored at the folder, and a pattern that matches a folder covers everything in it), and also against the whole
 * path, as before. A file in no workspace folder is matched relative to every folder above it, which can only
 * refuse more. Case never matters.
 */
import { Minimatch } from "minimatch";
import { DEFAULT_SENSITIVE_PATTERNS } from "./sensitivePatterns";

export { DEFAULT_SENSITIVE_PATTERNS };

/** `!` is a name, not a negation: a setting can only add files, never take a built-in one away. */
const GLOB_OPTIONS = { dot: true, nocase: true, nonegate: true } as const;

/** Compiled patterns, by their text: the completion path asks on every keystroke. */
const compiled = new Map<string, Minimatch>();
const COMPILED_LIMIT = 1000;

function glob(pattern: string): Minimatch {
  let found = compiled.get(pattern);
  if (!found) {
    if (compiled.size >= COMPILED_LIMIT) compiled.clear();
    found = new Minimatch(pattern, GLOB_OPTIONS);
    compiled.set(pattern, found);
  }
  return found;
}

/**
 * Whether the file at `path` (a file system path or a URI's path) must stay away from the model, by its name.
 * `folders` are the workspace folders (file system paths) that `extraPatterns` are relative to.
 */
export function isSensitiveFile(path: string, extraPatterns: readonly string[] = [], folders: readonly string[] = []): boolean {
  const normalized = slashes(path);
  if (DEFAULT_SENSITIVE_PATTERNS.some((pattern) => glob(pattern).match(normalized))) return true;
  if (extraPatterns.length === 0) return false;
  const candidates = relativeCandidates(normalized, folders);
  return extraPatterns.some((pattern) => matchesSetting(pattern, normalized, candidates));
}

/** Forward slashes, and a URI path's `/c:/…` as the `c:/…` a Windows path has. */
function slashes(path: string): string {
  return path.replace(/\\/g, "/").replace(/^\/([A-Za-z]:\/)/, "$1");
}

/**
 * The segments of `path` relative to each workspace folder that holds it; for a path in none of them (or a relative
 * one), relative to every folder above it.
 */
function relativeCandidates(path: string, folders: readonly string[]): string[][] {
  const segments = (at: string) => at.split("/").filter((segment) => segment !== "" && segment !== ".");
  const lower = path.toLowerCase();
  const inside = folders
    .map((folder) => slashes(folder).replace(/\/+$/, ""))
    .filter((folder) => folder !== "" && lower.startsWith(`${folder.toLowerCase()}/`))
    .map((folder) => segments(path.slice(folder.length)));
  if (inside.length > 0) return inside;
  const all = segments(path.replace(/^[A-Za-z]:(?=\/)/, ""));
  return all.map((_, start) => all.slice(start));
}

/** One `excludedFiles` pattern: against the whole path, else gitignore-style against the relative candidates. */
function matchesSetting(pattern: string, path: string, candidates: string[][]): boolean {
  const trimmed = pattern.trim();
  if (trimmed === "") return false;
  if (glob(trimmed).match(path)) return true;
  // `/config` and `./config` are anchored at the folder; `build/` is a folder, and so covers what is in it.
  const relative = trimmed.replace(/^\.\//, "").replace(/^\/+/, "").replace(/\/+$/, "");
  if (relative === "") return false;
  const matcher = glob(relative);
  if (!relative.includes("/")) return candidates.some((segments) => segments.some((segment) => matcher.match(segment)));
  return candidates.some((segments) => segments.some((_, end) => matcher.match(segments.slice(0, end + 1).join("/"))));
}

/** The path part of a document URI, decoded, for matching. */
export function uriPath(uri: string): string {
  try {
    return decodeURIComponent(new URL(uri).pathname);
  } catch {
    return uri;
  }
}

/** The file a chat context item names: its URI's path, else its label without a `:10-24` line range. */
export function contextItemPath(item: { label: string; uri?: string }): string {
  return item.uri ? uriPath(item.uri) : item.label.replace(/:\d+(-\d+)?$/, "");
}
