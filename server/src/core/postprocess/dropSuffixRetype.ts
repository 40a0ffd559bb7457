import type { CompletionFilter } from "./context";

/** A suggestion that only types again what already follows the cursor adds nothing: it is dropped. */
export const dropSuffixRetype: CompletionFilter = (completion, place) => {
  const typed = completion.trim();
  if (typed === "") return completion;
  const following = [place.lineSuffix, ...place.nextLines].join("\n").trimStart();
  return following.startsWith(typed) ? "" : completion;
};
