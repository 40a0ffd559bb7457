/**
 * The agent's view of the workspace: only the workspace folders, never a secrets file, a `.gitignore`d path or a
 * folder that is never read (`.git`, `node_modules`, compared as the platform's file system compares names). Each
 * check is made on the name the tool gave and again on where its links really lead (a dangling link by its target),
 * so `gitcfg -> .git/config` is refused like `.git/config`; writes go through no link at all. Walks stop at a
 * budget. Ignored paths are git's, by the rules of the repository the folder is in (shared/gitRepository.ts), as
 * for cross-file context.
 */
import { readdir, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { isSkippedName } from "../core/agent/protectedNames";
import { checkPlace, checkToolPath, isInside, relativeOf } from "../core/agent/workspacePaths";
import { FolderIgnoredPaths } from "../shared/gitRepository";
import { linkOnTheWay, realTargetOf } from "../shared/realPath";
import { readRegularFile } from "../shared/regularFile";
import { isSensitiveFile } from "../shared/sensitiveFiles";
import { nodeRepositoryFiles } from "./repositoryFiles";

export type Resolved = { ok: true; path: string; folder: string; relative: string } | { ok: false; reason: string };

/** What a tool means to do with a path: writes are refused through any link, reads follow links that pass. */
export type Access = "read" | "write";

export class WorkspaceAccess {
  private readonly ignored = new Map<string, FolderIgnoredPaths>();
  private readonly realFolders = new Map<string, Promise<string>>();

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
    return folder ? relativeOf(path, folder) : path;
  }

  /**
   * A tool's path argument, checked: inside a folder, not in a folder never read, not secret, not ignored, both by
   * its name and by where its links lead; for a write, no link on the way.
   */
  async resolve(requested: string, access: Access = "read"): Promise<Resolved> {
    const checked = checkToolPath(requested, this.folders(), this.excludedFiles());
    if (!checked.ok) return checked;
    const rel = relativeOf(checked.path, checked.folder);
    // A link inside the folder may point anywhere; a file not created yet is judged by where it would be created.
    const real = await realTargetOf(checked.path);
    if (real === undefined)
      return { ok: false, reason: `${requested} is a chain of links that never ends (or is too long); it is not used.` };
    const isDirectory = await stat(real).then(
      (info) => info.isDirectory(),
      () => false,
    );
    const byName = await this.ignoredReason(requested, checked.folder, rel, isDirectory);
    if (byName) return { ok: false, reason: byName };
    const realFolder = await this.realFolderOf(real);
    if (realFolder === undefined) return { ok: false, reason: `${requested} is a link to a place outside the workspace.` };
    const realRel = relativeOf(real, realFolder);
    if (realRel !== rel || realFolder !== checked.folder) {
      const label = `${requested} (a link to ${realRel || "the workspace folder"})`;
      const target = checkPlace(label, real, realFolder, this.excludedFiles());
      if (!target.ok) return target;
      const ignored = await this.ignoredReason(label, realFolder, realRel, isDirectory);
      if (ignored) return { ok: false, reason: ignored };
    }
    if (access === "write") {
      const link = await linkOnTheWay(checked.folder, checked.path);
      if (link !== undefined)
        return {
          ok: false,
          reason: `${requested} goes through the symbolic link ${link}, and files are never written through a link; write to ${realRel} instead.`,
        };
    }
    return { ok: true, path: checked.path, folder: checked.folder, relative: rel };
  }

  /** Why git's ignore rules refuse a workspace-relative path, or undefined. */
  private async ignoredReason(label: string, folder: string, rel: string, isDirectory: boolean): Promise<string | undefined> {
    if (rel === "" || !(await this.isIgnored(folder, isDirectory ? `${rel}/` : rel))) return undefined;
    return `${label} is ignored by .gitignore, so it is not read.`;
  }

  /** The real path of the workspace folder `real` is in, or undefined when it is in none. */
  private async realFolderOf(real: string): Promise<string | undefined> {
    for (const folder of this.folders()) {
      const realFolder = await this.realPathOfFolder(folder);
      if (isInside(real, realFolder)) return realFolder;
    }
    return undefined;
  }

  private realPathOfFolder(folder: string): Promise<string> {
    let real = this.realFolders.get(folder);
    if (!real) {
      real = realpath(folder).catch(() => folder);
      this.realFolders.set(folder, real);
    }
    return real;
  }

  /** Whether git ignores a folder-relative path, by the folder's name and by its real place (a linked folder's repository). */
  private async isIgnoredAnywhere(folder: string, rel: string): Promise<boolean> {
    if (await this.isIgnored(folder, rel)) return true;
    const realFolder = await this.realPathOfFolder(folder);
    return realFolder !== folder && (await this.isIgnored(realFolder, rel));
  }

  /** Whether git ignores a folder-relative path (the rules of the folder's repository, as the client applies them). */
  isIgnored(folder: string, rel: string): Promise<boolean> {
    let paths = this.ignored.get(folder);
    if (!paths) {
      paths = new FolderIgnoredPaths(folder, nodeRepositoryFiles);
      this.ignored.set(folder, paths);
    }
    return paths.isIgnored(rel);
  }

  /**
   * Every file under `start` that a tool may see, workspace-relative, up to `limit` (the walk stops there and says
   * so with `more`). Links are never followed, so every name seen is a real place.
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
        if (isSkippedName(entry.name) || entry.isSymbolicLink()) continue;
        if (await this.isIgnoredAnywhere(start.folder, entry.isDirectory() ? `${rel}/` : rel)) continue;
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

/**
 * Size check before reading: a tool never loads a huge or binary file whole. Only regular files are read: a named
 * pipe would never answer, and would hold one of the file-system threads every check needs (shared/regularFile.ts).
 */
export async function readTextFile(path: string, maxBytes: number): Promise<{ text: string } | { error: string }> {
  const file = await readRegularFile(path, maxBytes);
  if ("bytes" in file) {
    if (file.bytes.includes(0)) return { error: "The file is binary." };
    return { text: file.bytes.toString("utf8") };
  }
  switch (file.error) {
    case "missing":
      return { error: "No such file." };
    case "directory":
      return { error: "That is a folder: use list_directory." };
    case "not-regular":
      return { error: "That is not a regular file (a named pipe, socket or device), so it is not read." };
    case "too-large":
      return { error: `The file is ${Math.round(file.size / 1024)} KB, more than a tool reads; search it instead.` };
  }
}
