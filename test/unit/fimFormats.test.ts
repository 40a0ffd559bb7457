import { strict as assert } from "node:assert";
import { detectFimTokens, FIM_FAMILIES, fimFamilyFor, layoutFimPrompt } from "../../server/src/core/fimFormats";
import { fimSegments, textPrompt } from "../../server/src/core/textPrompt";

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
    const tokens = { family: "qwen" as const, order: "prefix-first" as const, prefix: 1, suffix: 2, middle: 3, stopTokens: [] };
    assert.deepEqual(
      layoutFimPrompt(tokens, { prefix: [10, 11], suffix: [20], linePrefix: [30, 31] }),
      [1, 10, 11, 2, 20, 3, 30, 31],
    );
    assert.deepEqual(layoutFimPrompt(tokens, { prefix: [], suffix: [], linePrefix: [] }, 0), [0, 1, 2, 3]);
  });
  it("recognises CodeGemma by its file separator, and stops there", () => {
    const found = detectFimTokens(
      vocabulary(["<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|file_separator|>", "<eos>"]),
    );
    assert.equal(found?.family, "codegemma");
    assert.ok(found?.stopTokens.includes(1003), "<|file_separator|> ends a suggestion");
    // Without the separator the same spellings are Qwen's.
    assert.equal(detectFimTokens(vocabulary(["<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>"]))?.family, "qwen");
  });

  it("recognises Seed-Coder's suffix-first tokens and Codestral's, which have no middle token", () => {
    const seed = detectFimTokens(vocabulary(["<[fim-suffix]>", "<[fim-prefix]>", "<[fim-middle]>", "<[end▁of▁sentence]>"]));
    assert.deepEqual(seed && [seed.family, seed.order, seed.prefix, seed.suffix, seed.middle], [
      "seed",
      "suffix-first",
      1001,
      1000,
      1002,
    ]);
    const codestral = detectFimTokens(vocabulary(["[INST]", "[PREFIX]", "[SUFFIX]"]));
    assert.deepEqual(codestral && [codestral.family, codestral.middle], ["codestral", undefined]);
  });

  it("never takes Mellum for StarCoder from the vocabulary, but knows it by name, suffix first", () => {
    assert.equal(detectFimTokens(vocabulary(["<fim_prefix>", "<fim_middle>", "<fim_suffix>"]))?.family, "starcoder");
    assert.equal(fimFamilyFor("auto", "JetBrains/Mellum-4b-base").order, "suffix-first");
    assert.equal(fimFamilyFor("auto", "Seed-Coder-8B-Base").name, "seed");
    assert.equal(fimFamilyFor("auto", "codestral-22b").name, "codestral");
    assert.equal(fimFamilyFor("auto", "codegemma-2b").name, "codegemma");
    assert.equal(fimFamilyFor("auto", "qwen2.5-coder-1.5b").name, "qwen");
    assert.equal(fimFamilyFor("auto", "starcoder2-3b").name, "starcoder");
  });

  it("lays suffix-first prompts out as SUF suffix PRE prefix MID line-so-far: typing still changes only the tail", () => {
    const tokens = { family: "seed" as const, order: "suffix-first" as const, prefix: 1, suffix: 2, middle: 3, stopTokens: [] };
    const parts = { prefix: [10, 11], suffix: [20], linePrefix: [30] };
    assert.deepEqual(layoutFimPrompt(tokens, parts, 0, [7]), [0, 7, 2, 20, 1, 10, 11, 3, 30]);
    const typed = layoutFimPrompt(tokens, { ...parts, linePrefix: [30, 31] }, 0, [7]);
    assert.deepEqual(typed.slice(0, -1), layoutFimPrompt(tokens, parts, 0, [7]), "one key appends one token");
    // Codestral: no middle token, the middle follows the prefix.
    const codestral = { ...tokens, family: "codestral" as const, middle: undefined };
    assert.deepEqual(layoutFimPrompt(codestral, parts), [2, 20, 1, 10, 11, 30]);
    const text = { prefix: "a", suffix: "b", linePrefix: "c" };
    const family = (name: string) => FIM_FAMILIES.find((f) => f.name === name)!;
    const layoutFimText = (f: (typeof FIM_FAMILIES)[number], t: typeof text) => textPrompt(fimSegments(f, t));
    assert.equal(layoutFimText(family("seed"), text), "<[fim-suffix]>b<[fim-prefix]>a<[fim-middle]>c");
    assert.equal(layoutFimText(family("codestral"), text), "[SUFFIX]b[PREFIX]ac");
    assert.equal(layoutFimText(family("mellum"), text), "<fim_suffix>b<fim_prefix>a<fim_middle>c");
    assert.equal(layoutFimText(family("qwen"), text), "<|fim_prefix|>a<|fim_suffix|>b<|fim_middle|>c");
  });
});
