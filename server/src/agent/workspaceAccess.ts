/**
 * The agent's view of the workspace: only the workspace folders, never a secrets file, a `.gitignore`d path or a
 * symlink that leads out (the real path is checked, not the name), and walks that stop at a budget. Ignored paths
 * are git's, decided as for cross-file context (shared/gitIgnored.ts).
 */
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { basename, dirname, join, relative, sep } from "node:path";
import { checkToolPath, isInside } from "../core/agent/workspacePaths";
import { GitIgnoredPaths } from "../shared/gitIgnored";
import { isSensitiveFile } from "../shared/sensitiveFiles";

export type Resolved = { ok: true; path: string; folder: string; relative: string } | { ok: false; reason: string };

/** Never walked into, whatever the .gitignore says (and never offered to a model). */
const ALWAYS_SKIPPED = new Set([".git", "node_modules", ".hg", ".svn"]);

export class WorkspaceAccess {
  private readonly ignored = new Map<string, GitIgnoredPaths>();

  constructor(
    private readonly folders: () => readonly string[],
    private readonly excludedFiles: () => readonly string[],
  ) {}

  get roots(): readonly string[] {
    return this.folders();
  }

  /** `path` relative to its workspace folder, for messages. */
  relativeOf(path: string): string {
    const folder = this.folders().find((candidate) => isInside(path, candidate));
    return folder ? relative(folder, path).split(sep).join("/") : path;
  }

  /** A tool's path argument, checked: inside a folder (after following symlinks), not secret, not ignored. */
  async resolve(requested: string): Promise<Resolved> {
    const folders = this.folders();
    const checked = checkToolPath(requested, folders, this.excludedFiles());
    if (!checked.ok) return checked;
    const rel = relative(checked.folder, checked.path).split(sep).join("/");
    if (rel.split("/").some((part) => ALWAYS_SKIPPED.has(part)))
      return {
        ok: false,
        reason: `${requested} is inside ${rel.split("/").find((part) => ALWAYS_SKIPPED.has(part))}/, which is not read.`,
      };
    if (rel !== "" && (await this.isIgnored(checked.folder, rel)))
      return { ok: false, reason: `${requested} is ignored by .gitignore, so it is not read.` };
    // A symlink inside the folder may point anywhere: the real path must stay inside the real folder. A file not
    // created yet is judged by its nearest existing folder (`linked/new.txt`, where `linked` leads out).
    const real = await realPathOfNearest(checked.path);
    if (real !== undefined) {
      const realFolder = await realpath(checked.folder).catch(() => checked.folder);
      if (!isInside(real, realFolder)) return { ok: false, reason: `${requested} is a link to a place outside the workspace.` };
      if (isSensitiveFile(real, this.excludedFiles()))
        return { ok: false, reason: `${requested} is a secrets file; it is never read.` };
    }
    return { ok: true, path: checked.path, folder: checked.folder, relative: rel };
  }

  /** Whether git ignores a workspace-relative path (the client's rules: `.git/info/exclude`, nested `.gitignore`s). */
  isIgnored(folder: string, rel: string): Promise<boolean> {
    let paths = this.ignored.get(folder);
    if (!paths) {
      paths = new GitIgnoredPaths({
        stamp: (file) =>
          stat(join(folder, file)).then(
            (info) => `${info.mtimeMs}:${info.size}`,
            () => undefined,
          ),
        read: (file) => readFile(join(folder, file), "utf8"),
      });
      this.ignored.set(folder, paths);
    }
    return paths.isIgnored(rel);
  }

  /**
   * Every file under `start` that a tool may see, workspace-relative, up to `limit` (the walk stops there and says
   * so with `more`).
   */
  async walk(start: { folder: string; relative: string }, limit: number): Promise<{ files: string[]; more: boolean }> {
    const files: string[] = [];
    const queue = [start.relative];
    while (queue.length > 0) {
      const dir = queue.shift() as string;
      const entries = await readdir(join(start.folder, dir), { withFileTypes: true }).catch(() => []);
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        const rel = dir === "" ? entry.name : `${dir}/${entry.name}`;
        if (ALWAYS_SKIPPED.has(entry.name) || entry.isSymbolicLink()) continue;
        if (await this.isIgnored(start.folder, entry.isDirectory() ? `${rel}/` : rel)) continue;
        if (entry.isDirectory()) queue.push(rel);
        else if (entry.isFile() && !isSensitiveFile(join(start.folder, rel), this.excludedFiles())) {
          if (files.length >= limit) return { files, more: true };
          files.push(rel);
        }
      }
    }
    return { files, more: false };
  }
}

/** The real path of `path`, or of its nearest existing ancestor with the rest appended. */
async function realPathOfNearest(path: string): Promise<string | undefined> {
  let existing = path;
  const rest: string[] = [];
  for (;;) {
    const real = await realpath(existing).catch(() => undefined);
    if (real !== undefined) return join(real, ...rest);
    const parent = dirname(existing);
    if (parent === existing) return undefined;
    rest.unshift(basename(existing));
    existing = parent;
  }
}

/** Size check before reading: a tool never loads a huge or binary file whole. */
export async function readTextFile(path: string, maxBytes: number): Promise<{ text: string } | { error: string }> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return { error: "No such file." };
  if (info.isDirectory()) return { error: "That is a folder: use list_directory." };
  if (info.size > maxBytes)
    return { error: `The file is ${Math.round(info.size / 1024)} KB, more than a tool reads; search it instead.` };
  const bytes = await readFile(path);
  if (bytes.includes(0)) return { error: "The file is binary." };
  return { text: bytes.toString("utf8") };
}
