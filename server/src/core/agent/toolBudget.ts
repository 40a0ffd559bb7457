/**
 * Tool results cut to a budget the model can afford, always saying what was left out: a small model told
 * "…120 more lines" asks for them; one given a silently cut file draws conclusions from half of it.
 */

export interface ToolBudget {
  maxLines: number;
  maxChars: number;
}

export const DEFAULT_TOOL_BUDGET: ToolBudget = { maxLines: 200, maxChars: 12_000 };

/** `text` within the budget, whole lines only, with a last line saying how many more there were. */
export function cutToBudget(text: string, budget: ToolBudget = DEFAULT_TOOL_BUDGET): string {
  const lines = text.split("\n");
  const kept: string[] = [];
  let chars = 0;
  for (const line of lines) {
    if (kept.length >= budget.maxLines || chars + line.length + 1 > budget.maxChars) break;
    kept.push(line);
    chars += line.length + 1;
  }
  const left = lines.length - kept.length;
  if (left === 0) return text;
  // A single line longer than the whole budget is cut inside, so the model still sees its start.
  if (kept.length === 0) return `${text.slice(0, budget.maxChars)}… (${text.length - budget.maxChars} more characters)`;
  return `${kept.join("\n")}\n… ${left} more line${left === 1 ? "" : "s"}`;
}
