import type { CompletionFilter } from "./context";

const TRAILING_CLOSERS = /\s*([)\]}]+[;,]?)\s*$/;
const OPENER: Record<string, string> = { ")": "(", "]": "[", "}": "{" };

/** Indices of the closing brackets in `text` that close nothing opened in `text` itself. */
function unmatchedClosers(text: string): Set<number> {
  const open: string[] = [];
  const unmatched = new Set<number>();
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "(" || char === "[" || char === "{") open.push(char);
    else if (char in OPENER) {
      if (open.at(-1) === OPENER[char]) open.pop();
      else unmatched.add(i);
    }
  }
  return unmatched;
}

/**
 * Drops closing brackets at the end of a suggestion that close a block opened before it, when the document's next
 * line already starts with them: after `if (ok) {` + `║` with `}` below, `done(); }` becomes `done();`. (A closer
 * later on the cursor's own line is dropSuffixOverlap's.)
 */
export const dropDuplicateCloser: CompletionFilter = (completion, place) => {
  if (place.lineSuffix.trim() !== "") return completion;
  const closers = TRAILING_CLOSERS.exec(completion);
  if (!closers || closers.index === 0) return completion;
  const unmatched = unmatchedClosers(completion);
  const runStart = completion.indexOf(closers[1], closers.index);
  for (let i = runStart; i < runStart + closers[1].length; i++)
    if (completion[i] in OPENER && !unmatched.has(i)) return completion;
  const following = place.nextLines.join("\n").trimStart();
  return following.startsWith(closers[1].replace(/[;,]$/, "")) ? completion.slice(0, closers.index) : completion;
};
