/**
 * Remembers the suggestion on screen so that typing characters that match it shows its remainder at once,
 * without waiting for the model (and without flickering to an older answer). Pure.
 */

export interface ShownSuggestion {
  uri: string;
  line: number;
  /** The line up to the cursor when the suggestion was computed. */
  linePrefix: string;
  /** The suggested text, inserted at that cursor. */
  text: string;
}

/** The rest of `shown` after what the user has typed since, or undefined when the typing diverged or used it up. */
export function remainderAfterTyping(
  shown: ShownSuggestion | undefined,
  uri: string,
  line: number,
  linePrefix: string,
): string | undefined {
  if (shown === undefined || shown.uri !== uri || shown.line !== line) return undefined;
  if (!linePrefix.startsWith(shown.linePrefix)) return undefined;
  const typed = linePrefix.slice(shown.linePrefix.length);
  if (typed === "" || !shown.text.startsWith(typed) || typed.length >= shown.text.length) return undefined;
  return shown.text.slice(typed.length);
}
