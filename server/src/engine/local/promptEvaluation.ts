/**
 * Brings a context sequence's KV cache up to a prompt, in chunks that an abort can stop between. node-llama-cpp's
 * own helpers evaluate a prompt in one go and honour an abort only after it (seconds on a long file).
 */
import type { LlamaContextSequence, Token } from "node-llama-cpp";

/**
 * Prompt tokens evaluated between two abort checks, at first. Measured (docs/BENCHMARKS.md): 64 keeps an abort under
 * ~60 ms on a 0.5B model on 2 CPU threads and costs ~1.3x a single batch on a cold prompt; 32 halves throughput,
 * 128 lets aborts take ~150 ms.
 */
export const PROMPT_CHUNK_TOKENS = 64;
/** A chunk that took less than half this grows: hardware that evaluates 64 tokens in a few ms (a GPU) wastes its batches on them. */
export const PROMPT_CHUNK_TARGET_MS = 50;
/** node-llama-cpp's default batch: a larger chunk would be split into batches anyway. */
export const PROMPT_CHUNK_MAX_TOKENS = 512;

export interface PromptEvaluationOptions {
  /** Awaited before each chunk, e.g. to yield to inline completions. */
  beforeChunk?: () => Promise<void>;
  /**
   * Run once the sequence holds exactly the first `at` tokens of the prompt, when this evaluation is what brings it
   * there (not when the cache already held them): a chunk ends there. For saving a shared prefix's state.
   */
  checkpoint?: { at: number; run: () => Promise<void> };
  /** The clock chunks are timed by (tests). */
  now?: () => number;
}

/**
 * Reuses the longest common prefix with what the sequence already holds and evaluates the rest of `head` chunk by
 * chunk, checking `signal` before each. A chunk starts at PROMPT_CHUNK_TOKENS and doubles, up to
 * PROMPT_CHUNK_MAX_TOKENS, while chunks take under half of PROMPT_CHUNK_TARGET_MS: an abort still lands within about
 * that long, and fast hardware gets batches worth its while. It never shrinks below the measured 64. Returns how many
 * prompt tokens this evaluated, counting the last token that the caller evaluates while generating.
 */
export async function evaluatePrompt(
  sequence: LlamaContextSequence,
  head: Token[],
  signal: AbortSignal,
  options: PromptEvaluationOptions = {},
): Promise<number> {
  const { beforeChunk, checkpoint, now = () => performance.now() } = options;
  await sequence.adaptStateToTokens(head, false);
  const evaluatedPromptTokens = head.length - sequence.nextTokenIndex + 1;
  const stopAt = checkpoint && checkpoint.at > sequence.nextTokenIndex && checkpoint.at <= head.length ? checkpoint : undefined;
  let size = PROMPT_CHUNK_TOKENS;
  for (let index = sequence.nextTokenIndex; index < head.length; ) {
    signal.throwIfAborted();
    await beforeChunk?.();
    signal.throwIfAborted(); // the wait may have been long
    const end = Math.min(head.length, index + size, stopAt && index < stopAt.at ? stopAt.at : Number.POSITIVE_INFINITY);
    const started = now();
    await sequence.evaluateWithoutGeneratingNewTokens(head.slice(index, end));
    // A chunk cut short by the checkpoint or the prompt's end says little about the hardware.
    if (end - index === size && now() - started < PROMPT_CHUNK_TARGET_MS / 2) size = Math.min(PROMPT_CHUNK_MAX_TOKENS, size * 2);
    index = end;
    if (stopAt && index === stopAt.at) await stopAt.run();
  }
  return evaluatedPromptTokens;
}
