/**
 * Draft-model speculative decoding: chat generation tokens/s of Hearth's engine without and with
 * hearth.chat.draftModel, same prompt, same run, alternating, and whether the replies are identical.
 *
 *   npm run bench:draft          (HEARTH_BENCH_THREADS=N to override the thread count)
 *
 * Two pairs:
 * - agreeing: a real-size bigram model (Qwen2.5-Coder-0.5B's compute, scripted output) with the tiny bigram of the
 *   same script as its draft: every draft is right, the best case;
 * - refused: the realistic-speed model (random weights, Qwen2.5 vocabulary) with a draft-sized random model of the
 *   same vocabulary: every draft is wrong, the cost of trying.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { LlamaEngine } from "../server/src/engine/local/llamaEngine";
import type { ChatReply } from "../server/src/engine/modelEngine";
import { parseSettings } from "../server/src/shared/settings";
import { CHAT_SCRIPTS, REAL_SIZE, writeBigramModel } from "../test/fixtures/gguf/bigramModel";
import { speedDraftModelPath, speedModelPath } from "../test/fixtures/gguf/speedModel";
import { bigramModelPath, testModelCacheDirectory } from "../test/fixtures/gguf/testModels";

const ROOT = join(import.meta.dirname, "..");
const THREADS = Number(process.env.HEARTH_BENCH_THREADS ?? availableParallelism());
const RUNS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const copyTarget = join(testModelCacheDirectory(), "bigram-qwen-copy-realsize-v1.gguf");
if (!existsSync(copyTarget)) writeBigramModel(copyTarget, "qwen", "copy", REAL_SIZE);
const cache = testModelCacheDirectory();

const cases = [
  {
    name: "agreeing draft (real-size bigram, tiny bigram draft)",
    model: copyTarget,
    draft: bigramModelPath("qwen", "copy"),
    content: "Say the alphabet.",
    maxTokens: 96,
  },
  {
    name: "refused draft (realistic-speed model, random draft)",
    model: speedModelPath(cache, ROOT),
    draft: speedDraftModelPath(cache, ROOT),
    content: "Write a function that parses a date.",
    maxTokens: 128,
  },
];

const log = { info: () => undefined, warn: (m: string) => console.error(m), error: (m: string) => console.error(m) };
const rows: string[] = [];
for (const benchCase of cases) {
  const engines = {
    plain: new LlamaEngine(log),
    draft: new LlamaEngine(log),
  };
  for (const [kind, engine] of Object.entries(engines)) {
    engine.configure(
      parseSettings({
        chat: {
          model: benchCase.model,
          maxTokens: benchCase.maxTokens,
          temperature: 0,
          draftModel: kind === "draft" ? benchCase.draft : "",
        },
        local: { threads: THREADS },
      }).settings,
    );
  }
  const rates: Record<string, number[]> = { plain: [], draft: [] };
  const replies: Record<string, ChatReply | undefined> = {};
  for (let run = 0; run <= RUNS; run++) {
    for (const [kind, engine] of Object.entries(engines)) {
      const reply = await engine.chat(
        { messages: [{ role: "user", content: benchCase.content }], context: [] },
        { temperature: 0, signal: new AbortController().signal, onDelta: () => undefined },
      );
      replies[kind] = reply;
      // Run 0 loads the models and warms the KV caches with the prompt: not counted.
      if (run > 0) rates[kind].push(reply.generatedTokens / (reply.generationMs / 1000));
    }
  }
  await Promise.all(Object.values(engines).map((engine) => engine.dispose()));
  const plain = median(rates.plain);
  const drafted = median(rates.draft);
  const reply = replies.draft;
  const same = replies.plain?.answer === reply?.answer ? "yes" : "NO";
  const accepted = reply?.draftTokens ? `${reply.draftTokens.accepted}/${reply.draftTokens.drafted}` : "-";
  rows.push(
    `| ${benchCase.name} | ${reply?.generatedTokens} | ${plain.toFixed(1)} | ${drafted.toFixed(1)} | ${(drafted / plain).toFixed(2)} | ${accepted} | ${same} |`,
  );
}
console.log(`\nHearth chat engine, CPU, ${THREADS} threads, greedy; median of ${RUNS} runs after a warm-up.\n`);
console.log("| pair | tokens per reply | no draft (tok/s) | with draft (tok/s) | speed-up | draft tokens kept | same reply |");
console.log("|---|---|---|---|---|---|---|");
for (const row of rows) console.log(row);
console.log(`\n(${CHAT_SCRIPTS.copy.length}-character scripted reply in the agreeing case.)`);
process.exit(0);
