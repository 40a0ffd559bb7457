import { type CompletionFilter, type CompletionPlace, indentationWidth } from "./context";

const OPENS_BLOCK = /[{([:]\s*$/;
const ONLY_CLOSERS = /^\s*[)\]}]+[;,)]*\s*$/;

/**
 * Where a multi-line suggestion leaves the scope it started in, as an index into `completion`, or undefined.
 * A line indented less than the cursor's line has left the scope. When the cursor's line opens a block,
 * the first line back at its indentation closes it: a bare closing bracket is kept, anything else is cut.
 * With `completeLinesOnly`, the unfinished last line is not judged (used while the model is still writing).
 */
export function scopeEndIndex(completion: string, place: CompletionPlace, completeLinesOnly = false): number | undefined {
  const lines = completion.split("\n");
  const judged = completeLinesOnly ? lines.length - 1 : lines.length;
  const cursorLine = place.linePrefix + lines[0];
  const baseIndent = place.linePrefix.trim() === "" ? place.linePrefix.length : indentationWidth(place.linePrefix);
  const opensBlock = OPENS_BLOCK.test(cursorLine);
  let offset = lines[0].length;
  for (let i = 1; i < judged; i++) {
    const line = lines[i];
    const lineStart = offset; // index of the "\n" before this line
    offset += 1 + line.length;
    if (line.trim() === "") continue;
    const indent = indentationWidth(line);
    if (indent < baseIndent) return lineStart;
    if (opensBlock && indent <= baseIndent) return ONLY_CLOSERS.test(line) ? offset : lineStart;
  }
  return undefined;
}

/** Cuts a suggestion where it leaves the scope it started in (see {@link scopeEndIndex}). */
export const stopAtScopeEnd: CompletionFilter = (completion, place) => {
  const end = scopeEndIndex(completion, place);
  return end === undefined ? completion : completion.slice(0, end);
};
