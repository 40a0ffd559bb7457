import { strict as assert } from "node:assert";
import type { LlamaContext } from "node-llama-cpp";
import { contextNotice, createContextOrExplain } from "../../server/src/engine/local/modelSlot";

/** A model whose context creation fails above a size, the way node-llama-cpp reports too little memory. */
function modelFitting(largest: number) {
  const tried: number[] = [];
  const options: object[] = [];
  const model = {
    trainContextSize: 32768,
    tried,
    options,
    createContext: async (asked: { contextSize: number }) => {
      const { contextSize } = asked;
      tried.push(contextSize);
      options.push(asked);
      if (contextSize > largest) {
        const error = new Error(`A context size of ${contextSize} is too large for the available memory`);
        error.name = "InsufficientMemoryError";
        throw error;
      }
      return { contextSize } as unknown as LlamaContext;
    },
  };
  return model;
}

describe("context memory fallback", () => {
  it("halves the context until it fits, and says so", async () => {
    const model = modelFitting(5000);
    const context = await createContextOrExplain(model as never, "m.gguf", 16384, 2);
    assert.deepEqual(model.tried, [16384, 8192, 4096]);
    assert.equal(context.contextSize, 4096);
    assert.match(contextNotice(context, 16384, model) ?? "", /Context reduced to 4096 tokens to fit in memory/);
  });

  it("keeps the full KV cache of sliding-window models, so prefix reuse reaches past the window", async () => {
    const model = modelFitting(100_000);
    await createContextOrExplain(model as never, "m.gguf", 4096, 2);
    assert.ok(model.options.every((asked) => (asked as { swaFullCache?: boolean }).swaFullCache === true));
  });

  it("says nothing when the context is what was asked (or the model's own maximum)", async () => {
    const model = modelFitting(100_000);
    const context = await createContextOrExplain(model as never, "m.gguf", 65536, 2);
    assert.equal(context.contextSize, 32768);
    assert.equal(contextNotice(context, 65536, model), undefined);
  });

  it("gives up below 1,024 tokens with what to do", async () => {
    await assert.rejects(
      createContextOrExplain(modelFitting(100) as never, "m.gguf", 4096, 2),
      (error: Error & { fix?: string }) => {
        assert.match(error.message, /Not enough memory for a 1024-token context with m\.gguf/);
        assert.match(error.fix ?? "", /Lower hearth\.local\.contextSize/);
        return true;
      },
    );
  });
});
