/**
 * The part of the document a next-edit model may rewrite: about 21 lines around the cursor (Sweep's models were
 * trained on 10 above and 10 below), with its first line on a multiple of WINDOW_STEP so that moving the cursor by
 * a line rarely moves the window (and so the prompt). Pure.
 */
import { splitLines } from "./textChange";

export const LINES_ABOVE = 10;
export const LINES_BELOW = 10;
/** The window starts on a multiple of this many lines: the cursor is 10 to 13 lines from its top. */
export const WINDOW_STEP = 4;

export interface EditWindow {
  /** First line of the window (0-based). */
  startLine: number;
  /** One past its last line. */
  endLine: number;
  /** The window's lines joined by "\n", no final line break. */
  text: string;
}

export function editWindowRange(lineCount: number, cursorLine: number): { startLine: number; endLine: number } {
  const above = Math.max(0, cursorLine - LINES_ABOVE);
  const startLine = above - (above % WINDOW_STEP);
  const endLine = Math.min(lineCount, Math.max(cursorLine + 1, startLine + LINES_ABOVE + 1 + LINES_BELOW));
  return { startLine, endLine };
}

export function editWindow(text: string, cursorLine: number): EditWindow {
  const lines = splitLines(text);
  const { startLine, endLine } = editWindowRange(lines.length, Math.min(cursorLine, lines.length - 1));
  return { startLine, endLine, text: lines.slice(startLine, endLine).join("\n") };
}
