/**
 * The proposals under review in the editor, one per document: their red and green lines, the Accept / Reject
 * CodeLens and keys (context key `hearth.reviewVisible`), and what saving or closing the document does to them.
 * A save never writes a proposal: it is taken out first and can be shown again.
 */
import * as vscode from "vscode";
import { COMMANDS } from "../../../server/src/shared/commands";
import { InlineReview } from "./inlineReview";
import type { RowKind } from "./reviewRows";

const VISIBLE_KEY = "hearth.reviewVisible";

export interface ReviewOptions {
  /** What the proposal is, for messages ("the fix"). */
  what: string;
  /** Asks for the proposal again, when the user's typing or a save set the unfinished one aside. */
  again?: () => unknown;
}

const DECORATIONS: Record<Exclude<RowKind, "same">, vscode.DecorationRenderOptions> = {
  removed: {
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor("diffEditor.removedLineBackground"),
    overviewRulerColor: new vscode.ThemeColor("editorOverviewRuler.deletedForeground"),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  },
  added: {
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor("diffEditor.insertedLineBackground"),
    overviewRulerColor: new vscode.ThemeColor("editorOverviewRuler.addedForeground"),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  },
  // The original lines a streaming proposal has not reached yet.
  pending: { isWholeLine: true, opacity: "0.55" },
};

export class InlineReviews implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly reviews = new Map<string, { review: InlineReview; options: ReviewOptions }>();
  private readonly decorations = Object.fromEntries(
    Object.entries(DECORATIONS).map(([kind, options]) => [kind, vscode.window.createTextEditorDecorationType(options)]),
  ) as Record<Exclude<RowKind, "same">, vscode.TextEditorDecorationType>;
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensesChanged.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      ...Object.values(this.decorations),
      this.lensesChanged,
      vscode.languages.registerCodeLensProvider({ pattern: "**" }, this),
      vscode.workspace.onDidChangeTextDocument((event) => this.find(event.document)?.review.documentChanged(event)),
      vscode.workspace.onWillSaveTextDocument((event) => {
        const entry = this.find(event.document);
        if (entry) event.waitUntil(Promise.resolve(this.setAsideForSave(entry)));
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.find(document)?.review.close()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.redraw()),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateContextKey()),
    ];
  }

  /** Whether a proposal is under review in this document (next edits and ghost text wait meanwhile). */
  has(document: vscode.TextDocument): boolean {
    return this.find(document) !== undefined;
  }

  /** Whether the active editor shows a proposal under review. */
  get activeVisible(): boolean {
    const document = vscode.window.activeTextEditor?.document;
    return document !== undefined && this.has(document);
  }

  /**
   * Whether proposals can be reviewed in the editor itself. Auto save would write the red and green lines to disk
   * within a second, so with it on a proposal is reviewed in a diff editor instead.
   */
  static inEditor(document: vscode.TextDocument): boolean {
    return vscode.workspace.getConfiguration("files", document).get<string>("autoSave", "off") === "off";
  }

  /** Starts reviewing a proposal for lines `first`..`last` of the document; an earlier review there is rejected. */
  async open(document: vscode.TextDocument, first: number, last: number, options: ReviewOptions): Promise<InlineReview> {
    const earlier = this.find(document);
    if (earlier) await earlier.review.reject();
    const original = Array.from({ length: last - first + 1 }, (_, i) => document.lineAt(first + i).text);
    const review = new InlineReview(document, first, original, {
      changed: () => this.update(review),
      interrupted: (stopped) => void this.interrupted(stopped, options),
    });
    this.reviews.set(document.uri.toString(), { review, options });
    this.update(review);
    return review;
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const entry = this.find(document);
    if (!entry) return [];
    const { review, options } = entry;
    const at = new vscode.Range(review.firstLine, 0, review.firstLine, 0);
    const uri = document.uri.toString();
    const mac = process.platform === "darwin";
    if (review.state === "streaming") {
      return [
        new vscode.CodeLens(at, { title: `$(loading~spin) Hearth is writing ${options.what}…`, command: "" }),
        new vscode.CodeLens(at, { title: "Cancel", command: COMMANDS.rejectReview, arguments: [uri] }),
      ];
    }
    return [
      new vscode.CodeLens(at, {
        title: `Accept (${mac ? "⌘⏎" : "Ctrl+Enter"})`,
        command: COMMANDS.acceptReview,
        arguments: [uri],
      }),
      new vscode.CodeLens(at, {
        title: `Reject (${mac ? "⌘⌫" : "Ctrl+Backspace"})`,
        command: COMMANDS.rejectReview,
        arguments: [uri],
      }),
    ];
  }

  async accept(uri?: string): Promise<void> {
    const entry = this.entryFor(uri);
    if (!entry) return;
    if (entry.review.state === "streaming") {
      void vscode.window.showInformationMessage(
        `Hearth: ${entry.options.what} is still being written; accept it once it is done.`,
      );
      return;
    }
    if (!(await entry.review.accept())) this.cannotChange(entry.review.document);
  }

  async reject(uri?: string): Promise<void> {
    const entry = this.entryFor(uri);
    if (entry && !(await entry.review.reject(true))) this.cannotChange(entry.review.document);
  }

  dispose(): void {
    for (const { review } of this.reviews.values()) review.close();
    for (const subscription of this.subscriptions) subscription.dispose();
  }

  private find(document: vscode.TextDocument) {
    const entry = this.reviews.get(document.uri.toString());
    return entry && entry.review.state !== "ended" ? entry : undefined;
  }

  private entryFor(uri: string | undefined) {
    const document = uri
      ? vscode.workspace.textDocuments.find((open) => open.uri.toString() === uri)
      : vscode.window.activeTextEditor?.document;
    return document && this.find(document);
  }

  private update(review: InlineReview): void {
    if (review.state === "ended") {
      const key = review.document.uri.toString();
      if (this.reviews.get(key)?.review === review) this.reviews.delete(key);
    }
    this.redraw();
    this.lensesChanged.fire();
    this.updateContextKey();
  }

  private redraw(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const review = this.find(editor.document)?.review;
      for (const [kind, type] of Object.entries(this.decorations) as Array<[RowKind, vscode.TextEditorDecorationType]>) {
        const lines = review?.linesOf(kind) ?? [];
        editor.setDecorations(
          type,
          lines.map((line) => new vscode.Range(line, 0, line, 0)),
        );
      }
    }
  }

  private updateContextKey(): void {
    void vscode.commands.executeCommand("setContext", VISIBLE_KEY, this.activeVisible);
  }

  private async interrupted(review: InlineReview, options: ReviewOptions): Promise<void> {
    await review.reject();
    const name = vscode.workspace.asRelativePath(review.document.uri);
    const choice = await vscode.window.showWarningMessage(
      `Hearth: you edited ${name} where ${options.what} was being written, so it was set aside; your edit is kept.`,
      ...(options.again ? ["Fix Again"] : []),
    );
    if (choice === "Fix Again") await options.again?.();
  }

  private setAsideForSave(entry: { review: InlineReview; options: ReviewOptions }): vscode.TextEdit[] {
    const { review, options } = entry;
    const proposal = review.proposedLines;
    const edits = review.rejectionEdits();
    const name = vscode.workspace.asRelativePath(review.document.uri);
    const again = proposal ? "Review Again" : options.again ? "Fix Again" : undefined;
    void vscode.window
      .showInformationMessage(
        `Hearth: ${name} was saved without ${options.what}, which was set aside.`,
        ...(again ? [again] : []),
      )
      .then((choice) => {
        if (choice === "Review Again" && proposal) void this.reviewAgain(review, proposal, options);
        else if (choice === "Fix Again") void options.again?.();
      });
    return edits;
  }

  /** Shows a set-aside proposal once more, if the original lines are still where they were. */
  private async reviewAgain(old: InlineReview, proposal: readonly string[], options: ReviewOptions): Promise<void> {
    const document = old.document;
    const first = old.firstLine;
    const last = first + old.original.length - 1;
    const unchanged = last < document.lineCount && old.original.every((text, i) => document.lineAt(first + i).text === text);
    if (!unchanged) {
      void vscode.window.showWarningMessage(`Hearth: those lines have changed since; ask for ${options.what} again.`);
      return;
    }
    const review = await this.open(document, first, last, options);
    await review.finish(proposal.join("\n"));
  }

  private cannotChange(document: vscode.TextDocument): void {
    void vscode.window.showErrorMessage(
      `Hearth: could not change ${vscode.workspace.asRelativePath(document.uri)} (is it read-only?). Undo (Ctrl+Z) takes it back.`,
    );
  }
}
