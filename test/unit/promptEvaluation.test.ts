/**
 * Chunked prompt evaluation (engine/local/promptEvaluation.ts) on a sequence that records what it is given and a
 * clock the test moves: chunks start at 64 tokens and grow while they are fast (a GPU), never past the batch and
 * never below 64 (the measured CPU size); a checkpoint gets a chunk boundary of its own and runs exactly once, only
 * when this evaluation is what crosses it; an abort stops between chunks.
 */
import { strict as assert } from "node:assert";
import type { LlamaContextSequence, Token } from "node-llama-cpp";
import { evaluatePrompt, PROMPT_CHUNK_MAX_TOKENS, PROMPT_CHUNK_TOKENS } from "../../server/src/engine/local/promptEvaluation";

/** A sequence whose KV cache is a token list, and whose evaluation takes `msPerToken` on the test's clock. */
function recordingSequence(cached: number[], clock: { ms: number }, msPerToken: number) {
  const tokens = cached.slice();
  const chunks: number[] = [];
  const sequence = {
    get nextTokenIndex() {
      return tokens.length;
    },
    get contextTokens() {
      return tokens.slice();
    },
    async adaptStateToTokens(head: Token[]) {
      let shared = 0;
      while (shared < tokens.length && shared < head.length && tokens[shared] === head[shared]) shared++;
      tokens.length = shared;
    },
    async evaluateWithoutGeneratingNewTokens(chunk: Token[]) {
      chunks.push(chunk.length);
      clock.ms += chunk.length * msPerToken;
      tokens.push(...chunk);
    },
  };
  return { sequence: sequence as unknown as LlamaContextSequence, chunks, tokens };
}

const prompt = (length: number) => Array.from({ length }, (_, index) => index as Token);

describe("chunked prompt evaluation", () => {
  it("grows chunks while they are fast, up to the batch size", async () => {
    const clock = { ms: 0 };
    const { sequence, chunks, tokens } = recordingSequence([], clock, 0.01); // 64 tokens in 0.64 ms
    await evaluatePrompt(sequence, prompt(3000), new AbortController().signal, { now: () => clock.ms });
    assert.deepEqual(chunks.slice(0, 5), [64, 128, 256, 512, 512]);
    assert.ok(Math.max(...chunks) === PROMPT_CHUNK_MAX_TOKENS);
    assert.equal(tokens.length, 3000);
  });

  it("keeps 64-token chunks where 64 tokens already take the target time (a CPU)", async () => {
    const clock = { ms: 0 };
    const { sequence, chunks } = recordingSequence([], clock, 1); // 64 ms a chunk
    await evaluatePrompt(sequence, prompt(1000), new AbortController().signal, { now: () => clock.ms });
    assert.ok(
      chunks.every((size) => size <= PROMPT_CHUNK_TOKENS),
      String(chunks),
    );
  });

  it("ends a chunk at the checkpoint and runs it once, with exactly its tokens evaluated", async () => {
    const clock = { ms: 0 };
    const { sequence, tokens } = recordingSequence([], clock, 0.01);
    const seen: number[] = [];
    await evaluatePrompt(sequence, prompt(3000), new AbortController().signal, {
      now: () => clock.ms,
      checkpoint: {
        at: 2100,
        run: async () => {
          seen.push(tokens.length);
        },
      },
    });
    assert.deepEqual(seen, [2100]);
  });

  it("doesn't run the checkpoint when the cache already held its tokens", async () => {
    const clock = { ms: 0 };
    const { sequence } = recordingSequence(prompt(2500), clock, 0.01);
    let runs = 0;
    const evaluated = await evaluatePrompt(sequence, prompt(3000), new AbortController().signal, {
      now: () => clock.ms,
      checkpoint: {
        at: 2100,
        run: async () => {
          runs++;
        },
      },
    });
    assert.equal(runs, 0);
    assert.equal(evaluated, 501);
  });

  it("stops between chunks on an abort", async () => {
    const clock = { ms: 0 };
    const { sequence, chunks } = recordingSequence([], clock, 1);
    const controller = new AbortController();
    await assert.rejects(
      evaluatePrompt(sequence, prompt(1000), controller.signal, {
        beforeChunk: async () => {
          if (chunks.length === 2) controller.abort();
        },
      }),
      (error: Error) => error.name === "AbortError",
    );
    assert.equal(chunks.length, 2);
  });
});
