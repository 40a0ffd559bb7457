/**
 * Prompt-lookup (speculative) decoding for fixes: tokens/s of Hearth's chat engine on its plain chat sequence
 * versus its fix sequence, which drafts tokens by looking them up in the prompt and verifies each draft in one
 * batch (speculativeDecoding.ts). Same engine code, same prompt, same run.
 *
 *   npm run bench:fix            (HEARTH_BENCH_THREADS=N to override the thread count)
 *
 * Two models: the realistic-speed model (random weights: its output doesn't copy its input, though it repeats
 * itself, which lookup can draft) and a real-size bigram model whose reply copies text that is in its prompt (drafts accepted).
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { LlamaEngine } from "../server/src/engine/local/llamaEngine";
import { parseSettings } from "../server/src/shared/settingsParser";
import { CHAT_SCRIPTS, REAL_SIZE, writeBigramModel } from "../test/fixtures/gguf/bigramModel";
import { speedModelPath } from "../test/fixtures/gguf/speedModel";
import { testModelCacheDirectory } from "../test/fixtures/gguf/testModels";
import { median } from "./support.mjs";

const ROOT = join(import.meta.dirname, "..");
const THREADS = Number(process.env.HEARTH_BENCH_THREADS ?? availableParallelism());
const RUNS = 3;

const copyModel = join(testModelCacheDirectory(), "bigram-qwen-copy-realsize-v1.gguf");
if (!existsSync(copyModel)) writeBigramModel(copyModel, "qwen", "copy", REAL_SIZE);
const code = Array.from({ length: 30 }, (_, i) => `  const value${i} = compute(${i}, options.limit);`).join("\n");

const cases = [
  {
    name: "realistic-speed model (random weights)",
    model: speedModelPath(testModelCacheDirectory(), ROOT),
    content: `Fix this:\n\`\`\`ts\n${code}\n\`\`\``,
  },
  { name: "real-size bigram that copies its input", model: copyModel, content: `Repeat exactly: ${CHAT_SCRIPTS.copy}` },
];
const log = { info: () => undefined, warn: () => undefined, error: (m: string) => console.error(m) };
const rows: string[] = [];
for (const benchCase of cases) {
  const engine = new LlamaEngine(log);
  engine.configure(
    parseSettings({ chat: { model: benchCase.model, maxTokens: 96, temperature: 0 }, local: { threads: THREADS } }).settings,
  );
  const rates: Record<string, number[]> = { chat: [], fix: [] };
  let tokens = 0;
  for (let run = 0; run <= RUNS; run++) {
    for (const purpose of ["chat", "fix"] as const) {
      const reply = await engine.chat(
        { messages: [{ role: "user", content: benchCase.content }], context: [] },
        { purpose, temperature: 0, signal: new AbortController().signal, onDelta: () => undefined },
      );
      tokens = reply.generatedTokens;
      // Run 0 warms each sequence's KV cache with the prompt; it is not counted.
      if (run > 0) rates[purpose].push(reply.generatedTokens / (reply.generationMs / 1000));
    }
  }
  await engine.dispose();
  const plain = median(rates.chat);
  const lookup = median(rates.fix);
  rows.push(`| ${benchCase.name} | ${tokens} | ${plain.toFixed(1)} | ${lookup.toFixed(1)} | ${(lookup / plain).toFixed(2)} |`);
}
console.log(`\nHearth chat engine, CPU, ${THREADS} threads, greedy; median of ${RUNS} runs after a warm-up.\n`);
console.log("| model | tokens per reply | plain sequence (tok/s) | prompt-lookup sequence (tok/s) | speed-up |");
console.log("|---|---|---|---|---|");
for (const row of rows) console.log(row);
process.exit(0);
