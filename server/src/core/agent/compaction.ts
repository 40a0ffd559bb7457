/**
 * Keeping an agent turn inside the model's context: when it would not fit, the oldest tool results are replaced by
 * their one-line summaries ("read_file src/a.ts: 120 lines, compacted") until it does, and the view is told which;
 * nothing is dropped silently. Pure: the engine counts tokens with the model's own tokenizer.
 */

export interface ContextPart {
  /** Tokens this part costs as it is. */
  tokens: number;
  /** For a tool result: its one-line summary and what that costs; other parts are never compacted. */
  compactable?: { summary: string; tokens: number };
}

export interface Compaction<T extends ContextPart> {
  parts: Array<T | (T & { compacted: string })>;
  /** Indices of the parts replaced by their summaries, oldest first. */
  compacted: number[];
  /** Tokens still over the budget after compacting everything that can be (0 when it fits). */
  overBy: number;
}

export function compactToFit<T extends ContextPart>(parts: readonly T[], budget: number): Compaction<T> {
  let total = parts.reduce((sum, part) => sum + part.tokens, 0);
  const compacted: number[] = [];
  const result: Array<T | (T & { compacted: string })> = [...parts];
  for (let index = 0; index < parts.length && total > budget; index++) {
    const summary = parts[index].compactable;
    if (!summary || summary.tokens >= parts[index].tokens) continue;
    total -= parts[index].tokens - summary.tokens;
    result[index] = { ...parts[index], tokens: summary.tokens, compacted: summary.summary };
    compacted.push(index);
  }
  return { parts: result, compacted, overBy: Math.max(0, total - budget) };
}
