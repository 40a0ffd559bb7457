/**
 * The one change between two versions of a text, as whole lines: what a keystroke, a paste or an accepted
 * suggestion did, found by the common prefix and suffix. Pure; lines split on LSP's line breaks.
 */

export { lineBreakOf } from "../../shared/replacementFit";

/** LSP's line breaks: \r\n, \n and a lone \r. */
export const LINE_BREAK = /\r\n|\r|\n/;

export function splitLines(text: string): string[] {
  return text.split(LINE_BREAK);
}

export interface LineChange {
  /** First changed line (0-based), the same in both versions. */
  startLine: number;
  /** The changed lines as they were (possibly none: an insertion of whole lines). */
  before: string[];
  /** The changed lines as they are now. */
  after: string[];
}

/**
 * The changed line range between `before` and `after`, or undefined when they are equal. The range is the smallest
 * run of whole lines outside of which both versions agree.
 */
export function lineChange(before: string, after: string): LineChange | undefined {
  if (before === after) return undefined;
  const old = splitLines(before);
  const now = splitLines(after);
  let start = 0;
  while (start < old.length && start < now.length && old[start] === now[start]) start++;
  let oldEnd = old.length;
  let newEnd = now.length;
  while (oldEnd > start && newEnd > start && old[oldEnd - 1] === now[newEnd - 1]) {
    oldEnd--;
    newEnd--;
  }
  return { startLine: start, before: old.slice(start, oldEnd), after: now.slice(start, newEnd) };
}
