/**
 * The context for VS Code's chat (engine/local/lmContext.ts) on a model whose contexts fail above a size, as
 * node-llama-cpp reports too little memory: made only when asked for, two sequences of the asked size, halved to
 * fit with a notice naming hearth.lm.contextSize, reported at the size it really got, made again when the setting
 * changes.
 */
import { strict as assert } from "node:assert";
import type { LlamaContext, LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import { LM_SEQUENCES, LmContext, LmContextHolder } from "../../server/src/engine/local/lmContext";
import { MIN_PREFIX_TOKENS, type PrefixStateCache } from "../../server/src/engine/local/prefixStateCache";

function modelFitting(largestTotal: number) {
  const made: { contextSize: number; sequences: number; disposed: boolean }[] = [];
  const model = {
    trainContextSize: 32768,
    // A transformer: each sequence gets a draft predictor (draftPredictor.ts).
    fileInsights: { isRecurrent: false, isHybrid: false },
    made,
    createContext: async ({ contextSize, sequences }: { contextSize: number; sequences: number }) => {
      // The KV cache holds every sequence's tokens: that is what has to fit.
      if (contextSize * sequences > largestTotal) {
        const error = new Error(`A context size of ${contextSize} is too large for the available memory`);
        error.name = "InsufficientMemoryError";
        throw error;
      }
      const context = {
        contextSize,
        sequences,
        disposed: false,
        getSequence: () => ({ contextTokens: [] }),
        dispose: async () => {
          context.disposed = true;
        },
      };
      made.push(context);
      return context;
    },
  };
  return model;
}

const holderOn = (model: ReturnType<typeof modelFitting>) => new LmContextHolder(model as unknown as LlamaModel, "m.gguf", 2);

describe("the context for VS Code's chat", () => {
  it("is made at the first request, two sequences of the asked size, and reported at that size", async () => {
    const model = modelFitting(1 << 20);
    const holder = holderOn(model);
    assert.equal(holder.sizeFor(16384), 16384);
    assert.equal(holder.sizeFor(65536), 32768, "capped to the model's training context before it is made");
    assert.equal(model.made.length, 0);
    const { context, made, notice } = await holder.get(16384);
    assert.deepEqual([made, notice, context.contextSize], [true, undefined, 16384]);
    assert.deepEqual(
      model.made.map(({ contextSize, sequences }) => [contextSize, sequences]),
      [[16384, LM_SEQUENCES]],
    );
    assert.equal((await holder.get(16384)).made, false, "made once");
  });

  it("halves to fit memory, says so naming hearth.lm.contextSize, and reports what it got", async () => {
    const model = modelFitting(2 * 8192);
    const holder = holderOn(model);
    const { context, notice } = await holder.get(32768);
    assert.equal(context.contextSize, 8192);
    assert.match(notice ?? "", /VS Code's Chat: Context reduced to 8192 tokens .*hearth\.lm\.contextSize asks for 32768/);
    assert.equal(holder.sizeFor(32768), 8192);
  });

  it("is made again when the setting changes, and disposed with the chat model", async () => {
    const model = modelFitting(1 << 20);
    const holder = holderOn(model);
    await holder.get(16384);
    await holder.get(8192);
    assert.deepEqual(
      model.made.map(({ contextSize, disposed }) => [contextSize, disposed]),
      [
        [16384, true],
        [8192, false],
      ],
    );
    await holder.dispose();
    assert.equal(model.made[1].disposed, true);
    await assert.rejects(holder.get(8192), /unloaded/);
  });

  it("saves the prefix state only where the prompt starts with the instructions and tools, and when they are long", () => {
    const context = { contextSize: 16384, getSequence: () => ({ contextTokens: [] }) };
    const persisted = { cache: {} as PrefixStateCache, model: {} as LlamaModel, modelPath: "m.gguf" };
    const lm = new LmContext(context as unknown as LlamaContext, 16384, persisted);
    const sequence = {} as LlamaContextSequence;
    const instructions = Array.from({ length: MIN_PREFIX_TOKENS + 10 }, (_, index) => index as Token);
    const conversation = [...instructions, 7, 8, 9] as Token[];
    assert.equal(lm.prefixCheckpoint(sequence, conversation, instructions)?.at, instructions.length);
    // A template that puts the tools before the last question (Mistral's): the prompt starts with the conversation.
    const toolsLast = [5, 5, 5, ...instructions] as Token[];
    assert.equal(lm.prefixCheckpoint(sequence, toolsLast, instructions), undefined);
    assert.equal(lm.prefixCheckpoint(sequence, conversation, instructions.slice(0, 100)), undefined, "short: not saved");
    const unsaved = new LmContext(context as unknown as LlamaContext, 16384);
    assert.equal(unsaved.prefixCheckpoint(sequence, conversation, instructions), undefined, "no cache: not saved");
  });
});
