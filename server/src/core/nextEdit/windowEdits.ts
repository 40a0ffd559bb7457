/**
 * The edits that turn the current window into the model's rewrite, as minimal ranges: a line diff (jsdiff) finds the
 * changed runs of lines; a run that replaces as many lines as it removes is one edit per changed line (a rename
 * touching three lines in a row is three edits, each shown and accepted where it is), any other run is one edit;
 * each is narrowed to the characters that differ. Pure; positions are relative to
 * the window (line 0 is its first line), in UTF-16 code units like LSP's.
 */
import { diffArrays } from "diff";

export interface WindowPosition {
  line: number;
  character: number;
}

export interface WindowEdit {
  start: WindowPosition;
  end: WindowPosition;
  /** The replacement, lines joined by "\n". */
  text: string;
  /** The text it replaces, lines joined by "\n". */
  removed: string;
}

export function windowEdits(current: string, rewritten: string): WindowEdit[] {
  if (current === rewritten) return [];
  const old = current.split("\n");
  const now = rewritten.split("\n");
  const edits: WindowEdit[] = [];
  let line = 0;
  let pending: { start: number; removed: string[]; added: string[] } | undefined;
  const flush = () => {
    if (pending && pending.removed.length === pending.added.length) {
      const { start, removed, added } = pending;
      for (let i = 0; i < removed.length; i++) {
        if (removed[i] !== added[i]) edits.push(narrowed(old, start + i, [removed[i]], [added[i]]));
      }
    } else if (pending) edits.push(narrowed(old, pending.start, pending.removed, pending.added));
    pending = undefined;
  };
  for (const part of diffArrays(old, now)) {
    if (!part.added && !part.removed) {
      flush();
      line += part.value.length;
      continue;
    }
    pending ??= { start: line, removed: [], added: [] };
    if (part.removed) {
      pending.removed.push(...part.value);
      line += part.value.length;
    } else pending.added.push(...part.value);
  }
  flush();
  return edits;
}

/** One changed run of lines (`removed` starting at line `start`, replaced by `added`) as its smallest range. */
function narrowed(old: string[], start: number, removed: string[], added: string[]): WindowEdit {
  let before: string;
  let after: string;
  let from: WindowPosition;
  if (removed.length > 0) {
    // Replace the removed lines' text, without their line breaks.
    before = removed.join("\n");
    after = added.join("\n");
    from = { line: start, character: 0 };
    if (added.length === 0) {
      // A deletion of whole lines takes one line break with it: the one after them, or at the window's end the one before.
      if (start + removed.length < old.length) before += "\n";
      else if (start > 0) {
        from = { line: start - 1, character: old[start - 1].length };
        before = `\n${before}`;
      }
    }
  } else if (start < old.length) {
    // Whole lines inserted before line `start`.
    before = "";
    after = `${added.join("\n")}\n`;
    from = { line: start, character: 0 };
  } else {
    // Whole lines appended after the window's last line.
    before = "";
    after = `\n${added.join("\n")}`;
    from = { line: start - 1, character: old[start - 1].length };
  }
  // Narrow to what differs: drop the common start and end (never splitting a surrogate pair).
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) head++;
  if (head > 0 && isHighSurrogate(before.charCodeAt(head - 1))) head--;
  let tail = 0;
  while (
    tail < before.length - head &&
    tail < after.length - head &&
    before[before.length - 1 - tail] === after[after.length - 1 - tail]
  )
    tail++;
  if (tail > 0 && isLowSurrogate(before.charCodeAt(before.length - tail))) tail--;
  const startPosition = advance(from, before.slice(0, head));
  const endPosition = advance(startPosition, before.slice(head, before.length - tail));
  return {
    start: startPosition,
    end: endPosition,
    text: after.slice(head, after.length - tail),
    removed: before.slice(head, before.length - tail),
  };
}

/** The position after `text` starting at `from`. */
function advance(from: WindowPosition, text: string): WindowPosition {
  const lines = text.split("\n");
  if (lines.length === 1) return { line: from.line, character: from.character + text.length };
  return { line: from.line + lines.length - 1, character: lines[lines.length - 1].length };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Applies edits (ranges in `text`, not overlapping) to a window's text. */
export function applyWindowEdits(text: string, edits: readonly WindowEdit[]): string {
  const lines = text.split("\n");
  const offset = (position: WindowPosition) =>
    lines.slice(0, position.line).reduce((sum, line) => sum + line.length + 1, 0) + position.character;
  let result = text;
  for (const edit of [...edits].sort((a, b) => offset(b.start) - offset(a.start))) {
    result = result.slice(0, offset(edit.start)) + edit.text + result.slice(offset(edit.end));
  }
  return result;
}
