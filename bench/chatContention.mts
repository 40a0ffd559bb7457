/**
 * Ghost-text latency while a chat reply streams, against idle, on the realistic-speed model (completion and chat
 * on the same file, so its weights are loaded once). Hearth pauses chat generation between tokens while an inline
 * completion runs; this measures what that buys.
 *
 *   npm run bench:chat            (HEARTH_BENCH_THREADS=N to override the thread count)
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { speedModelPath } from "../test/fixtures/gguf/speedModel";
import { testModelCacheDirectory } from "../test/fixtures/gguf/testModels";
import { LspTestClient } from "../test/lsp/lspTestClient";

const ROOT = join(import.meta.dirname, "..");
const THREADS = Number(process.env.HEARTH_BENCH_THREADS ?? availableParallelism());
const TYPED = "const total = items.length;";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const modelPath = speedModelPath(testModelCacheDirectory(), ROOT);
const client = await LspTestClient.start({
  completion: { model: modelPath, maxTokens: 8, timeoutMs: 30_000 },
  chat: { model: modelPath, maxTokens: 4000, temperature: 0 },
  local: { threads: THREADS, contextSize: 8192 },
});
const lines = Array.from({ length: 60 }, (_, i) => `  const value${i} = compute(${i}, options);`);
const text = `function run(options) {\n${lines.join("\n")}\n  \n}\n`;
const cursorLine = lines.length + 1;

async function typeLine(uri: string): Promise<number[]> {
  await client.open(uri, text);
  await client.waitForStatus((s) => s.role === "completion" && s.state === "ready", 120_000);
  await client.complete(uri, cursorLine, 2); // warm the cache for this line
  const latencies: number[] = [];
  for (let typed = 1; typed <= TYPED.length; typed++) {
    await client.insert(uri, cursorLine, 2 + typed - 1, TYPED[typed - 1]);
    const started = performance.now();
    await client.complete(uri, cursorLine, 2 + typed);
    latencies.push(performance.now() - started);
  }
  return latencies;
}

const idle = await typeLine("file:///bench/idle.ts");
let chatTokens = 0;
const chat = client.chat("bench", [{ role: "user", content: "Write a long story about compilers." }], {
  cancelAfterMs: 120_000,
});
// Wait until the reply is streaming before typing.
while ((client.chatDeltas.get("bench")?.length ?? 0) < 5) await new Promise((resolve) => setTimeout(resolve, 50));
const chatStarted = performance.now();
const startDeltas = client.chatDeltas.get("bench")?.length ?? 0;
const busy = await typeLine("file:///bench/busy.ts");
chatTokens = (client.chatDeltas.get("bench")?.length ?? 0) - startDeltas;
const chatSeconds = (performance.now() - chatStarted) / 1000;
await client.stop();
void chat.catch(() => undefined);

console.log(
  `\nRealistic-speed model (Qwen2.5-Coder-0.5B dimensions, random Q8_0 weights) for completion and chat, CPU, ${THREADS} threads.`,
);
console.log(`${TYPED.length} keystrokes on one line, 8 tokens per suggestion.\n`);
console.log("| ghost text | median per keystroke (ms) | max (ms) |");
console.log("|---|---|---|");
console.log(`| idle | ${median(idle).toFixed(0)} | ${Math.max(...idle).toFixed(0)} |`);
console.log(`| while a chat reply streams | ${median(busy).toFixed(0)} | ${Math.max(...busy).toFixed(0)} |`);
console.log(
  `\nDuring chat / idle (median) = ${(median(busy) / median(idle)).toFixed(2)}; the chat kept streaming at ${(chatTokens / chatSeconds).toFixed(1)} deltas/s meanwhile.`,
);
process.exit(0);
