import type { CompletionFilter } from "./context";

/**
 * Drops indentation the user has already typed when the model writes it again: after `    ║` a suggestion of
 * `    return x;` would indent the line twice.
 */
export const dropRetypedIndentation: CompletionFilter = (completion, place) => {
  const typed = place.linePrefix;
  if (typed === "" || typed.trim() !== "") return completion;
  return completion.startsWith(typed) && completion.slice(typed.length).trim() !== ""
    ? completion.slice(typed.length)
    : completion;
};
