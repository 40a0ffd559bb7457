/**
 * Keystroke-to-suggestion latency: Hearth's language server over LSP versus node-llama-cpp's own
 * `generateInfillCompletion`, on the realistic-speed model, in the same run. Also how fast an abort lands
 * while a long prompt is being evaluated.
 *
 *   npm run bench            (HEARTH_BENCH_THREADS=N to override the thread count; HEARTH_BENCH_GPU=cuda|vulkan|metal
 *                             runs both sides on that backend instead of the CPU, as bench/gpu-check.sh does)
 *
 * Prints markdown tables; docs/BENCHMARKS.md keeps the last ones.
 */
import { readFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { join } from "node:path";
import { getLlama, LlamaCompletion } from "node-llama-cpp";
import { speedModelPath } from "../test/fixtures/gguf/speedModel";
import { testModelCacheDirectory } from "../test/fixtures/gguf/testModels";
import { LspTestClient } from "../test/lsp/lspTestClient";

const ROOT = join(import.meta.dirname, "..");
const THREADS = Number(process.env.HEARTH_BENCH_THREADS ?? availableParallelism());
const GPU = (process.env.HEARTH_BENCH_GPU ?? "off") as "off" | "cuda" | "vulkan" | "metal";
const MAX_TOKENS = 8;
const TARGET_FILE_TOKENS = 1000;
const TYPED = "const total = items.length;";
const ABORT_AFTER_MS = [200, 300, 400, 500, 600];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const ms = (value: number) => value.toFixed(0);

/** Types TYPED on a new line through the real server, timing each suggestion; leaves the client running if asked. */
async function hearthTyping(modelPath: string, lines: string[], cursorLine: number, indent: string, keep = false) {
  const client = await LspTestClient.start({
    completion: { model: modelPath, maxTokens: MAX_TOKENS, prefixLines: 2000, suffixLines: 2000, timeoutMs: 30_000 },
    local: { threads: THREADS, gpu: GPU },
  });
  const uri = "file:///bench/connection.ts";
  await client.open(uri, lines.join("\n"));
  await client.waitForStatus((s) => s.role === "completion" && s.state === "ready", 120_000);
  let started = performance.now();
  await client.complete(uri, cursorLine, indent.length);
  const cold = performance.now() - started;
  const latency: number[] = [];
  const evaluated: number[] = [];
  let promptTokens = 0;
  for (let typed = 1; typed <= TYPED.length; typed++) {
    await client.insert(uri, cursorLine, indent.length + typed - 1, TYPED[typed - 1]);
    started = performance.now();
    await client.complete(uri, cursorLine, indent.length + typed);
    latency.push(performance.now() - started);
    const metrics = await client.lastMetrics();
    evaluated.push(metrics?.evaluatedPromptTokens ?? Number.NaN);
    promptTokens = metrics?.promptTokens ?? 0;
  }
  if (!keep) await client.stop();
  return { client, cold, latency, evaluated, promptTokens };
}

async function main(): Promise<void> {
  const modelPath = speedModelPath(testModelCacheDirectory(), ROOT);
  const llama = await getLlama({ gpu: GPU === "off" ? false : GPU, maxThreads: THREADS, build: "never" });
  const model = await llama.loadModel({ modelPath });

  // Real source as material: lines of vscode-jsonrpc until the file is ~1,000 tokens.
  const material = readFileSync(join(ROOT, "node_modules/vscode-jsonrpc/lib/common/connection.js"), "utf8").split("\n");
  const lines: string[] = [];
  for (const line of material) {
    lines.push(line);
    if (model.tokenize(lines.join("\n")).length >= TARGET_FILE_TOKENS) break;
  }
  const cursorLine = Math.floor(lines.length * 0.6);
  const indent = "        ";
  lines.splice(cursorLine, 0, indent);
  const states = Array.from({ length: TYPED.length + 1 }, (_, typed) => {
    const before = `${lines.slice(0, cursorLine).join("\n")}\n${indent}${TYPED.slice(0, typed)}`;
    const after = `\n${lines.slice(cursorLine + 1).join("\n")}`;
    return { before, after };
  });
  const fileTokens = model.tokenize(lines.join("\n")).length;

  // --- Hearth over LSP, then the same typing on a suffix-first family (Seed-Coder's spelling) ---
  const suffixFirst = await hearthTyping(speedModelPath(testModelCacheDirectory(), ROOT, "seed"), lines, cursorLine, indent);
  const {
    client,
    cold: hearthCold,
    latency: hearthLatency,
    evaluated: hearthEvaluated,
    promptTokens,
  } = await hearthTyping(modelPath, lines, cursorLine, indent, true);
  let started = performance.now();
  // Abort while a cold prompt is being evaluated: a different first line invalidates the whole KV cache.
  const hearthAbort: number[] = [];
  for (const [trial, abortAfter] of ABORT_AFTER_MS.entries()) {
    const abortUri = `file:///bench/abort${trial}.ts`;
    await client.open(abortUri, `// trial ${trial}\n${lines.join("\n")}`);
    started = performance.now();
    await client.complete(abortUri, cursorLine + 1, indent.length, { cancelAfterMs: abortAfter }).catch(() => null);
    hearthAbort.push(performance.now() - started - abortAfter);
  }
  await client.stop();

  // --- node-llama-cpp generateInfillCompletion, same model, same process count of threads ---
  const context = await model.createContext({ contextSize: 4096, threads: THREADS });
  const sequence = context.getSequence();
  const completion = new LlamaCompletion({ contextSequence: sequence });
  const infill = (state: { before: string; after: string }, signal?: AbortSignal) =>
    completion.generateInfillCompletion(state.before, state.after, {
      maxTokens: MAX_TOKENS,
      temperature: 0,
      repeatPenalty: false,
      signal,
    });
  started = performance.now();
  await infill(states[0]);
  const rawCold = performance.now() - started;
  const rawLatency: number[] = [];
  const rawEvaluated: number[] = [];
  for (let typed = 1; typed <= TYPED.length; typed++) {
    const inputBefore = sequence.tokenMeter.usedInputTokens;
    started = performance.now();
    await infill(states[typed]);
    rawLatency.push(performance.now() - started);
    // Input tokens include the generated tokens fed back; subtract them to count prompt tokens only.
    rawEvaluated.push(sequence.tokenMeter.usedInputTokens - inputBefore - (MAX_TOKENS - 1));
  }
  const rawAbort: number[] = [];
  for (const [trial, abortAfter] of ABORT_AFTER_MS.entries()) {
    const controller = new AbortController();
    const state = { before: `// raw trial ${trial}\n${states[0].before}`, after: states[0].after };
    setTimeout(() => controller.abort(), abortAfter);
    started = performance.now();
    await infill(state, controller.signal).catch(() => null);
    rawAbort.push(performance.now() - started - abortAfter);
  }
  await context.dispose();
  await model.dispose();
  await llama.dispose();

  const ratio = median(hearthLatency) / median(rawLatency);
  console.log(
    `\nModel: random-weight Qwen2.5-Coder-0.5B dimensions (Q8_0), ${GPU === "off" ? "CPU" : GPU}, ${THREADS} threads; ${cpus()[0]?.model ?? "?"}`,
  );
  console.log(
    `File: ${lines.length} lines, ${fileTokens} tokens; Hearth prompt ${promptTokens} tokens; ${TYPED.length} keystrokes; ${MAX_TOKENS} tokens generated per suggestion.\n`,
  );
  console.log(
    "| path | cold first request (ms) | median per keystroke (ms) | p95 (ms) | prompt tokens evaluated per keystroke (median / max) |",
  );
  console.log("|---|---|---|---|---|");
  console.log(
    `| Hearth language server over LSP | ${ms(hearthCold)} | ${ms(median(hearthLatency))} | ${ms(percentile(hearthLatency, 95))} | ${median(hearthEvaluated)} / ${Math.max(...hearthEvaluated)} |`,
  );
  console.log(
    `| node-llama-cpp generateInfillCompletion | ${ms(rawCold)} | ${ms(median(rawLatency))} | ${ms(percentile(rawLatency, 95))} | ${median(rawEvaluated)} / ${Math.max(...rawEvaluated)} |`,
  );
  console.log(
    `| Hearth, suffix-first family (Seed-Coder's spelling) | ${ms(suffixFirst.cold)} | ${ms(median(suffixFirst.latency))} | ${ms(percentile(suffixFirst.latency, 95))} | ${median(suffixFirst.evaluated)} / ${Math.max(...suffixFirst.evaluated)} |`,
  );
  console.log(`\nHearth median / generateInfillCompletion median = ${ratio.toFixed(2)}\n`);
  console.log("| abort during prompt evaluation | median (ms after abort) | max (ms) |");
  console.log("|---|---|---|");
  console.log(`| Hearth (chunked evaluation, over LSP) | ${ms(median(hearthAbort))} | ${ms(Math.max(...hearthAbort))} |`);
  console.log(
    `| node-llama-cpp generateInfillCompletion with AbortSignal | ${ms(median(rawAbort))} | ${ms(Math.max(...rawAbort))} |`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
