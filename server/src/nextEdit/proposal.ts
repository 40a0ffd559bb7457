/**
 * The edits last proposed for a document, kept to recognise the user accepting them (the document turns into the
 * proposal with one more edit applied, or all of them) and to know the text speculation should predict for.
 */
import type { TextDocument } from "vscode-languageserver-textdocument";
import { LINE_BREAK } from "../core/nextEdit/textChange";
import type { PredictedEdit } from "./predictNextEdit";

/** Edits proposed for one version of a document, and which of them the user has accepted since, one at a time or all. */
export class Proposal {
  private readonly original: string;
  private readonly edits: { start: number; end: number; text: string }[];
  private readonly accepted = new Set<number>();

  constructor(document: TextDocument, edits: readonly PredictedEdit[]) {
    this.original = document.getText();
    this.edits = edits
      .map((edit) => ({ start: document.offsetAt(edit.range.start), end: document.offsetAt(edit.range.end), text: edit.text }))
      .sort((a, b) => a.start - b.start);
  }

  /** The text with the chosen edits applied (all of them by default). */
  applied(chosen: ReadonlySet<number> = new Set(this.edits.keys())): string {
    let text = this.original;
    for (let i = this.edits.length - 1; i >= 0; i--) {
      if (!chosen.has(i)) continue;
      const edit = this.edits[i];
      text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
    }
    return text;
  }

  /** The line the cursor ends on after the last edit is accepted. */
  lastLine(): number {
    const last = this.edits[this.edits.length - 1];
    const applied = this.applied();
    // What follows the last edit is the same text in both versions.
    return applied.slice(0, applied.length - (this.original.length - last.end)).split(LINE_BREAK).length - 1;
  }

  /** Whether `text` is the document with one more of the edits accepted (or all of them); remembers it if so. */
  accept(text: string): boolean {
    if (text === this.applied()) {
      for (const index of this.edits.keys()) this.accepted.add(index);
      return true;
    }
    for (const index of this.edits.keys()) {
      if (this.accepted.has(index)) continue;
      const chosen = new Set([...this.accepted, index]);
      if (this.applied(chosen) === text) {
        this.accepted.add(index);
        return true;
      }
    }
    return false;
  }
}
