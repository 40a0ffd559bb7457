/**
 * One proposal reviewed in the editor (Fix, Fix with Instruction, chat's Apply): the proposed lines are written into
 * the document beside the original ones, green and red, as they stream; Accept removes the red ones, Reject the
 * green ones. Every edit of a review joins one undo step, so after Accept a single Undo brings the original back.
 * Text the user types meanwhile is theirs and survives either choice (reviewRows.ts keeps track of it).
 */
import * as vscode from "vscode";
import { acceptedLines, kindsAfterUserEdit, type Row, type RowKind, rejectedLines, reviewRows, rowSplices } from "./reviewRows";

export type ReviewState = "streaming" | "ready" | "ended";
export type ReviewOutcome = "accepted" | "rejected" | "setAside";

const LINE_BREAKS = /\r\n|\r|\n/;

export class InlineReview {
  private rows: Row[];
  private stateNow: ReviewState = "streaming";
  /** Whether an edit of this review has been made: the first one opens the review's undo step. */
  private edited = false;
  /** Whether the user changed the document while it was under review (anywhere in it). */
  private userEdited = false;
  /** The document's text when the review began: while the user has not changed it, Reject must give exactly this. */
  private readonly textAtStart: string;
  /** Change events that arrived while a review edit was on its way: one of them is the review's own. */
  private inFlight: { before: number; events: vscode.TextDocumentChangeEvent[] } | undefined;
  /** Edits queue one behind the other: each is computed from the rows the previous one left. */
  private queue: Promise<unknown> = Promise.resolve();
  private proposal: string[] | undefined;
  readonly cancellation = new vscode.CancellationTokenSource();
  private settle: (outcome: ReviewOutcome) => void = () => undefined;
  /** How the review ended: Accept, Reject (or Cancel), or set aside (a save, the document closed). */
  readonly outcome = new Promise<ReviewOutcome>((resolve) => {
    this.settle = resolve;
  });

  constructor(
    readonly document: vscode.TextDocument,
    /** The document line the review's first row is on; moves as the user edits above it. */
    private startLine: number,
    readonly original: readonly string[],
    private readonly hooks: { changed(): void; interrupted(review: InlineReview): void },
  ) {
    this.rows = original.map((text) => ({ kind: "pending", text }));
    this.textAtStart = document.getText();
  }

  get state(): ReviewState {
    return this.stateNow;
  }

  get firstLine(): number {
    return this.startLine;
  }

  /** The document lines of each kind, for decorations. */
  linesOf(kind: RowKind): number[] {
    return this.rows.flatMap((row, index) => (row.kind === kind ? [this.startLine + index] : []));
  }

  /** The proposal so far (text replacing the original lines), written into the document. */
  stream(proposal: string): Promise<boolean> {
    if (this.stateNow !== "streaming") return Promise.resolve(false);
    return this.render(() => reviewRows(this.original, proposal.split(LINE_BREAKS), false));
  }

  /** The whole proposal: the review now waits for Accept or Reject. */
  async finish(proposal: string): Promise<void> {
    if (this.stateNow !== "streaming") return;
    this.proposal = proposal.split(LINE_BREAKS);
    await this.render(() => reviewRows(this.original, this.proposal ?? [], true));
    if (this.stateNow === "streaming") this.stateNow = "ready";
    this.hooks.changed();
  }

  /** The whole proposal, if it arrived: what "Review Again" shows once more. */
  get proposedLines(): readonly string[] | undefined {
    return this.proposal;
  }

  accept(): Promise<boolean> {
    if (this.stateNow !== "ready") return Promise.resolve(false);
    return this.end(acceptedLines, "accepted");
  }

  /**
   * Takes the proposal out again, whatever state the review is in (a streaming one stops). `byUser` when the user
   * chose Reject (or Cancel): only then may it take the editor's focus to undo the review's step (`undoReview`).
   */
  reject(byUser = false): Promise<boolean> {
    if (this.stateNow === "ended") return Promise.resolve(false);
    return this.end(rejectedLines, "rejected", byUser);
  }

  /** The edits that take the proposal out, for a save that must not write it (`onWillSaveTextDocument`). */
  rejectionEdits(): vscode.TextEdit[] {
    const edits = this.toEdits(rejectedLines(this.rows)).map(([range, text]) => vscode.TextEdit.replace(range, text));
    this.close();
    return edits;
  }

  /** Ends the review without touching the document (it was closed). */
  close(): void {
    if (this.stateNow === "ended") return;
    this.stateNow = "ended";
    this.settle("setAside");
    this.cancellation.cancel();
    this.cancellation.dispose();
    this.hooks.changed();
  }

  private async end(keep: (rows: readonly Row[]) => string[], outcome: ReviewOutcome, undo = false): Promise<boolean> {
    this.settle(outcome);
    this.cancellation.cancel();
    const undone = undo ? await this.enqueue(() => this.undoReview()) : "notUndone";
    let ok = undone === "undone";
    // An edit is refused when the user's typing got in first; the rows then include it, so try again.
    for (let attempt = 0; attempt < 5 && undone === "notUndone" && !ok && this.stateNow !== "ended"; attempt++)
      ok = await this.render(() => keep(this.rows).map((text) => ({ kind: "same", text })), true);
    this.close();
    return ok;
  }

  /** Writes the rows `next` computes into the document, line by line, as part of the review's undo step. */
  private render(next: () => Row[], last = false): Promise<boolean> {
    return this.enqueue(async () => {
      // Once the user has typed into a streaming proposal, only the edit that ends the review may run.
      if (this.stateNow === "ended" || (this.interrupted && !last)) return false;
      const rows = next();
      const edits = this.toEdits(rows.map((row) => row.text));
      if (edits.length === 0) this.rows = rows;
      else if (!(await this.apply(edits, rows, last))) return false;
      this.hooks.changed();
      return true;
    });
  }

  /** Runs `work` once the edits queued before it are done. */
  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Rejects by undoing the review's own undo step, where that is exactly right: the document then reads as it did
   * and, if it was saved then, is no longer marked modified (edits that put the same text back would leave it
   * marked). Only while the user has not changed the document and it is in the active editor; Undo acts on the
   * focused editor, so that one is focused first (the user chose Reject for it). If Undo gives anything but the text
   * the review began with, Redo takes it back (wherever it went) and the caller takes the proposal out with edits
   * instead: `"notUndone"`. If even Redo does not give the text back (the user typed in that moment), no edit is
   * made on rows that no longer match: `"unsure"`, and the user is told.
   */
  private async undoReview(): Promise<"undone" | "notUndone" | "unsure"> {
    if (!this.edited || this.userEdited || this.stateNow === "ended") return "notUndone";
    const editor = vscode.window.activeTextEditor;
    if (editor?.document !== this.document) return "notUndone";
    let undoRan = false;
    try {
      await vscode.window.showTextDocument(this.document, { viewColumn: editor.viewColumn, preserveFocus: false });
      if (vscode.window.activeTextEditor?.document !== this.document || this.userEdited) return "notUndone";
      const textBefore = this.document.getText();
      // The change events Undo and Redo cause are this review's own, not the user's.
      this.inFlight = { before: this.document.version, events: [] };
      undoRan = true;
      await vscode.commands.executeCommand("undo");
      if (this.document.getText() === this.textAtStart) return "undone";
      await vscode.commands.executeCommand("redo");
      return this.document.getText() === textBefore ? "notUndone" : "unsure";
    } catch {
      if (!undoRan) return "notUndone";
      return this.document.getText() === this.textAtStart ? "undone" : "unsure";
    } finally {
      this.inFlight = undefined;
    }
  }

  private async apply(edits: Array<[vscode.Range, string]>, rows: Row[], last: boolean): Promise<boolean> {
    const editor = vscode.window.visibleTextEditors.find((shown) => shown.document === this.document);
    this.inFlight = { before: this.document.version, events: [] };
    let ok = false;
    try {
      if (editor) {
        const replaceAll = (builder: vscode.TextEditorEdit) => {
          for (const [range, text] of edits) builder.replace(range, text);
        };
        ok = await editor.edit(replaceAll, {
          undoStopBefore: !this.edited,
          undoStopAfter: last,
        });
      } else {
        // Not on screen (the user switched tabs): still exact, though without the single undo step.
        const edit = new vscode.WorkspaceEdit();
        for (const [range, text] of edits) edit.replace(this.document.uri, range, text);
        ok = await vscode.workspace.applyEdit(edit);
      }
    } catch {
      ok = false;
    }
    const { before, events } = this.inFlight;
    this.inFlight = undefined;
    if (ok) {
      this.edited = true;
      this.rows = rows;
    }
    // The review's own edit is the one version after `before`; every other change is the user's.
    for (const event of events) if (!ok || event.document.version !== before + 1) this.userChanged(event);
    return ok;
  }

  /** Range-and-text replacements that take the review's rows to `texts`. */
  private toEdits(texts: readonly string[]): Array<[vscode.Range, string]> {
    const eol = this.document.eol === vscode.EndOfLine.CRLF ? "\r\n" : "\n";
    const start = this.startLine;
    const lastRow = this.rows.length - 1;
    const end = (row: number) => this.document.lineAt(start + row).range.end;
    return rowSplices(
      this.rows.map((row) => row.text),
      texts,
    ).map(({ from, count, texts: lines }): [vscode.Range, string] => {
      const at = new vscode.Position(start + from, 0);
      if (count > 0 && lines.length > 0) return [new vscode.Range(at, end(from + count - 1)), lines.join(eol)];
      if (count > 0) {
        // Whole lines out, with one of their line breaks.
        if (from + count <= lastRow) return [new vscode.Range(at, new vscode.Position(start + from + count, 0)), ""];
        if (from > 0) return [new vscode.Range(end(from - 1), end(from + count - 1)), ""];
        return [new vscode.Range(at, end(from + count - 1)), ""];
      }
      if (from <= lastRow) return [new vscode.Range(at, at), lines.join(eol) + eol];
      return [new vscode.Range(end(lastRow), end(lastRow)), eol + lines.join(eol)];
    });
  }

  /** A change event for the review's document. */
  documentChanged(event: vscode.TextDocumentChangeEvent): void {
    if (this.stateNow === "ended" || event.contentChanges.length === 0) return;
    if (this.inFlight) this.inFlight.events.push(event);
    else this.userChanged(event);
  }

  private userChanged(event: vscode.TextDocumentChangeEvent): void {
    this.userEdited = true;
    let kinds = this.rows.map((row) => row.kind);
    let start = this.startLine;
    // Later changes first, so the earlier ones' line numbers still hold.
    const changes = [...event.contentChanges].sort((a, b) => b.range.start.compareTo(a.range.start));
    let touched = false;
    for (const change of changes) {
      const first = change.range.start.line;
      const lastLine = change.range.end.line;
      const lines = change.text.split(LINE_BREAKS).length;
      const end = start + kinds.length - 1;
      if (lastLine < start) {
        start += lines - 1 - (lastLine - first);
        continue;
      }
      if (first > end) continue;
      touched = true;
      // Lines outside the review that the change joins to it become rows both choices keep.
      const above = Math.max(0, start - first);
      const below = Math.max(0, lastLine - end);
      kinds = [...Array(above).fill("same"), ...kinds, ...Array(below).fill("same")];
      start = Math.min(start, first);
      kinds = kindsAfterUserEdit(kinds, first - start, lastLine - first + 1, lines);
    }
    this.startLine = start;
    const lastLine = this.document.lineCount - 1;
    this.rows = kinds.map((kind, index) => ({ kind, text: this.document.lineAt(Math.min(start + index, lastLine)).text }));
    // A streaming proposal is rewritten on every update, so it can't go on around the user's typing in it: it
    // stops. Typing elsewhere only moves it.
    if (touched && this.stateNow === "streaming" && !this.interrupted) {
      this.interrupted = true;
      this.hooks.interrupted(this);
    }
    this.hooks.changed();
  }

  /** Set when the user's typing stopped a proposal that was still streaming. */
  private interrupted = false;
}
