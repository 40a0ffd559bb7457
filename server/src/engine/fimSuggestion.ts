/**
 * One suggestion for one document window: the engine call with the scope-aware stop, then the post-processing
 * filters. Shared by ghost text (its request path and speculation) and by next edits without a next-edit model,
 * whose answer is then this suggestion as an insertion at the cursor.
 */

import type { DocumentWindow } from "../core/documentWindow";
import { fimInputOf, type RepoContextInput } from "../core/fimInput";
import { postprocessCompletion, scopeEndIndex } from "../core/postprocess";
import type { HearthSettings } from "../shared/settings";
import type { FimResult, ModelEngine } from "./modelEngine";

export interface SuggestOptions {
  /** Speculation: a guess nobody asked for yet. */
  speculative?: boolean;
  context?: RepoContextInput;
  /** Other candidates wanted besides the greedy one (explicit requests). */
  alternatives?: number;
  /** The greedy suggestion is known (cached): only the alternatives are generated, and `text` is undefined. */
  alternativesOnly?: boolean;
}

export async function suggestFor(
  engine: ModelEngine,
  window: DocumentWindow,
  settings: HearthSettings["completion"],
  signal: AbortSignal,
  { speculative = false, context, alternatives = 0, alternativesOnly = false }: SuggestOptions = {},
): Promise<{ text: string | undefined; others: string[]; result: FimResult }> {
  const place = { linePrefix: window.linePrefix, lineSuffix: window.lineSuffix, nextLines: window.nextLines };
  const multiline = window.lineSuffix.trim() === "";
  const result = await engine.fillInMiddle(fimInputOf(window, context), {
    maxTokens: settings.maxTokens,
    timeoutMs: settings.timeoutMs,
    signal,
    speculative,
    alternatives,
    alternativesOnly,
    // Stop as soon as the suggestion is known to end: one line inside a line, or when the code block closes.
    isComplete: multiline ? (text) => scopeEndIndex(text, place, true) !== undefined : (text) => text.includes("\n"),
  });
  const text = alternativesOnly ? undefined : postprocessCompletion(result.text, place);
  // Alternatives go through the same filters; one that ends up empty or equal to another is not a choice.
  const others: string[] = [];
  for (const raw of result.alternatives ?? []) {
    const other = postprocessCompletion(raw, place);
    if (other !== undefined && other !== text && !others.includes(other)) others.push(other);
  }
  return { text, others, result };
}

/** The code the cross-file context is chosen by: the lines around the cursor, not the line being typed. */
export function codeAround(window: DocumentWindow): string {
  return `${window.prefix.slice(-2000)}\n${window.nextLines.join("\n").slice(0, 1000)}`;
}
