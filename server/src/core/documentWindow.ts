/**
 * Cuts the text around the cursor into the pieces a FIM prompt and the post-processing filters need.
 * Pure; positions are LSP positions (UTF-16 code units, LSP's default encoding).
 */

export interface DocumentWindow {
  /** Up to `prefixLines` whole lines before the cursor's line, each ending with its line break. */
  prefix: string;
  /** The cursor's line up to the cursor. */
  linePrefix: string;
  /** The cursor's line after the cursor (no line break). */
  lineSuffix: string;
  /** The lines after the cursor's line, up to `suffixLines`, without the line break that ends the cursor's line. */
  nextLines: string[];
  /** The text the FIM prompt treats as the suffix: the rest of the line, then the next lines. */
  suffix: string;
}

/**
 * Character caps, so a pathological line (a minified bundle, a 1 MB data URI) costs bounded tokenizing. They are far
 * above what a 4k-token context holds; the engine trims to the context in tokens afterwards.
 */
export const WINDOW_CHAR_LIMITS = { prefix: 24_000, linePrefix: 4_000, lineSuffix: 1_000, suffix: 8_000 } as const;

/**
 * The prefix window starts on a multiple of this many lines, so pressing Enter (or moving down a line) changes only
 * the prompt's end, not its start: the prefix holds `prefixLines` to `prefixLines + 15` lines.
 */
export const WINDOW_ALIGN_LINES = 16;

/** The first line of the prefix window for a cursor on `line` (0-based, absolute). */
export function prefixWindowStart(line: number, prefixLines: number): number {
  const start = Math.max(0, line - prefixLines);
  return start - (start % WINDOW_ALIGN_LINES);
}

/** LSP's line breaks: \r\n, \n and a lone \r. */
const LINE_BREAK = /\r\n|\r|\n/;

export function cutDocumentWindow(
  text: string,
  position: { line: number; character: number },
  budget: { prefixLines: number; suffixLines: number },
): DocumentWindow {
  const lines = text.split(LINE_BREAK);
  const lineIndex = Math.min(position.line, lines.length - 1);
  const line = lines[lineIndex] ?? "";
  const character = Math.min(position.character, line.length);
  const firstPrefixLine = Math.max(0, lineIndex - budget.prefixLines);
  const limits = WINDOW_CHAR_LIMITS;
  let prefix = lines
    .slice(firstPrefixLine, lineIndex)
    .map((l) => `${l}\n`)
    .join("");
  // Over the cap, keep the nearest text and start it at a line boundary when there is one.
  if (prefix.length > limits.prefix) {
    const tail = prefix.slice(prefix.length - limits.prefix);
    const lineStart = tail.indexOf("\n");
    prefix = lineStart >= 0 && lineStart < tail.length - 1 ? tail.slice(lineStart + 1) : tail;
  }
  const nextLines = lines.slice(lineIndex + 1, lineIndex + 1 + budget.suffixLines).map((l) => l.slice(0, limits.suffix));
  const lineSuffix = line.slice(character, character + limits.lineSuffix);
  return {
    prefix,
    linePrefix: line.slice(Math.max(0, character - limits.linePrefix), character),
    lineSuffix,
    nextLines,
    suffix: [lineSuffix, ...nextLines].join("\n").slice(0, limits.suffix),
  };
}

/**
 * The window for a cursor, as every completion cuts it (the request path and speculation alike): `text` holds the
 * document from line `firstLine` on, `cursor` is relative to it, and the prefix starts on the aligned line
 * (`prefixWindowStart`). Undefined when that line comes before `text` starts.
 */
export function alignedWindow(
  text: string,
  firstLine: number,
  cursor: { line: number; character: number },
  budget: { prefixLines: number; suffixLines: number },
): DocumentWindow | undefined {
  const skip = prefixWindowStart(firstLine + cursor.line, budget.prefixLines) - firstLine;
  if (skip < 0) return undefined;
  const lines =
    skip === 0
      ? text
      : text
          .split(/(?<=\r\n|\r(?!\n)|\n)/)
          .slice(skip)
          .join("");
  const line = cursor.line - skip;
  return cutDocumentWindow(lines, { line, character: cursor.character }, { prefixLines: line, suffixLines: budget.suffixLines });
}

/**
 * The window at a cursor in a document, copying out only the lines it can use (so a 10 MB file costs what a small
 * one does): `nearby` is the text from line `firstLine` on, `cursor` the position relative to it.
 */
export function windowAtCursor(
  getText: (range: { start: { line: number; character: number }; end: { line: number; character: number } }) => string,
  position: { line: number; character: number },
  budget: { prefixLines: number; suffixLines: number },
): { window: DocumentWindow; nearby: string; firstLine: number; cursor: { line: number; character: number } } | undefined {
  const firstLine = prefixWindowStart(position.line, budget.prefixLines);
  const nearby = getText({
    start: { line: firstLine, character: 0 },
    end: { line: position.line + budget.suffixLines + 1, character: 0 },
  });
  const cursor = { line: position.line - firstLine, character: position.character };
  const window = alignedWindow(nearby, firstLine, cursor, budget);
  return window && { window, nearby, firstLine, cursor };
}

/** Automatic suggestions are skipped in the middle of a word: the model would only guess the word's rest. */
export function shouldSuggestAutomatically(lineSuffix: string): boolean {
  return !/^[\p{L}\p{N}_$]/u.test(lineSuffix);
}
