/**
 * The clean-up every suggestion goes through before it is shown. Each step is a small pure filter in its own file.
 */
import type { CompletionFilter, CompletionPlace } from "./context";
import { dropDuplicateCloser } from "./dropDuplicateCloser";
import { dropRepetition } from "./dropRepetition";
import { dropRetypedIndentation } from "./dropRetypedIndentation";
import { dropSuffixOverlap } from "./dropSuffixOverlap";
import { dropSuffixRetype } from "./dropSuffixRetype";
import { singleLineInsideLine } from "./singleLineInsideLine";
import { stopAtScopeEnd } from "./stopAtScopeEnd";
import { trimTrailingWhitespace } from "./trimTrailingWhitespace";

export type { CompletionPlace } from "./context";
export { scopeEndIndex } from "./stopAtScopeEnd";

/** In order: loops are cut before the scope is judged; what repeats the document is judged last, on what is left. */
const FILTERS: readonly CompletionFilter[] = [
  singleLineInsideLine,
  dropRepetition,
  stopAtScopeEnd,
  trimTrailingWhitespace,
  dropRetypedIndentation,
  dropSuffixOverlap,
  dropDuplicateCloser,
  dropSuffixRetype,
];

/** Returns the cleaned suggestion, or undefined when nothing worth showing is left (empty or whitespace only). */
export function postprocessCompletion(completion: string, place: CompletionPlace): string | undefined {
  const cleaned = FILTERS.reduce((text, filter) => filter(text, place), completion);
  return cleaned.trim() === "" ? undefined : cleaned;
}
