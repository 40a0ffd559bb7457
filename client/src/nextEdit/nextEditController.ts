/**
 * Next-edit suggestions in VS Code: after the user edits (a short pause), asks the server for the edits that follow
 * (`textDocument/copilotInlineEdit`), draws them, and lets Tab jump to the next one and Tab again accept it (one
 * undo step), Esc dismiss them. Accepting one keeps the others on screen, moved to where they now are; accepting
 * the last asks for what comes next. The cursor only moves when the user presses Tab.
 */
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { InlineEditRequest } from "../../../server/src/shared/protocol";
import { type HearthSettings, nextEditAvailable } from "../../../server/src/shared/settings";
import type { SuggestionCounter } from "../quality/suggestionQuality";
import { NextEditDecorations } from "./nextEditDecorations";
import { afterAccepting, cursorAt, type SuggestedEdit, targetEdit } from "./suggestedEdits";

/** The pause after a keystroke before next edits are asked for, by hearth.nextEdit.eagerness. */
const DEBOUNCE_MS = { low: 750, normal: 250, high: 100 } as const;
/** The context key that enables Tab and Esc for next edits. */
const VISIBLE_KEY = "hearth.nextEditVisible";

interface Suggestion {
  editor: vscode.TextEditor;
  version: number;
  edits: SuggestedEdit[];
  /** The prompt format the server asked the model in (the suggestion record counts under it). */
  format: string | undefined;
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
      vscode.window.onDidChangeActiveTextEditor(() => this.clear()),
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
        },
        source.token,
      );
      if (source.token.isCancellationRequested || document.version !== version) return;
      const edits = result.edits
        .filter((edit) => edit.textDocument.version === version)
        .map((edit) => {
          const range = client.protocol2CodeConverter.asRange(edit.range);
          return { start: document.offsetAt(range.start), end: document.offsetAt(range.end), text: edit.text };
        })
        .sort((a, b) => a.start - b.start);
      if (edits.length > 0 && vscode.window.activeTextEditor === editor && !this.ghostTextShown(document)) {
        this.show({ editor, version, edits, format: result.format });
        this.counter?.shown("nextEdit", result.format, edits.length);
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
    if (rest.length > 0) this.show({ editor, version: document.version, edits: rest, format: suggestion.format });
    else {
      this.clear();
      await this.suggest(editor);
    }
  }

  /** Esc: hides the edits until the user edits again. */
  dismiss(): void {
    if (this.suggestion) this.counter?.dismissed("nextEdit", this.suggestion.format, this.suggestion.edits.length);
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
