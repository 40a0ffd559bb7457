import { strict as assert } from "node:assert";
import { detectFimTokens, FIM_FAMILIES, layoutFimPrompt } from "../../server/src/core/fimFormats";

function vocabulary(specials: string[], declared?: { prefix: number; suffix: number; middle: number }) {
  const ids = new Map(specials.map((text, index) => [text, 1000 + index]));
  return { specialTokenId: (text: string) => ids.get(text), declared };
}

describe("FIM formats", () => {
  it("spells each family's tokens exactly", () => {
    const spelling = Object.fromEntries(FIM_FAMILIES.map((f) => [f.name, [f.prefix, f.suffix, f.middle]]));
    assert.deepEqual(spelling.qwen, ["<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"]);
    assert.deepEqual(spelling.starcoder, ["<fim_prefix>", "<fim_suffix>", "<fim_middle>"]);
    // Full-width bars (U+FF5C) and the ▁ separator (U+2581), not ASCII look-alikes.
    assert.deepEqual(spelling.deepseek, [
      "<\uFF5Cfim\u2581begin\uFF5C>",
      "<\uFF5Cfim\u2581hole\uFF5C>",
      "<\uFF5Cfim\u2581end\uFF5C>",
    ]);
  });

  it("recognises Qwen2.5-Coder's tokens and its stop tokens", () => {
    const found = detectFimTokens(
      vocabulary(["<|endoftext|>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|fim_pad|>", "<|file_sep|>"]),
    );
    assert.equal(found?.family, "qwen");
    assert.deepEqual([found?.prefix, found?.suffix, found?.middle], [1001, 1003, 1002]);
    assert.ok(found?.stopTokens.includes(1004) && found.stopTokens.includes(1005));
  });

  it("recognises DeepSeek-Coder's tokens by their text alone", () => {
    const found = detectFimTokens(vocabulary(["<｜fim▁hole｜>", "<｜fim▁begin｜>", "<｜fim▁end｜>"]));
    assert.equal(found?.family, "deepseek");
    assert.deepEqual([found?.prefix, found?.suffix, found?.middle], [1001, 1000, 1002]);
  });

  it("does not mistake ASCII look-alikes for DeepSeek's tokens", () => {
    assert.equal(detectFimTokens(vocabulary(["<|fim begin|>", "<|fim hole|>", "<|fim end|>"])), undefined);
  });

  it("recognises StarCoder's tokens", () => {
    assert.equal(detectFimTokens(vocabulary(["<fim_prefix>", "<fim_middle>", "<fim_suffix>"]))?.family, "starcoder");
  });

  it("uses tokens declared in the GGUF keys even with an unknown spelling", () => {
    const found = detectFimTokens(vocabulary(["<PRE>", "<SUF>", "<MID>"], { prefix: 1000, suffix: 1001, middle: 1002 }));
    assert.deepEqual(found && [found.family, found.prefix, found.suffix, found.middle], ["declared", 1000, 1001, 1002]);
  });

  it("says no for a vocabulary without FIM tokens", () => {
    assert.equal(detectFimTokens(vocabulary(["<|im_start|>", "<|im_end|>"])), undefined);
  });

  it("lays the prompt out as PRE prefix SUF suffix MID line-so-far", () => {
    const tokens = { family: "qwen" as const, prefix: 1, suffix: 2, middle: 3, stopTokens: [] };
    assert.deepEqual(
      layoutFimPrompt(tokens, { prefix: [10, 11], suffix: [20], linePrefix: [30, 31] }),
      [1, 10, 11, 2, 20, 3, 30, 31],
    );
    assert.deepEqual(layoutFimPrompt(tokens, { prefix: [], suffix: [], linePrefix: [] }, 0), [0, 1, 2, 3]);
  });
});
