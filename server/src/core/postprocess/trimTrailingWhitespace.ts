import type { CompletionFilter } from "./context";

/** Removes trailing spaces on every line and blank lines at the end: they only leave litter for the user to delete. */
export const trimTrailingWhitespace: CompletionFilter = (completion) =>
  completion
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")
    .trimEnd();
