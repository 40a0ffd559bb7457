/**
 * The next edits on screen for one document, as offsets into the version they were made for, and what accepting
 * one of them leaves: the others, moved by what it inserted or removed. Pure, so it is tested without VS Code.
 */

export interface SuggestedEdit {
  /** Offsets into the document version the suggestion is for. */
  start: number;
  end: number;
  text: string;
}

/** The edit Tab goes to: the first at or after the cursor, else the first of all (edits are in document order). */
export function targetEdit(edits: readonly SuggestedEdit[], cursor: number): number {
  const after = edits.findIndex((edit) => edit.end >= cursor);
  return Math.max(after, 0);
}

/** Whether the cursor is at an edit, so that Tab accepts it rather than jumping to it. */
export function cursorAt(edit: SuggestedEdit, cursor: number): boolean {
  return cursor >= edit.start && cursor <= Math.max(edit.end, edit.start);
}

/** The other edits after accepting `edits[index]`, with offsets in the document as it then is. */
export function afterAccepting(edits: readonly SuggestedEdit[], index: number): SuggestedEdit[] {
  const accepted = edits[index];
  const shift = accepted.text.length - (accepted.end - accepted.start);
  return edits
    .filter((_, i) => i !== index)
    .map((edit) => (edit.start >= accepted.end ? { ...edit, start: edit.start + shift, end: edit.end + shift } : edit));
}

/** A short form of an edit's new text for drawing beside the line: its first line, and how many more there are. */
export function shownText(text: string): string {
  const lines = text.split(/\r\n|\r|\n/);
  const first = lines[0] === "" && lines.length > 1 ? (lines[1] ?? "") : lines[0];
  const more = lines.filter((line) => line !== "").length - 1;
  return more > 0 ? `${first} ⏎ +${more} more line${more === 1 ? "" : "s"}` : first;
}
