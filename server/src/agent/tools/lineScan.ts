/**
 * search_code's scan of every indexed line, shared with the completions, chat and Stop on the server's one thread:
 * it gives the thread back every few milliseconds (and honours Stop there), counts matches only up to a cap, and
 * gives up after a time budget, so neither a huge workspace nor a pattern that matches everything holds it.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import type { LineMatcher } from "../../core/agent/searchPattern";

export interface LineSource {
  file: string;
  startLine: number;
  text: string;
}

export interface LineMatch {
  file: string;
  line: number;
  text: string;
}

export interface ScanLimits {
  /** How long the scan runs before letting other work on the thread run. */
  sliceMs: number;
  /** How long one search may take in all before it reports what it found so far. */
  budgetMs: number;
  /** Matches counted before the scan stops: the model is shown far fewer anyway. */
  maxCounted: number;
  /** Matching lines kept for the model. */
  maxKept: number;
  /** A kept line's characters shown: a minified file's one line would fill the result. */
  shownLineChars: number;
}

export const SCAN_LIMITS: ScanLimits = {
  sliceMs: 10,
  budgetMs: 15_000,
  maxCounted: 1_000,
  maxKept: 40,
  shownLineChars: 300,
};

export interface LineScan {
  kept: LineMatch[];
  /** Matching lines counted (at most `maxCounted`). */
  counted: number;
  /** Stopped at `maxCounted`: there are more. */
  capped: boolean;
  /** Stopped at `budgetMs` before the last line: there may be more. */
  timedOut: boolean;
  /** Lines longer than the matcher's `maxLineChars`, not searched. */
  tooLong: number;
}

function clipped(line: string, maxChars: number): string {
  const trimmed = line.trim();
  return trimmed.length > maxChars ? `${trimmed.slice(0, maxChars)}… (${trimmed.length - maxChars} more characters)` : trimmed;
}

/** The lines of `sources` that `matcher` matches; rejects with the abort reason once `signal` aborts. */
export async function scanLines(
  sources: Iterable<LineSource>,
  matcher: LineMatcher,
  signal: AbortSignal,
  limits: ScanLimits = SCAN_LIMITS,
): Promise<LineScan> {
  const scan: LineScan = { kept: [], counted: 0, capped: false, timedOut: false, tooLong: 0 };
  const started = performance.now();
  let sliceStart = started;
  signal.throwIfAborted();
  for (const source of sources) {
    const lines = source.text.split("\n");
    for (const [index, line] of lines.entries()) {
      // Checked at every line, as one line's test may take as long as a whole file's (see MAX_LINE_WORK).
      const now = performance.now();
      if (now - started >= limits.budgetMs) {
        scan.timedOut = true;
        return scan;
      }
      if (now - sliceStart >= limits.sliceMs) {
        await nextTurn();
        signal.throwIfAborted();
        sliceStart = performance.now();
      }
      if (line.length > matcher.maxLineChars) {
        scan.tooLong++;
        continue;
      }
      if (!matcher.test(line)) continue;
      scan.counted++;
      if (scan.kept.length < limits.maxKept)
        scan.kept.push({ file: source.file, line: source.startLine + index, text: clipped(line, limits.shownLineChars) });
      if (scan.counted >= limits.maxCounted) {
        scan.capped = true;
        return scan;
      }
    }
  }
  return scan;
}
