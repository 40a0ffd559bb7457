/**
 * `hearth/context/chunk`: collects cross-file context the client forwards, and picks it for each completion.
 * Any LSP client may send chunks, so the server judges each itself: never a secrets file, and never a file git
 * ignores where it really is (the rules of the repository its real path is in), whatever the client checked.
 */
import { relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Connection } from "vscode-languageserver";
import { ContextStore } from "../core/contextStore";
import type { CrossFileContext, RepoContextInput, ViewedFile } from "../core/fimInput";
import type { Feature } from "../feature";
import { IgnoredWhereItLeads } from "../shared/ignoredWhereItLeads";
import { ContextChunkNotification } from "../shared/protocol";
import { realTargetOf } from "../shared/realPath";
import { isSensitiveFile, uriPath } from "../shared/sensitiveFiles";
import type { HearthSettings } from "../shared/settings";
import { viewedFileText } from "./viewedFileText";

/** Characters of context per prompt: about a thousand tokens, a quarter of a 4k window. */
export const CONTEXT_BUDGET_CHARS = 4000;
/** A viewed file larger than this isn't read (next edits search it whole). */
const VIEWED_FILE_BYTES = 512 * 1024;
/** Real paths kept for stored chunks before those of evicted ones are dropped. */
const REAL_PATHS_KEPT = 512;

export class CompletionContext implements CrossFileContext {
  readonly store = new ContextStore();
  private root: string | undefined;
  repoName = "workspace";

  private readonly listeners = new Set<() => void>();
  /** Where each stored chunk's file really is (links followed) when it arrived, so a settings change can re-judge it. */
  private readonly realPaths = new Map<string, string>();
  /** Git's ignore rules, by where a chunk's file really is. */
  private readonly ignored = new IgnoredWhereItLeads();
  /** Chunks are judged one after another, so they are stored in the order they came. */
  private arrivals: Promise<void> = Promise.resolve();

  /** `folders`: the workspace folders as file system paths, which `hearth.privacy.excludedFiles` is relative to. */
  constructor(
    private readonly settings: () => HearthSettings,
    private readonly folders: () => readonly string[] = () => [],
  ) {}

  /** Called after a chunk arrives. */
  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  /** The workspace the paths are relative to, from the initialize request. */
  setWorkspace(folder: { uri: string; name: string } | undefined): void {
    if (!folder) return;
    this.repoName = folder.name;
    try {
      this.root = fileURLToPath(folder.uri);
    } catch {
      this.root = undefined;
    }
  }

  register(connection: Connection): Feature {
    connection.onNotification(ContextChunkNotification.type, (params) => {
      if (typeof params?.uri !== "string" || typeof params.text !== "string" || typeof params.path !== "string") return;
      // A `file:` URI naming another machine (`file://host/share`) would have the server reach for it: never.
      if (params.uri.startsWith("file:") && !isLocalFile(params.uri)) return;
      const chunk = { uri: params.uri, path: params.path, text: params.text, startLine: Number(params.startLine) || 0 };
      // A chunk that can't be judged is dropped; the next one is judged all the same.
      this.arrivals = this.arrivals.then(() => this.arrived(chunk)).catch(() => undefined);
    });
    // A custom notification: nothing to declare in the initialize result.
    return { capabilities: {} };
  }

  /**
   * The client filters too; the server is the last line, since any LSP client may send this: a chunk of a secrets
   * file, by its name or by where its file really is (a link to `.env`), is dropped, and so is a chunk of a file git
   * ignores where it really is (another editor may forward what the user keeps out of the repository).
   */
  private async arrived(chunk: { uri: string; path: string; text: string; startLine: number }): Promise<void> {
    const onDisk = chunk.uri.startsWith("file:");
    const path = onDisk ? fileURLToPath(chunk.uri) : undefined;
    const real = path !== undefined ? await realTargetOf(path) : undefined;
    // A file whose links never end can't be judged by where it leads: dropped, like a secret.
    if (onDisk && real === undefined) return;
    if (this.isSecret(chunk.uri, real)) return;
    if (path !== undefined && (await this.ignored.isIgnored(path, this.folders()))) return;
    if (real !== undefined) this.realPaths.set(chunk.uri, real);
    this.store.add(chunk);
    if (this.realPaths.size > REAL_PATHS_KEPT) this.forgetEvictedRealPaths();
    for (const listener of this.listeners) listener();
  }

  settled(): Promise<void> {
    return this.arrivals;
  }

  /**
   * The files chunks came from (viewed, edited, or a definition looked up near the cursor), the most recent first,
   * read now: a local `file:` URI only, judged again as a chunk is (the file may have become a link to a secret, or
   * ignored, since it was viewed), and only where it really is inside a workspace folder (a definition in a library,
   * a link out of the workspace: never). Read by viewedFileText.ts: that file or nothing, at most VIEWED_FILE_BYTES.
   */
  async viewedFiles(skip: (uri: string) => boolean, limit: number): Promise<ViewedFile[]> {
    const files: ViewedFile[] = [];
    if (!this.settings().completion.crossFileContext) return files;
    for (const uri of this.store.uris()) {
      if (files.length >= limit) break;
      if (!isLocalFile(uri) || skip(uri)) continue;
      const text = await this.readJudged(uri).catch(() => undefined);
      if (text !== undefined) files.push({ uri, text });
    }
    return files;
  }

  private async readJudged(uri: string): Promise<string | undefined> {
    const path = fileURLToPath(uri);
    const real = await realTargetOf(path);
    if (real === undefined || this.isSecret(uri, real) || (await this.ignored.isIgnored(path, this.folders()))) return undefined;
    const folders = await Promise.all(this.folders().map(realTargetOf));
    if (!folders.some((folder) => folder !== undefined && real.startsWith(folder + sep))) return undefined;
    return viewedFileText(path, real, VIEWED_FILE_BYTES);
  }

  /** By the name the chunk came with, or by where its file really is. */
  private isSecret(uri: string, realPath: string | undefined): boolean {
    const excluded = this.settings().privacy.excludedFiles;
    const folders = this.folders();
    return [uriPath(uri), realPath].some((path) => path !== undefined && isSensitiveFile(path, excluded, folders));
  }

  /** Drops the real paths of files the store no longer holds a chunk of. */
  private forgetEvictedRealPaths(): void {
    const held = new Set<string>();
    this.store.removeWhere((chunk) => {
      held.add(chunk.uri);
      return false;
    });
    for (const uri of this.realPaths.keys()) if (!held.has(uri)) this.realPaths.delete(uri);
  }

  /** The context for a completion in `uri`, chosen by the code around the cursor (not the line being typed). */
  contextFor(uri: string, around: string): RepoContextInput | undefined {
    if (!this.settings().completion.crossFileContext) return undefined;
    this.store.removeWhere((chunk) => this.isSecret(chunk.uri, this.realPaths.get(chunk.uri)));
    const chunks = this.store.select(around, uri, CONTEXT_BUDGET_CHARS);
    if (chunks.length === 0) return undefined;
    return { repoName: this.repoName, currentPath: this.pathFor(uri), chunks };
  }

  pathFor(uri: string): string {
    const path = uriPath(uri);
    if (this.root && path.startsWith(this.root)) return relative(this.root, path).split("\\").join("/");
    return path.split(/[\\/]/).pop() ?? path;
  }
}

/** A `file:` URI with no host: a network share's (`file://host/share`) would make the server reach for it. */
function isLocalFile(uri: string): boolean {
  try {
    const url = new URL(uri);
    return url.protocol === "file:" && url.host === "";
  } catch {
    return false;
  }
}
