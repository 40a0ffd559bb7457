/**
 * Finds the block around a line by indentation, for Explain/Fix with no selection and no diagnostic: the run of
 * lines at least as indented as the cursor's, plus the header line above it and a closing line below.
 * Works for braces and for indentation languages alike. Pure; lines are 0-based.
 */
const indentOf = (line: string) => /^[ \t]*/.exec(line)?.[0].length ?? 0;
const isBlank = (line: string) => line.trim() === "";
const CLOSER = /^\s*[)\]}]+[;,)]*\s*$|^\s*end\b/;

export function enclosingBlock(lines: readonly string[], line: number): { start: number; end: number } {
  let anchor = Math.min(Math.max(0, line), lines.length - 1);
  while (anchor < lines.length - 1 && isBlank(lines[anchor])) anchor++;
  const base = indentOf(lines[anchor]);
  if (base === 0) {
    // At the top level the "block" is the statement or declaration the line starts, up to its closing line.
    let end = anchor;
    while (
      end + 1 < lines.length &&
      (isBlank(lines[end + 1]) ? false : indentOf(lines[end + 1]) > 0 || CLOSER.test(lines[end + 1]))
    )
      end++;
    return { start: anchor, end };
  }
  let start = anchor;
  while (start > 0 && (isBlank(lines[start - 1]) || indentOf(lines[start - 1]) >= base)) start--;
  let end = anchor;
  while (end + 1 < lines.length && (isBlank(lines[end + 1]) || indentOf(lines[end + 1]) >= base)) end++;
  while (end > anchor && isBlank(lines[end])) end--;
  if (start > 0) start--; // the header that opens the block
  if (end + 1 < lines.length && CLOSER.test(lines[end + 1]) && indentOf(lines[end + 1]) === indentOf(lines[start])) end++;
  return { start, end };
}
