import type { CompletionFilter } from "./context";

/**
 * With text after the cursor on the same line, a suggestion may only finish that line:
 * a multi-line insertion in the middle of a line would push the line's own end down into the new code.
 */
export const singleLineInsideLine: CompletionFilter = (completion, place) => {
  if (place.lineSuffix.trim() === "") return completion;
  const lineBreak = completion.indexOf("\n");
  return lineBreak === -1 ? completion : completion.slice(0, lineBreak);
};
