/**
 * Brings a context sequence's KV cache up to a prompt, in chunks that an abort can stop between. node-llama-cpp's
 * own helpers evaluate a prompt in one go and honour an abort only after it (seconds on a long file).
 */
import type { LlamaContextSequence, Token } from "node-llama-cpp";

/** Prompt tokens evaluated between two abort checks. Measured (docs/BENCHMARKS.md): 64 keeps an abort under ~60 ms on a 0.5B model on 2 CPU threads and costs ~1.3x a single batch on a cold prompt; 32 halves throughput, 128 lets aborts take ~150 ms. */
export const PROMPT_CHUNK_TOKENS = 64;

/**
 * Reuses the longest common prefix with what the sequence already holds and evaluates the rest of `head` chunk by
 * chunk, checking `signal` (and waiting on `beforeChunk`, e.g. to yield to completions) before each. Returns how many
 * prompt tokens this evaluated, counting the last token that the caller evaluates while generating.
 */
export async function evaluatePrompt(
  sequence: LlamaContextSequence,
  head: Token[],
  signal: AbortSignal,
  beforeChunk?: () => Promise<void>,
): Promise<number> {
  await sequence.adaptStateToTokens(head, false);
  const evaluatedPromptTokens = head.length - sequence.nextTokenIndex + 1;
  for (let index = sequence.nextTokenIndex; index < head.length; index += PROMPT_CHUNK_TOKENS) {
    signal.throwIfAborted();
    await beforeChunk?.();
    await sequence.evaluateWithoutGeneratingNewTokens(head.slice(index, index + PROMPT_CHUNK_TOKENS));
  }
  return evaluatedPromptTokens;
}
