/**
 * Stopping a rewrite as soon as its edit is known. A next-edit model copies the window and changes a line or two;
 * once its output has changed something and then agrees with the window again for REJOIN_LINES lines, the rest is
 * a copy that needs no generating. Pure.
 */

/** Lines that must match the window again, after a change, before the rest is taken as unchanged. */
export const REJOIN_LINES = 2;

/**
 * The whole rewritten window when `generated` (the output so far) has made a change and come back in step with
 * `current`, else undefined (keep generating). Only complete lines count; lines that are blank or only brackets
 * are too common to say where the output is, so they don't count as being back in step.
 */
export function rejoinedWindow(generated: string, current: string): string | undefined {
  const lines = generated.split("\n");
  lines.pop(); // the line still being written
  const window = current.split("\n");
  let same = 0;
  while (same < lines.length && same < window.length && lines[same] === window[same]) same++;
  if (lines.length - same < REJOIN_LINES) return undefined; // no change yet, or no room to be back in step
  const tail = lines.slice(-REJOIN_LINES);
  if (!tail.some(isDistinctive)) return undefined;
  for (let at = same; at + REJOIN_LINES <= window.length; at++) {
    if (tail.every((line, k) => line === window[at + k])) {
      const rewritten = [...lines, ...window.slice(at + REJOIN_LINES)];
      return rewritten.join("\n");
    }
  }
  return undefined;
}

function isDistinctive(line: string): boolean {
  return line.replace(/[\s{}()[\];,]/g, "").length >= 3;
}
