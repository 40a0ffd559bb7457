/**
 * Hearth's token predictor (draftPredictor.ts) inside node-llama-cpp's own generation loop, the one LlamaChat uses for
 * agent steps and VS Code's chat: with an agreeing draft model the reply is the plain reply token for token and
 * every drafted token is kept, several per step, which needs node-llama-cpp's speculative evaluation patched
 * (patches/node-llama-cpp+3.21.1.patch: unpatched, it keeps at most one per step, so about half of what is drafted);
 * a wrong draft changes nothing; switched off, it drafts nothing.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { LlamaModel, Token } from "node-llama-cpp";
import type { DraftModel } from "../../server/src/engine/local/draftModel";
import {
  createDraftPredictor,
  type DraftPredictor,
  dropUnusedDrafts,
  generatedTokens,
} from "../../server/src/engine/local/draftPredictor";
import { noDraftStats } from "../../server/src/engine/local/speculativeDecoding";
import { CHAT_SCRIPTS } from "../fixtures/gguf/bigramModel";
import { bigramDraftModelPath, bigramModelPath } from "../fixtures/gguf/testModels";
import { llamaFixture, RECITE_PROMPT } from "./llamaFixture";

describe("the draft predictor in node-llama-cpp's own generation loop", function () {
  this.timeout(60_000);
  const { load, context: contextOf, draftOf } = llamaFixture();

  /** Greedy generation through `sequence.evaluate` (LlamaChat's loop), with the predictor on the sequence. */
  async function generate(target: LlamaModel, predictor: DraftPredictor | undefined, draft?: DraftModel) {
    const context = await contextOf(target);
    const sequence = context.getSequence(predictor ? { tokenPredictor: predictor } : undefined);
    const stats = noDraftStats();
    if (draft) predictor?.use({ sources: { lookup: false, model: draft }, stats });
    const out: Token[] = [];
    const meterBefore = sequence.tokenMeter.usedOutputTokens;
    const before = sequence.tokenPredictions;
    const prompt = target.tokenize(RECITE_PROMPT, true);
    for await (const token of sequence.evaluate(prompt, { temperature: 0 })) {
      out.push(token);
      if (target.isEogToken(token) || out.length >= 120) break;
    }
    predictor?.use(undefined);
    const counted = generatedTokens(sequence, meterBefore, before);
    const predictions = sequence.tokenPredictions;
    return {
      text: target.detokenize(out.filter((token) => !target.isEogToken(token))),
      out,
      stats,
      predictions,
      counted,
      sequence,
      prompt,
    };
  }

  it("keeps a whole agreeing draft per step, and writes exactly the plain reply", async () => {
    const target = await load(bigramModelPath("qwen", "copy"));
    const plain = await generate(target, undefined);
    assert.equal(plain.text, CHAT_SCRIPTS.copy);
    const drafted = await generate(target, await createDraftPredictor(), await draftOf(bigramDraftModelPath("qwen", "copy")));
    assert.equal(drafted.text, plain.text);
    assert.ok(drafted.stats.drafted > 10, JSON.stringify(drafted.stats));
    // Unpatched, node-llama-cpp keeps one guess a step and the draft length falls to 2: about half is kept. Here only
    // the guess after the end of the reply goes unused (the loop stops at the end token).
    assert.ok(drafted.stats.accepted >= drafted.stats.drafted - 1, JSON.stringify(drafted.stats));
    assert.equal(drafted.predictions.refuted, 0);
  });

  it("changes nothing when the draft is wrong, and drafts nothing while switched off", async () => {
    const target = await load(bigramModelPath("qwen", "copy"));
    const plain = await generate(target, undefined);
    const wrong = await generate(
      target,
      await createDraftPredictor(),
      await draftOf(bigramDraftModelPath("qwen", "endlessChat")),
    );
    assert.equal(wrong.text, plain.text);
    assert.ok(wrong.stats.drafted > 0 && wrong.stats.accepted < wrong.stats.drafted, JSON.stringify(wrong.stats));
    const off = await generate(target, await createDraftPredictor());
    assert.equal(off.text, plain.text);
    assert.deepEqual([off.predictions.validated, off.predictions.refuted], [0, 0]);
  });

  it("counts the tokens written, not the guesses evaluated, and leaves no unused guess in the cache a saved state holds", async () => {
    const target = await load(bigramModelPath("qwen", "copy"));
    const right = await generate(target, await createDraftPredictor(), await draftOf(bigramDraftModelPath("qwen", "copy")));
    const wrong = await generate(
      target,
      await createDraftPredictor(),
      await draftOf(bigramDraftModelPath("qwen", "endlessChat")),
    );
    // The meter counts the end token's position too: a plain run's count is the measure.
    const plain = await generate(target, undefined);
    for (const run of [right, wrong]) assert.equal(run.counted, plain.counted, JSON.stringify(run.predictions));
    assert.ok(wrong.predictions.refuted > 0, "the wrong draft's guesses were refuted (and not counted)");
    // The guess after the end token was verified but never used: it is in the KV cache beyond contextTokens.
    assert.equal(right.predictions.unused, 1);
    await dropUnusedDrafts(right.sequence);
    const file = join(mkdtempSync(join(tmpdir(), "hearth-draft-state-")), "state.bin");
    try {
      await right.sequence.saveStateToFile(file);
      const restored = (await contextOf(target)).getSequence();
      await restored.loadStateFromFile(file, { acceptRisk: true });
      assert.deepEqual(restored.contextTokens, right.sequence.contextTokens);
      // Evaluating on after the saved state works (a leftover guess made the positions inconsistent: "Eval has failed").
      await restored.evaluateWithoutGeneratingNewTokens(target.tokenize("\nmore", false));
    } finally {
      rmSync(dirname(file), { recursive: true, force: true });
    }
  });
});
