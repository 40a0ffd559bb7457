/**
 * Draft-model speculative decoding: chat generation tokens/s of Hearth's engine without and with
 * hearth.chat.draftModel, same prompt, same run, alternating, and whether the replies are identical.
 *
 *   npm run bench:draft          (HEARTH_BENCH_THREADS=N to override the thread count)
 *
 * The pairs:
 * - agreeing: a real-size bigram model (Qwen2.5-Coder-0.5B's compute, scripted output) with the tiny bigram of the
 *   same script as its draft: every guess is right, the best case (a 62-token reply, and a 256-token one);
 * - confidently wrong: the real-size bigram that writes `z` forever, with the tiny bigram of another script as its
 *   draft: every guess is refused, the cost of trying;
 * - the realistic-speed model (random weights, Qwen2.5 vocabulary) with a draft-sized random model of the same
 *   vocabulary: what random models happen to agree on.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { LlamaEngine } from "../server/src/engine/local/llamaEngine";
import type { ChatReply } from "../server/src/engine/modelEngine";
import { parseSettings } from "../server/src/shared/settingsParser";
import { CHAT_SCRIPTS, REAL_SIZE, writeBigramModel } from "../test/fixtures/gguf/bigramModel";
import { speedDraftModelPath, speedModelPath } from "../test/fixtures/gguf/speedModel";
import { bigramModelPath, testModelCacheDirectory } from "../test/fixtures/gguf/testModels";
import { median } from "./support.mjs";

const ROOT = join(import.meta.dirname, "..");
const THREADS = Number(process.env.HEARTH_BENCH_THREADS ?? availableParallelism());
const RUNS = 5;

const cache = testModelCacheDirectory();
function realSize(variant: "copy" | "endlessChat"): string {
  const path = join(cache, `bigram-qwen-${variant === "copy" ? "copy" : "endless"}-realsize-v1.gguf`);
  if (!existsSync(path)) writeBigramModel(path, "qwen", variant, REAL_SIZE);
  return path;
}

const cases = [
  {
    name: "agreeing draft, scripted reply (real-size bigram, tiny bigram draft)",
    model: realSize("copy"),
    draft: bigramModelPath("qwen", "copy"),
    content: "Say the alphabet.",
    maxTokens: 96,
  },
  {
    name: "agreeing draft, long reply",
    model: realSize("endlessChat"),
    draft: bigramModelPath("qwen", "endlessChat"),
    content: "Go on.",
    maxTokens: 256,
  },
  {
    name: "confidently wrong draft, long reply (every guess refused)",
    model: realSize("endlessChat"),
    draft: bigramModelPath("qwen", "copy"),
    content: "Go on.",
    maxTokens: 256,
  },
  {
    name: "realistic-speed model, random draft of the same vocabulary",
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
console.log(`\n(The scripted reply is ${CHAT_SCRIPTS.copy.length} characters; the long ones stop at the token cap.)`);
process.exit(0);
