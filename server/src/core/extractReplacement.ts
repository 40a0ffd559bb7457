/**
 * Pulls the replacement code out of a model's fix answer: the largest fenced block (closed or not), or the whole
 * answer when it has no fence. Thoughts were already separated by the chat engine; a stray leading `</think>` is
 * dropped here too. Pure.
 */

const FENCE = /^(\s*)(`{3,}|~{3,})[^\n`]*$/;

export function extractReplacement(answer: string): string {
  const text = answer.replace(/^[\s\S]*<\/think>/, "");
  const lines = text.split("\n");
  const blocks: string[] = [];
  let open: { fence: string; lines: string[] } | undefined;
  for (const line of lines) {
    const match = FENCE.exec(line);
    if (open === undefined) {
      if (match) open = { fence: match[2], lines: [] };
    } else if (match && line.trim().startsWith(open.fence) && line.trim().replace(/[`~]/g, "") === "") {
      blocks.push(open.lines.join("\n"));
      open = undefined;
    } else {
      open.lines.push(line);
    }
  }
  if (open !== undefined) blocks.push(open.lines.join("\n")); // a missing closing fence: keep what came
  if (blocks.length === 0) return text.trim();
  return blocks.reduce((largest, block) => (block.length > largest.length ? block : largest));
}
