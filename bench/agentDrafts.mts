/**
 * Speculative decoding in agent steps (and VS Code's chat, which runs the same step): generation tokens/s of one
 * agent step through LlamaChat without drafts and with Hearth's draft predictor (prompt lookup, then the draft model),
 * same step, same run, alternating, and whether the answers are identical.
 *
 *   npm run bench:agent-drafts          (HEARTH_BENCH_THREADS=N to override the thread count)
 *
 * The cases:
 * - a reply that copies a file the prompt holds (what an `edit_file` search block does after `read_file`), by prompt
 *   lookup: a real-size bigram model (Qwen2.5-Coder-0.5B's compute, scripted output) whose script is in the prompt;
 * - the same model with an agreeing draft model (the tiny bigram of the same script) and nothing to copy;
 * - the realistic-speed model (random weights) with lookup only: what trying costs when nothing is found.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { getLlama } from "node-llama-cpp";
import { generateAgentStep } from "../server/src/engine/local/agentGeneration";
import { type ChatModel, prepareChatModel } from "../server/src/engine/local/chatModel";
import { loadDraftModel } from "../server/src/engine/local/draftModel";
import type { ModelLease } from "../server/src/engine/local/modelCache";
import { PriorityGate } from "../server/src/engine/local/priorityGate";
import type { AgentStepResult } from "../server/src/engine/modelEngine";
import { CHAT_SCRIPTS, REAL_SIZE, writeBigramModel } from "../test/fixtures/gguf/bigramModel";
import { speedModelPath } from "../test/fixtures/gguf/speedModel";
import { bigramModelPath, testModelCacheDirectory } from "../test/fixtures/gguf/testModels";
import { median } from "./support.mjs";

const ROOT = join(import.meta.dirname, "..");
const THREADS = Number(process.env.HEARTH_BENCH_THREADS ?? availableParallelism());
const RUNS = 5;
const cache = testModelCacheDirectory();

function realSizeCopy(): string {
  const path = join(cache, "bigram-qwen-copy-realsize-v1.gguf");
  if (!existsSync(path)) writeBigramModel(path, "qwen", "copy", REAL_SIZE);
  return path;
}

const TOOLS = [
  {
    name: "edit_file",
    description: "Replace text in a file.",
    parameters: { type: "object" as const, properties: { path: { type: "string" }, search: { type: "string" } } },
  },
];

const cases = [
  {
    name: "reply copies a file in the prompt (lookup)",
    model: realSizeCopy(),
    draft: undefined,
    content: `read_file returned:\n${CHAT_SCRIPTS.copy}\nNow edit it.`,
  },
  {
    name: "agreeing draft model, nothing to copy",
    model: realSizeCopy(),
    draft: bigramModelPath("qwen", "copy"),
    content: "Say the alphabet.",
  },
  {
    name: "realistic-speed model, nothing to copy (the cost of trying)",
    model: speedModelPath(cache, ROOT),
    draft: undefined,
    content: "Write a function that parses a date.",
  },
];

const llama = await getLlama({ gpu: false, build: "never", maxThreads: THREADS });
const rows: string[] = [];
for (const benchCase of cases) {
  const model = await llama.loadModel({ modelPath: benchCase.model });
  const lease = (path: string): Promise<ModelLease> =>
    llama.loadModel({ modelPath: path }).then((loaded) => ({ model: loaded, release: () => loaded.dispose() }));
  const prepared: ChatModel = await prepareChatModel(model, benchCase.model, 4096, THREADS);
  const drafting = benchCase.draft ? await loadDraftModel(model, { path: benchCase.draft }, lease, 4096) : {};
  // Both on the one chat sequence (its predictor attached either way): drafting is switched on for a step or not.
  const variants: Record<string, ChatModel> = {
    plain: { ...prepared, predictor: undefined },
    drafts: { ...prepared, draft: drafting.draft },
  };
  const rates: Record<string, number[]> = { plain: [], drafts: [] };
  const results: Record<string, AgentStepResult | undefined> = {};
  for (let run = 0; run <= RUNS; run++) {
    for (const [kind, loaded] of Object.entries(variants)) {
      const started = performance.now();
      const result = await generateAgentStep(
        loaded,
        { system: "You edit files.", messages: [{ role: "user", content: benchCase.content }], tools: TOOLS },
        {
          maxTokens: 128,
          temperature: 0,
          gate: new PriorityGate(),
          signal: new AbortController().signal,
          onDelta: () => undefined,
        },
      );
      const seconds = (performance.now() - started) / 1000;
      results[kind] = result;
      // Run 0 evaluates the prompt: not counted. Later runs find it in the KV cache.
      if (run > 0) rates[kind].push(result.generatedTokens / seconds);
    }
  }
  const plain = median(rates.plain);
  const drafted = median(rates.drafts);
  const result = results.drafts;
  const same = results.plain?.answer === result?.answer ? "yes" : "NO";
  const kept = result?.draftTokens ? `${result.draftTokens.accepted}/${result.draftTokens.drafted}` : "-";
  rows.push(
    `| ${benchCase.name} | ${result?.generatedTokens} | ${plain.toFixed(1)} | ${drafted.toFixed(1)} | ${(drafted / plain).toFixed(2)} | ${kept} | ${same} |`,
  );
  await drafting.draft?.dispose();
  await prepared.dispose();
  await model.dispose();
}
console.log(`\nOne agent step through LlamaChat, CPU, ${THREADS} threads, greedy; median of ${RUNS} runs after a warm-up.\n`);
console.log("| step | tokens | no drafts (tok/s) | with drafts (tok/s) | speed-up | draft tokens kept | same answer |");
console.log("|---|---|---|---|---|---|---|");
for (const row of rows) console.log(row);
process.exit(0);
