import type { CompletionFilter } from "./context";

/**
 * Drops the end of a suggestion that the document already has after the cursor, such as a bracket the editor
 * auto-closed (`print(║)` + `key)` → `key`) or a closing `}` line that already follows (multi-line).
 */
export const dropSuffixOverlap: CompletionFilter = (completion, place) => {
  const lines = completion.split("\n");
  if (lines.length > 1) {
    const following = place.nextLines.filter((line) => line.trim() !== "").map((line) => line.trim());
    for (let count = Math.min(lines.length - 1, following.length); count >= 1; count--) {
      const tail = lines.slice(lines.length - count).map((line) => line.trim());
      if (tail.every((line, i) => line === following[i])) return lines.slice(0, lines.length - count).join("\n");
    }
    return completion;
  }
  const rest = place.lineSuffix.trimEnd();
  for (let length = Math.min(rest.length, completion.length); length >= 1; length--) {
    if (completion.endsWith(rest.slice(0, length))) return completion.slice(0, completion.length - length);
  }
  return completion;
};
