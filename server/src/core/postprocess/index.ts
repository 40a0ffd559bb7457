/**
 * The clean-up every suggestion goes through before it is shown. Each step is a small pure filter in its own file.
 */
import type { CompletionFilter, CompletionPlace } from "./context";
import { dropSuffixOverlap } from "./dropSuffixOverlap";
import { singleLineInsideLine } from "./singleLineInsideLine";
import { stopAtScopeEnd } from "./stopAtScopeEnd";
import { trimTrailingWhitespace } from "./trimTrailingWhitespace";

export type { CompletionPlace } from "./context";
export { scopeEndIndex } from "./stopAtScopeEnd";

const FILTERS: readonly CompletionFilter[] = [singleLineInsideLine, stopAtScopeEnd, trimTrailingWhitespace, dropSuffixOverlap];

/** Returns the cleaned suggestion, or undefined when nothing worth showing is left (empty or whitespace only). */
export function postprocessCompletion(completion: string, place: CompletionPlace): string | undefined {
  const cleaned = FILTERS.reduce((text, filter) => filter(text, place), completion);
  return cleaned.trim() === "" ? undefined : cleaned;
}
