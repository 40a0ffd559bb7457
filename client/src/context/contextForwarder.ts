/**
 * Forwards editor context to the language server for cross-file completions: what the user looks at (visible
 * ranges), what they edit (lines around each change), and the definitions of identifiers near the cursor (asked of
 * VS Code's own definition providers, so every language with a language server helps). Secrets files and
 * git-ignored paths (`.gitignore` at any depth, `.git/info/exclude`) are never forwarded, judged by the name the file
 * was opened by and by where its links really lead (`readme2.md -> private/diary.md`, with `private/` ignored).
 */
import * as vscode from "vscode";
import { FolderIgnoredPaths } from "../../../server/src/shared/gitRepository";
import { IgnoredWhereItLeads } from "../../../server/src/shared/ignoredWhereItLeads";
import { ContextChunkNotification, type ContextChunkParams } from "../../../server/src/shared/protocol";
import { nextEditAvailable } from "../../../server/src/shared/settings";
import { readConfig } from "../config";
import { isSecretDocument } from "../secretFiles";
import { workspaceGitFiles } from "./workspaceGitFiles";

const CHUNK_LINES = 64;
const EDIT_CONTEXT_LINES = 16;
const DEFINITION_LINES = 24;
const MAX_CHUNK_CHARS = 4000;
/** Definitions are asked for at most this many identifiers, and given up on after this long. */
const DEFINITION_IDENTIFIERS = 3;
const DEFINITION_TIMEOUT_MS = 300;

type Send = (chunk: ContextChunkParams) => void;

/** One decision of the forwarder: a document's lines were sent, or held back (a secrets file, a git-ignored path). */
export interface ForwardDecision {
  uri: string;
  forwarded: boolean;
}

export class ContextForwarder implements vscode.Disposable {
  private readonly decided = new vscode.EventEmitter<ForwardDecision>();
  /** Fires after each decision, so tests wait for it instead of for a debounce to pass. */
  readonly onDidDecide = this.decided.event;
  private readonly disposables: vscode.Disposable[] = [this.decided];
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Per workspace folder, by the rules of the repository it is in. */
  private readonly ignored = new Map<string, FolderIgnoredPaths>();
  /** By the real path of a file on this machine, in the repository that path is in. */
  private readonly ignoredWhereItLeads = new IgnoredWhereItLeads();

  constructor(private readonly send: Send) {
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((editor) => editor && this.later("view", 300, () => this.forwardVisible(editor))),
      vscode.window.onDidChangeTextEditorVisibleRanges((event) =>
        this.later("view", 750, () => this.forwardVisible(event.textEditor)),
      ),
      vscode.workspace.onDidChangeTextDocument((event) => {
        const change = event.contentChanges[0];
        if (change)
          this.later(`edit:${event.document.uri}`, 1000, () => this.forwardAround(event.document, change.range.start.line));
      }),
      vscode.window.onDidChangeTextEditorSelection((event) =>
        this.later("definitions", 800, () => void this.forwardDefinitions(event.textEditor)),
      ),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.ignored.clear()),
    );
  }

  private later(key: string, delayMs: number, run: () => void): void {
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (enabled()) run();
      }, delayMs),
    );
  }

  private forwardVisible(editor: vscode.TextEditor): void {
    const range = editor.visibleRanges[0];
    if (!range) return;
    const middle = Math.floor((range.start.line + range.end.line) / 2);
    void this.forwardLines(editor.document, middle - CHUNK_LINES / 2, CHUNK_LINES);
  }

  private forwardAround(document: vscode.TextDocument, line: number): void {
    void this.forwardLines(document, line - EDIT_CONTEXT_LINES, EDIT_CONTEXT_LINES * 2 + 1);
  }

  private async forwardDefinitions(editor: vscode.TextEditor): Promise<void> {
    const position = editor.selection.active;
    const line = editor.document.lineAt(position.line).text;
    const identifiers = [...line.matchAll(/[A-Za-z_$][\w$]*/g)]
      .sort((a, b) => Math.abs((a.index ?? 0) - position.character) - Math.abs((b.index ?? 0) - position.character))
      .slice(0, DEFINITION_IDENTIFIERS);
    for (const match of identifiers) {
      const at = new vscode.Position(position.line, (match.index ?? 0) + 1);
      const found = await Promise.race([
        vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>(
          "vscode.executeDefinitionProvider",
          editor.document.uri,
          at,
        ),
        new Promise<undefined>((resolve) => setTimeout(resolve, DEFINITION_TIMEOUT_MS)),
      ]).catch(() => undefined);
      for (const location of found ?? []) {
        const uri = "targetUri" in location ? location.targetUri : location.uri;
        const range = "targetRange" in location ? location.targetRange : location.range;
        if (uri.toString() === editor.document.uri.toString()) continue;
        const document = await vscode.workspace.openTextDocument(uri).then(undefined, () => undefined);
        if (document) await this.forwardLines(document, range.start.line - 2, DEFINITION_LINES);
      }
    }
  }

  private async forwardLines(document: vscode.TextDocument, firstLine: number, count: number): Promise<void> {
    if (document.uri.scheme !== "file" && document.uri.scheme !== "untitled") return;
    const allowed = await this.mayForward(document.uri);
    if (!allowed) {
      this.decided.fire({ uri: document.uri.toString(), forwarded: false });
      return;
    }
    const start = Math.max(0, Math.min(firstLine, document.lineCount - 1));
    const end = Math.min(document.lineCount, start + count);
    const text = document
      .getText(new vscode.Range(start, 0, end, 0))
      .slice(0, MAX_CHUNK_CHARS)
      .replace(/\n$/, "");
    if (text.trim() !== "")
      this.send({ uri: document.uri.toString(), path: vscode.workspace.asRelativePath(document.uri), text, startLine: start });
    this.decided.fire({ uri: document.uri.toString(), forwarded: text.trim() !== "" });
  }

  /** Never secrets files (built-in list plus hearth.privacy.excludedFiles) nor what git ignores in the workspace. */
  private async mayForward(uri: vscode.Uri): Promise<boolean> {
    // By its name and by where it really is: a link `notes.txt -> .env` is `.env`.
    if (await isSecretDocument(uri)) return false;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (folder && (await this.ignoredIn(folder).isIgnored(vscode.workspace.asRelativePath(uri, false)))) return false;
    // And where it really is: a link to an ignored file is that file; a link loop can't be judged and is held back.
    if (uri.scheme !== "file") return true;
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((each) => each.uri.scheme === "file");
    return !(await this.ignoredWhereItLeads.isIgnored(
      uri.fsPath,
      folders.map((each) => each.uri.fsPath),
    ));
  }

  private ignoredIn(folder: vscode.WorkspaceFolder): FolderIgnoredPaths {
    const key = folder.uri.toString();
    let paths = this.ignored.get(key);
    if (!paths) {
      paths = new FolderIgnoredPaths(folder.uri.path, workspaceGitFiles(folder.uri));
      this.ignored.set(key, paths);
    }
    return paths;
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}

/** Context serves completions and next edits (their prompts, and the files a rename's uses are looked for in). */
function enabled(): boolean {
  const settings = readConfig();
  return settings.completion.crossFileContext && (settings.completion.enabled || nextEditAvailable(settings));
}

/** Sends chunks over the running language client, if there is one. */
export function contextSender(
  client: () =>
    | { sendNotification: (type: typeof ContextChunkNotification.type, params: ContextChunkParams) => unknown }
    | undefined,
): Send {
  return (chunk) => void client()?.sendNotification(ContextChunkNotification.type, chunk);
}
