/**
 * What a GPU gives the realistic-speed model: the backend node-llama-cpp started, the layers offloaded, and prompt
 * and generation speed. Part of bench/gpu-check.sh, which then runs the keystroke latency table (completionLatency).
 *
 *   HEARTH_BENCH_GPU=cuda node --import tsx bench/gpuCheck.mts     (off: the CPU, for a dry run)
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { getLlama, type Token } from "node-llama-cpp";
import { speedModelPath } from "../test/fixtures/gguf/speedModel";
import { testModelCacheDirectory } from "../test/fixtures/gguf/testModels";

const ROOT = join(import.meta.dirname, "..");
const GPU = (process.env.HEARTH_BENCH_GPU ?? "off") as "off" | "cuda" | "vulkan" | "metal";
const THREADS = Number(process.env.HEARTH_BENCH_THREADS ?? availableParallelism());
const PROMPT_TOKENS = 1024;
const GENERATED_TOKENS = 128;

async function main(): Promise<void> {
  const modelPath = speedModelPath(testModelCacheDirectory(), ROOT);
  const llama = await getLlama({ gpu: GPU === "off" ? false : GPU, maxThreads: THREADS, build: "never", progressLogs: false });
  const loadStarted = performance.now();
  const model = await llama.loadModel({ modelPath });
  const loadMs = performance.now() - loadStarted;
  const context = await model.createContext({ contextSize: 4096, threads: THREADS });
  const sequence = context.getSequence();
  const vram = llama.gpu === false ? undefined : await llama.getVramState();

  // A fixed prompt of ids spread over the vocabulary (the weights are random, so what the tokens say is irrelevant).
  const prompt = Array.from({ length: PROMPT_TOKENS }, (_, index) => (1000 + ((index * 7919) % 20000)) as Token);
  const promptStarted = performance.now();
  await sequence.evaluateWithoutGeneratingNewTokens(prompt);
  const promptMs = performance.now() - promptStarted;

  let generated = 0;
  const generationStarted = performance.now();
  for await (const _token of sequence.evaluate([prompt[0]], { temperature: 0 })) {
    if (++generated >= GENERATED_TOKENS) break;
  }
  const generationMs = performance.now() - generationStarted;
  // Verification passes as prompt lookup runs them (a token chosen after each position), per size: on a GPU a long
  // pass should cost about one step, which is what the next-edit replay's GPU column assumes (BENCHMARKS.md).
  const passes: string[] = [];
  for (const size of [1, 17, 65, 129]) {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const end = sequence.contextTokens.length;
      const started = performance.now();
      await sequence.controlledEvaluate(
        prompt.slice(100, 100 + size).map((token) => [token, { generateNext: { token: true, options: { temperature: 0 } } }]),
      );
      times.push(performance.now() - started);
      await sequence.eraseContextTokenRanges([{ start: end, end: sequence.contextTokens.length }]);
    }
    passes.push(`${size}: ${times.sort((a, b) => a - b)[2].toFixed(1)} ms`);
  }

  console.log("| measure | value |");
  console.log("|---|---|");
  console.log(`| backend | ${llama.gpu === false ? "cpu" : llama.gpu} (asked: ${GPU}) |`);
  console.log(`| GPU devices | ${(await llama.getGpuDeviceNames()).join(", ") || "none"} |`);
  console.log(`| layers offloaded | ${model.gpuLayers} of ${model.fileInsights.totalLayers} |`);
  if (vram) console.log(`| VRAM used / total | ${(vram.used / 2 ** 30).toFixed(1)} / ${(vram.total / 2 ** 30).toFixed(1)} GiB |`);
  console.log(`| model load | ${loadMs.toFixed(0)} ms |`);
  console.log(`| prompt (${PROMPT_TOKENS} tokens) | ${((PROMPT_TOKENS / promptMs) * 1000).toFixed(0)} tok/s |`);
  console.log(`| generation (${generated} tokens) | ${((generated / generationMs) * 1000).toFixed(1)} tok/s |`);
  console.log(`| verification pass by tokens (median of 5) | ${passes.join(", ")} |`);
  await context.dispose();
  await model.dispose();
  await llama.dispose();
}

await main();
