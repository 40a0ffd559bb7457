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

export function cutDocumentWindow(
  text: string,
  position: { line: number; character: number },
  budget: { prefixLines: number; suffixLines: number },
): DocumentWindow {
  const lines = text.split(/\r?\n/);
  const lineIndex = Math.min(position.line, lines.length - 1);
  const line = lines[lineIndex] ?? "";
  const character = Math.min(position.character, line.length);
  const firstPrefixLine = Math.max(0, lineIndex - budget.prefixLines);
  const prefix = lines
    .slice(firstPrefixLine, lineIndex)
    .map((l) => `${l}\n`)
    .join("");
  const nextLines = lines.slice(lineIndex + 1, lineIndex + 1 + budget.suffixLines);
  const lineSuffix = line.slice(character);
  return {
    prefix,
    linePrefix: line.slice(0, character),
    lineSuffix,
    nextLines,
    suffix: [lineSuffix, ...nextLines].join("\n"),
  };
}
