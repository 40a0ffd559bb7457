/**
 * The agent's edit format, made forgiving for small models: a search block is replaced where it matches exactly
 * once; failing that, where it matches once ignoring indentation and trailing whitespace (the replacement then takes
 * the file's indentation); failing that, the edit is refused, showing the model the nearest lines so it can retry.
 * Never a guess: an ambiguous match is refused too.
 */

export type EditMatch =
  | { ok: true; text: string; how: "exact" | "whitespace" }
  | { ok: false; reason: string; nearest?: { line: number; text: string } };

const squash = (line: string) => line.trim().replace(/\s+/g, " ");

function occurrences(haystack: string, needle: string): number[] {
  const found: number[] = [];
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) found.push(at);
  return found;
}

function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)?.[0] ?? "";
}

/** Applies one search/replace block to `text`. */
export function applySearchReplace(text: string, search: string, replace: string): EditMatch {
  if (search === "") return { ok: false, reason: "The search block is empty: quote the lines to change." };
  const exact = occurrences(text, search);
  if (exact.length === 1) {
    const at = exact[0];
    return { ok: true, how: "exact", text: text.slice(0, at) + replace + text.slice(at + search.length) };
  }
  if (exact.length > 1)
    return { ok: false, reason: `The search block matches ${exact.length} places: include more lines to tell them apart.` };
  const lines = text.split("\n");
  const wanted = search.replace(/\n+$/, "").split("\n").map(squash);
  const starts: number[] = [];
  for (let start = 0; start + wanted.length <= lines.length; start++) {
    if (wanted.every((line, i) => squash(lines[start + i]) === line)) starts.push(start);
  }
  if (starts.length === 1) {
    const start = starts[0];
    // The model's block may be indented differently: shift the replacement to the file's indentation.
    const fileIndent = indentOf(lines[start]);
    const blockIndent = indentOf(search.split("\n").find((line) => line.trim() !== "") ?? "");
    const replaced = replace
      .replace(/\n+$/, "")
      .split("\n")
      .map((line) =>
        line.trim() === "" ? "" : fileIndent + (line.startsWith(blockIndent) ? line.slice(blockIndent.length) : line.trimStart()),
      );
    const next = [...lines.slice(0, start), ...replaced, ...lines.slice(start + wanted.length)];
    return { ok: true, how: "whitespace", text: next.join("\n") };
  }
  if (starts.length > 1)
    return { ok: false, reason: `The search block matches ${starts.length} places: include more lines to tell them apart.` };
  return { ok: false, reason: "The search block is not in the file.", nearest: nearestLine(lines, wanted[0] ?? "") };
}

/** The file line most like the search block's first line (by shared words), for the model's next try. */
function nearestLine(lines: readonly string[], first: string): { line: number; text: string } | undefined {
  const words = new Set(first.split(/\W+/).filter((word) => word.length > 1));
  let best: { line: number; text: string; score: number } | undefined;
  lines.forEach((text, index) => {
    const score = text.split(/\W+/).filter((word) => words.has(word)).length;
    if (score > 0 && (!best || score > best.score)) best = { line: index + 1, text, score };
  });
  return best && { line: best.line, text: best.text };
}
