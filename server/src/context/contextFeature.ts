/**
 * `hearth/context/chunk`: collects cross-file context the client forwards, and picks it for each completion.
 */
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { Connection } from "vscode-languageserver";
import { ContextStore } from "../core/contextStore";
import type { CrossFileContext, RepoContextInput } from "../core/fimInput";
import type { Feature } from "../feature";
import { ContextChunkNotification } from "../shared/protocol";
import { isSensitiveFile, uriPath } from "../shared/sensitiveFiles";
import type { HearthSettings } from "../shared/settings";

/** Characters of context per prompt: about a thousand tokens, a quarter of a 4k window. */
export const CONTEXT_BUDGET_CHARS = 4000;

export class CompletionContext implements CrossFileContext {
  readonly store = new ContextStore();
  private root: string | undefined;
  repoName = "workspace";

  private readonly listeners = new Set<() => void>();

  constructor(private readonly settings: () => HearthSettings) {}

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
      // The client filters too; the server is the last line, since any LSP client may send this.
      if (isSensitiveFile(uriPath(params.uri), this.settings().privacy.excludedFiles)) return;
      this.store.add({ uri: params.uri, path: params.path, text: params.text, startLine: Number(params.startLine) || 0 });
      for (const listener of this.listeners) listener();
    });
    // A custom notification: nothing to declare in the initialize result.
    return { capabilities: {} };
  }

  /** The context for a completion in `uri`, chosen by the code around the cursor (not the line being typed). */
  contextFor(uri: string, around: string): RepoContextInput | undefined {
    if (!this.settings().completion.crossFileContext) return undefined;
    const excluded = this.settings().privacy.excludedFiles;
    this.store.removeWhere((chunk) => isSensitiveFile(uriPath(chunk.uri), excluded));
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
