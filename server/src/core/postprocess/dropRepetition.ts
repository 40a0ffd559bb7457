import type { CompletionFilter } from "./context";

/** Longest block of lines checked for repeating itself. */
const MAX_BLOCK_LINES = 4;
/** A single line must come this many times in a row before it counts as a loop (two may be meant). */
const SAME_LINE_LOOP = 3;
/** A phrase of 3–24 characters repeated 4+ times in a row at a line's end... */
const PHRASE_LOOP = /([^\n]{3,24}?)\1{3,}$/;
/** ...with at least 3 word characters in it, so `0, 0, 0, 0` or `-----` are left alone. */
const WORDY = /(?:\w[^\w]*){3}/;

/**
 * Cuts the degenerate loops small models fall into: the same line over and over, a block of 2–4 lines repeated, or
 * a short phrase repeated at the end of a line, each kept once.
 */
export const dropRepetition: CompletionFilter = (completion, place) => {
  const lines = completion.split("\n").map((line) => {
    const loop = PHRASE_LOOP.exec(line);
    return loop && WORDY.test(loop[1]) ? line.slice(0, loop.index + loop[1].length) : line;
  });
  // Whole lines are compared: the first one starts after what the user typed on the cursor's line.
  const whole = [place.linePrefix + lines[0], ...lines.slice(1)];
  for (let start = 0; start < whole.length; start++) {
    for (let size = 1; size <= MAX_BLOCK_LINES; size++) {
      const block = whole.slice(start, start + size);
      if (block.length < size || block.every((line) => line.trim() === "")) continue;
      let copies = 1;
      while (sameLines(whole, start + copies * size, block)) copies++;
      if (copies >= (size === 1 ? SAME_LINE_LOOP : 2)) return lines.slice(0, start + size).join("\n");
    }
  }
  return lines.join("\n");
};

function sameLines(lines: readonly string[], at: number, block: readonly string[]): boolean {
  return at + block.length <= lines.length && block.every((line, i) => lines[at + i] === line);
}
