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

/**
 * Where a format frames the window's rewrite inside a longer answer (the instruct format): the rewrite's lines come
 * after `opener` on a line of its own, and `closer` ends them.
 */
export interface AnswerFrame {
  opener: string;
  closer: string;
}

const FENCE = /^\s*`{3,}[\w.+-]*\s*$/;

/**
 * The early stop for an answer: the whole answer as it would end when `generated` is back in step with `current`
 * (rejoinedWindow), else undefined. With a frame, only the lines after the last complete opener line count (a
 * fence the model opens right after it is skipped when the window doesn't start with one), and the answer comes
 * back closed: everything up to the opener, the rewritten window, the closer.
 */
export function earlyAnswer(generated: string, current: string, frame?: AnswerFrame): string | undefined {
  if (frame === undefined) return rejoinedWindow(generated, current);
  const lines = generated.split("\n");
  let open = -1;
  for (let i = lines.length - 2; i >= 0 && open < 0; i--) if (lines[i].trim() === frame.opener) open = i;
  if (open < 0) return undefined;
  let from = open + 1;
  if (from < lines.length - 1 && FENCE.test(lines[from]) && !FENCE.test(current.split("\n")[0] ?? "")) from++;
  const rejoined = rejoinedWindow(lines.slice(from).join("\n"), current);
  return rejoined === undefined ? undefined : [...lines.slice(0, open + 1), rejoined, frame.closer].join("\n");
}
