/** What every post-processing filter knows about the place a suggestion goes. */
export interface CompletionPlace {
  /** The cursor's line up to the cursor. */
  linePrefix: string;
  /** The cursor's line after the cursor. */
  lineSuffix: string;
  /** The document's lines after the cursor's line. */
  nextLines: readonly string[];
}

/** A post-processing step: takes the suggestion so far and returns it cleaned (possibly empty). */
export type CompletionFilter = (completion: string, place: CompletionPlace) => string;

export function indentationWidth(line: string): number {
  return /^[ \t]*/.exec(line)?.[0].length ?? 0;
}
