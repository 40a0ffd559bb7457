/**
 * Next-edit suggestions in VS Code: after the user edits (a short pause), asks the server for the edits that follow
 * (`textDocument/copilotInlineEdit`), draws them, and lets Tab jump to the next one and Tab again accept it (one
 * undo step), Esc dismiss them. Accepting one keeps the others on screen, moved to where they now are; accepting
 * the last asks for what comes next. Edits in other files (a rename's uses) come after this file's: a hint says
 * where ("Tab ⇥ next edit in report.ts:3"), Tab opens that file at the edit (a jump Go Back undoes), and the walk
 * goes on there; a file changed since is skipped, never edited stale. The cursor only moves when the user presses Tab.
 */
import { createHash } from "node:crypto";
import { basename } from "node:path";
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { type InlineEdit, InlineEditRequest } from "../../../server/src/shared/protocol";
import { type HearthSettings, nextEditAvailable } from "../../../server/src/shared/settings";
import { editTarget } from "../agent/editTarget";
import type { SuggestionCounter } from "../quality/suggestionQuality";
import { nearbyDiagnostics } from "./nearbyDiagnostics";
import { NextEditDecorations } from "./nextEditDecorations";
import { afterAccepting, cursorAt, type SuggestedEdit, targetEdit } from "./suggestedEdits";

/** The pause after a keystroke before next edits are asked for, by hearth.nextEdit.eagerness. */
const DEBOUNCE_MS = { low: 750, normal: 250, high: 100 } as const;
/** The context key that enables Tab and Esc for next edits. */
const VISIBLE_KEY = "hearth.nextEditVisible";

interface Suggestion {
  editor: vscode.TextEditor;
  version: number;
  /** In the editor's document; none while only a hint points to another file. */
  edits: SuggestedEdit[];
  /** Edits in other documents, walked after these, one document after another. */
  elsewhere: ElsewhereEdits[];
  /** The prompt format the server asked the model in (the suggestion record counts under it). */
  format: string | undefined;
}

/**
 * One other document's edits, for the version they were made for, or, for a file that wasn't open, for the text whose
 * SHA-256 they name (InlineEdit.textSha256).
 */
interface ElsewhereEdits {
  uri: string;
  version: number;
  textSha256?: string;
  edits: InlineEdit[];
}

export class NextEditController implements vscode.Disposable {
  private suggestion: Suggestion | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pending: vscode.CancellationTokenSource | undefined;
  /** The cursor's line at the user's last edit (eager mode asks again when the cursor leaves it). */
  private editedLine: number | undefined;
  /** Set while Hearth applies an accepted edit, so that change doesn't count as the user's. */
  private applying = false;
  /** Tab presses in order: a fast second Tab waits for the first one's edit to land. */
  private tabs: Promise<void> = Promise.resolve();
  /** The document Tab is opening for its edits: its editor becoming active doesn't clear them. */
  private openingFor: string | undefined;
  private readonly decorations: NextEditDecorations;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    extensionUri: vscode.Uri,
    private readonly client: () => LanguageClient | undefined,
    private readonly settings: () => HearthSettings,
    /** True when ghost text is on screen for this version of the document: next edits then wait. */
    private readonly ghostTextShown: (document: vscode.TextDocument) => boolean = () => false,
    /** The local suggestion record: what is shown, accepted, dismissed. */
    private readonly counter?: SuggestionCounter,
  ) {
    this.decorations = new NextEditDecorations(extensionUri);
    this.subscriptions = [
      this.decorations,
      vscode.workspace.onDidChangeTextDocument((event) => this.documentChanged(event)),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        // Tab opening another file's edits: the event may come before or after they are shown there.
        if (editor !== undefined && (editor === this.suggestion?.editor || editor.document.uri.toString() === this.openingFor))
          return;
        this.clear();
      }),
      vscode.window.onDidChangeTextEditorSelection((event) => this.selectionChanged(event.textEditor)),
      vscode.window.onDidChangeTextEditorVisibleRanges((event) => this.redraw(event.textEditor)),
    ];
  }

  /** Whether next edits are on screen (inline completions wait meanwhile, so the two never fight). */
  get visible(): boolean {
    return this.suggestion !== undefined;
  }

  /** Asks for next edits at the cursor now (the Suggest Next Edit command, and after accepting the last one). */
  async suggest(editor = vscode.window.activeTextEditor): Promise<void> {
    clearTimeout(this.timer);
    this.pending?.cancel();
    const client = this.client();
    if (!editor || !client?.isRunning() || !nextEditAvailable(this.settings())) return;
    const source = new vscode.CancellationTokenSource();
    this.pending = source;
    const document = editor.document;
    const version = document.version;
    try {
      const result = await client.sendRequest(
        InlineEditRequest.type,
        {
          textDocument: { uri: document.uri.toString(), version },
          position: client.code2ProtocolConverter.asPosition(editor.selection.active),
          diagnostics: nearbyDiagnostics(document.uri, editor.selection.active, (diagnostic) =>
            client.code2ProtocolConverter.asDiagnostic(diagnostic),
          ),
          // Tab opens such a file, and its edits land only while its text hashes as when they were made. In
          // Restricted Mode edits stay in the files the user has open.
          unopenedFiles: vscode.workspace.isTrusted,
        },
        source.token,
      );
      if (source.token.isCancellationRequested || document.version !== version) return;
      const uri = document.uri.toString();
      const edits = this.offsetsIn(
        document,
        result.edits.filter((edit) => edit.textDocument.uri === uri && edit.textDocument.version === version),
      );
      const elsewhere = elsewhereEdits(result.edits.filter((edit) => edit.textDocument.uri !== uri));
      const count = edits.length + elsewhere.reduce((sum, other) => sum + other.edits.length, 0);
      if (count > 0 && vscode.window.activeTextEditor === editor && !this.ghostTextShown(document)) {
        this.show({ editor, version, edits, elsewhere, format: result.format });
        this.counter?.shown("nextEdit", result.format, count);
      }
    } catch {
      // A stale version or a cancelled request: the next keystroke asks again.
    } finally {
      if (this.pending === source) this.pending = undefined;
      source.dispose();
    }
  }

  /** Tab: jumps to the next edit, or accepts it when the cursor is already there. Presses queue up in order. */
  jumpOrAccept(): Promise<void> {
    const run = this.tabs.then(() => this.jumpOrAcceptNow());
    this.tabs = run.catch(() => undefined);
    return run;
  }

  private async jumpOrAcceptNow(): Promise<void> {
    const suggestion = this.suggestion;
    if (!suggestion || suggestion.editor !== vscode.window.activeTextEditor) return;
    if (suggestion.edits.length === 0) return this.openElsewhere(suggestion);
    const { editor, edits } = suggestion;
    const document = editor.document;
    const cursor = document.offsetAt(editor.selection.active);
    const index = targetEdit(edits, cursor);
    const edit = edits[index];
    const start = document.positionAt(edit.start);
    if (!cursorAt(edit, cursor)) {
      editor.selection = new vscode.Selection(start, start);
      editor.revealRange(new vscode.Range(start, start), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      this.redraw(editor);
      return;
    }
    this.applying = true;
    let applied = false;
    try {
      applied = await editor.edit(
        (builder) => builder.replace(new vscode.Range(start, document.positionAt(edit.end)), edit.text),
        {
          undoStopBefore: true,
          undoStopAfter: true,
        },
      );
    } finally {
      this.applying = false;
    }
    if (!applied) return this.clear();
    this.counter?.accepted("nextEdit", suggestion.format, document.uri.toString());
    const end = document.positionAt(edit.start + edit.text.length);
    editor.selection = new vscode.Selection(end, end);
    const rest = afterAccepting(edits, index);
    if (rest.length > 0 || suggestion.elsewhere.length > 0)
      this.show({ ...suggestion, editor, version: document.version, edits: rest });
    else {
      this.clear();
      await this.suggest(editor);
    }
  }

  /**
   * Tab on a hint to another file: opens it with the cursor at its first edit (VS Code's Go Back returns) and shows
   * its edits there. A document closed or changed since the edits were made for it is skipped; so is a file that
   * wasn't open whose text no longer hashes as the one they were made for.
   */
  private async openElsewhere(suggestion: Suggestion): Promise<void> {
    const [next, ...rest] = suggestion.elsewhere;
    const client = this.client();
    const document = next && (await documentFor(next));
    if (!next || !client || !document || document.version !== next.version) {
      if (rest.length > 0) this.show({ ...suggestion, elsewhere: rest });
      else this.clear();
      return;
    }
    const edits = this.offsetsIn(document, next.edits);
    const start = document.positionAt(edits[0].start);
    this.openingFor = next.uri;
    let editor: vscode.TextEditor;
    try {
      editor = await vscode.window.showTextDocument(document, { selection: new vscode.Range(start, start) });
    } finally {
      this.openingFor = undefined;
    }
    this.decorations.clear(suggestion.editor);
    // Changed while it opened: its edits would land in the wrong place.
    if (document.version !== next.version) {
      if (rest.length > 0) this.show({ ...suggestion, editor, version: document.version, edits: [], elsewhere: rest });
      else this.clear();
      return;
    }
    this.show({ editor, version: next.version, edits, elsewhere: rest, format: suggestion.format });
  }

  /** Edits for `document` as offsets into it, in document order. */
  private offsetsIn(document: vscode.TextDocument, edits: readonly InlineEdit[]): SuggestedEdit[] {
    const client = this.client();
    if (!client) return [];
    return edits
      .map((edit) => {
        const range = client.protocol2CodeConverter.asRange(edit.range);
        return { start: document.offsetAt(range.start), end: document.offsetAt(range.end), text: edit.text };
      })
      .sort((a, b) => a.start - b.start);
  }

  /** Esc: hides the edits until the user edits again. */
  dismiss(): void {
    const suggestion = this.suggestion;
    if (suggestion) {
      const count = suggestion.edits.length + suggestion.elsewhere.reduce((sum, other) => sum + other.edits.length, 0);
      this.counter?.dismissed("nextEdit", suggestion.format, count);
    }
    this.clear();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.pending?.cancel();
    this.clear();
    for (const subscription of this.subscriptions) subscription.dispose();
  }

  private documentChanged(event: vscode.TextDocumentChangeEvent): void {
    if (this.applying || event.contentChanges.length === 0) return;
    const editor = vscode.window.activeTextEditor;
    if (editor?.document !== event.document) return;
    // What was suggested was for the text before this keystroke.
    this.clear();
    this.pending?.cancel();
    clearTimeout(this.timer);
    if (!nextEditAvailable(this.settings())) return;
    this.editedLine = editor.selection.active.line;
    this.timer = setTimeout(() => void this.suggest(editor), DEBOUNCE_MS[this.settings().nextEdit.eagerness]);
  }

  /** Eager: moving to another line after an edit asks too (the edit there may follow from the one just made). */
  private selectionChanged(editor: vscode.TextEditor): void {
    this.redraw(editor);
    const line = editor.selection.active.line;
    if (this.editedLine === undefined || line === this.editedLine || this.suggestion || editor !== vscode.window.activeTextEditor)
      return;
    if (this.settings().nextEdit.eagerness !== "high") return;
    this.editedLine = line;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.suggest(editor), DEBOUNCE_MS.high);
  }

  private show(suggestion: Suggestion): void {
    this.suggestion = suggestion;
    void vscode.commands.executeCommand("setContext", VISIBLE_KEY, true);
    this.redraw(suggestion.editor);
  }

  private redraw(editor: vscode.TextEditor): void {
    const suggestion = this.suggestion;
    if (!suggestion || suggestion.editor !== editor) return;
    const [next] = suggestion.elsewhere;
    if (suggestion.edits.length === 0 && next) {
      const line = (next.edits[0]?.range.start.line ?? 0) + 1;
      this.decorations.showElsewhere(editor, `${basename(vscode.Uri.parse(next.uri).path)}:${line}`);
      return;
    }
    const cursor = editor.document.offsetAt(editor.selection.active);
    this.decorations.show(editor, suggestion.edits, targetEdit(suggestion.edits, cursor));
  }

  private clear(): void {
    if (!this.suggestion) return;
    this.decorations.clear(this.suggestion.editor);
    this.suggestion = undefined;
    void vscode.commands.executeCommand("setContext", VISIBLE_KEY, false);
  }
}

/**
 * The edits for other documents, grouped per document in the order they came, each kept only while its document is
 * open at the version they were made for.
 */
function elsewhereEdits(edits: readonly InlineEdit[]): ElsewhereEdits[] {
  const groups: ElsewhereEdits[] = [];
  for (const edit of edits) {
    const { uri, version } = edit.textDocument;
    const { textSha256 } = edit;
    if (textSha256 !== undefined) {
      // For a file that wasn't open: one on disk, checked by its text when Tab opens it.
      if (!uri.startsWith("file:")) continue;
    } else if (vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri)?.version !== version) continue;
    const group = groups.find((other) => other.uri === uri && other.textSha256 === textSha256);
    if (group) group.edits.push(edit);
    else groups.push({ uri, version, textSha256, edits: [edit] });
  }
  return groups;
}

/**
 * The document the edits are for as it is now: the open one at their version, or, for edits made on a file's text,
 * the file opened (or found open), with `version` set to its version while its text still hashes the same. Never a
 * file outside the workspace, one reached through a link out of it, or one whose edits change what runs (tasks,
 * hooks, manifests: those an agent's edits are always reviewed for): the user didn't edit there.
 */
async function documentFor(edits: ElsewhereEdits): Promise<vscode.TextDocument | undefined> {
  const uri = vscode.Uri.parse(edits.uri);
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (folder === undefined) return undefined;
  const target = await editTarget(uri, folder);
  if (target.refusal !== undefined || target.protection !== undefined) return undefined;
  if (edits.textSha256 === undefined)
    return vscode.workspace.textDocuments.find((open) => open.uri.toString() === edits.uri && open.version === edits.version);
  const document = await vscode.workspace.openTextDocument(uri).then(
    (opened) => opened,
    () => undefined,
  );
  if (document === undefined) return undefined;
  if (createHash("sha256").update(document.getText(), "utf8").digest("hex") !== edits.textSha256) return undefined;
  edits.version = document.version;
  return document;
}
