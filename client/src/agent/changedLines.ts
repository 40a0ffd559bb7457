/**
 * The part of a file an agent edit changes, for reviewing it in place: pure, so it is unit-tested.
 */

/** The lines that differ: `first`..`last` of the old text become `lines` (the common start and end left out). */
export function changedLines(before: string, after: string): { first: number; last: number; lines: string[] } {
  const old = before.split("\n");
  const next = after.split("\n");
  let start = 0;
  while (start < old.length && start < next.length && old[start] === next[start]) start++;
  let end = 0;
  while (end < old.length - start && end < next.length - start && old[old.length - 1 - end] === next[next.length - 1 - end])
    end++;
  let first = start;
  let last = old.length - 1 - end;
  let lines = next.slice(start, next.length - end);
  // A pure insertion has no old line to review beside, and a pure deletion no new one (the review writes lines,
  // so an empty proposal would leave one empty line): take the line above (or below) into both sides.
  if (last < first || lines.length === 0) {
    if (first > 0) {
      first--;
      lines = [old[first], ...lines];
    } else {
      last = Math.max(last, first - 1) + 1;
      lines = [...lines, old[last]];
    }
    last = Math.max(last, first);
  }
  return { first, last, lines };
}
