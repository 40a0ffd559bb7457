/**
 * The draft-then-verify loop (speculativeDecoding.ts) on real node-llama-cpp sequences with generated bigram models:
 * a wrong draft leaves the reply and the KV cache exactly as plain decoding would, a right one is kept whole, and a
 * fix drafts by prompt lookup through the engine.
 */
import { strict as assert } from "node:assert";
import type { Token } from "node-llama-cpp";
import type { DraftModel } from "../../server/src/engine/local/draftModel";
import { LlamaEngine } from "../../server/src/engine/local/llamaEngine";
import { noDraftStats, speculativeTokens } from "../../server/src/engine/local/speculativeDecoding";
import { parseSettings } from "../../server/src/shared/settingsParser";
import { CHAT_SCRIPTS } from "../fixtures/gguf/bigramModel";
import { bigramDraftModelPath, bigramModelPath } from "../fixtures/gguf/testModels";
import { llamaFixture, RECITE_PROMPT } from "./llamaFixture";

describe("speculative decoding on node-llama-cpp sequences", function () {
  this.timeout(60_000);
  const { load, context, draftOf } = llamaFixture();

  async function sequenceOf(path: string) {
    const model = await load(path);
    return { model, sequence: (await context(model)).getSequence() };
  }

  /** Decodes up to `limit` tokens after the prompt, with `draft` (or none), as generateChat does. */
  async function decode(targetPath: string, draft: DraftModel | undefined, limit = 80) {
    const { model, sequence } = await sequenceOf(targetPath);
    const prompt = model.tokenize(RECITE_PROMPT, true);
    await sequence.evaluateWithoutGeneratingNewTokens(prompt.slice(0, -1));
    const stats = noDraftStats();
    const out: Token[] = [];
    /** Every token the target chose, the end-of-text token included. */
    const chosen: Token[] = [];
    for await (const token of speculativeTokens(sequence, prompt, {
      temperature: 0,
      sources: { lookup: false, model: draft },
      stats,
    })) {
      chosen.push(token);
      if (model.isEogToken(token) || out.length >= limit) break;
      out.push(token);
    }
    return { text: model.detokenize(out), out, chosen, prompt, cached: sequence.contextTokens.slice(), stats };
  }

  it("keeps a wrong draft's tokens out of the reply and out of the KV cache", async () => {
    const target = bigramModelPath("qwen", "copy");
    const plain = await decode(target, undefined);
    // The endless chat script writes `z` forever: every guess after the first is wrong.
    const wrong = await decode(target, await draftOf(bigramDraftModelPath("qwen", "endlessChat")));
    assert.equal(plain.text, CHAT_SCRIPTS.copy);
    assert.equal(wrong.text, plain.text);
    assert.ok(wrong.stats.drafted > 0, "the draft was asked");
    // Only one guess is right: the `z` after the script's `y`.
    assert.equal(wrong.stats.accepted, 1);
    // The cache holds the prompt and the reply's tokens the target chose, nothing a draft guessed.
    assert.deepEqual(wrong.cached, [...wrong.prompt, ...wrong.chosen].slice(0, wrong.cached.length));
    assert.ok(wrong.cached.length >= wrong.prompt.length + wrong.out.length - 1);
  });

  it("keeps a whole agreeing draft per round", async () => {
    const target = bigramModelPath("qwen", "copy");
    const agreeing = await decode(target, await draftOf(bigramDraftModelPath("qwen", "copy")));
    assert.equal(agreeing.text, CHAT_SCRIPTS.copy);
    assert.equal(agreeing.stats.accepted, agreeing.stats.drafted, "every guess kept, the end-of-text token included");
    // Rounds of 4, 8, 16, 16, 16 guesses (the length doubles while whole drafts are kept) cover the script.
    assert.ok(agreeing.stats.drafted >= CHAT_SCRIPTS.copy.length - 4);
    assert.deepEqual(agreeing.cached, [...agreeing.prompt, ...agreeing.chosen].slice(0, agreeing.cached.length));
  });

  it("drafts a fix by looking it up in the prompt (LlamaEngine, purpose fix)", async () => {
    const engine = new LlamaEngine({ info: () => undefined, warn: () => undefined, error: () => undefined });
    engine.configure(
      parseSettings({ chat: { model: bigramModelPath("qwen", "copy"), temperature: 0 }, local: { threads: 1 } }).settings,
    );
    try {
      const ask = { messages: [{ role: "user" as const, content: `Repeat exactly: ${CHAT_SCRIPTS.copy}` }], context: [] };
      const options = { temperature: 0, signal: new AbortController().signal, onDelta: () => undefined };
      const chat = await engine.chat(ask, options);
      const fix = await engine.chat(ask, { ...options, purpose: "fix" });
      assert.equal(chat.answer, CHAT_SCRIPTS.copy);
      assert.equal(chat.draftTokens, undefined, "plain chat without a draft model doesn't speculate");
      assert.equal(fix.answer, chat.answer);
      assert.ok((fix.draftTokens?.accepted ?? 0) > 40, `kept ${JSON.stringify(fix.draftTokens)}`);
    } finally {
      await engine.dispose();
    }
  });
});
