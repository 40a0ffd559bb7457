/**
 * Side by side, in one run, on the realistic-speed model: a replay of retyping functions in a multi-file project,
 * keystroke by keystroke with human-like pauses, against
 *  - Hearth's language server over LSP (suggestion cache, speculation, cross-file context from two other files), and
 *  - llama-server driven the way llama.vscode drives it: `/infill` with `input_extra` chunks of the other files,
 *    `cache_prompt`, llama.vscode's default windows (256 lines before, 64 after).
 *
 *   npm run bench:side-by-side      (HEARTH_BENCH_THREADS=N, HEARTH_BENCH_KEYSTROKES=N, HEARTH_BENCH_MODEL=file.gguf)
 */
import { readFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { basename, join } from "node:path";
import { speedModelPath } from "../test/fixtures/gguf/speedModel";
import { testModelCacheDirectory } from "../test/fixtures/gguf/testModels";
import { LlamaServerProcess, llamaServerBinary } from "../test/fixtures/llamaServer";
import { LspTestClient } from "../test/lsp/lspTestClient";
import { median, percentile, sleep } from "./support.mjs";

const ROOT = join(import.meta.dirname, "..");
const THREADS = Number(process.env.HEARTH_BENCH_THREADS ?? availableParallelism());
const KEYSTROKES = Number(process.env.HEARTH_BENCH_KEYSTROKES ?? 80);
const MAX_TOKENS = 16;
/** A human pause after each suggestion is shown, before the next key. */
const PAUSE_MS = 150;
const MATERIAL = join(ROOT, "node_modules/vscode-jsonrpc/lib/common");

interface Keystroke {
  /** The document's text after this keystroke, and the cursor. */
  text: string;
  line: number;
  character: number;
}

/** Retyping the bodies of the first functions of connection.js: each key adds one character (a newline moves on). */
function replay(source: string): { keystrokes: Keystroke[]; file: string } {
  const lines = source.split("\n");
  const start = lines.findIndex((line, index) => index > 200 && /^\s+function \w+\(/.test(line));
  const body = lines.slice(start + 1, start + 40);
  const keystrokes: Keystroke[] = [];
  const before = lines.slice(0, start + 1);
  const after = lines.slice(start + 40);
  const typed: string[] = [""];
  outer: for (const target of body) {
    for (const char of target) {
      typed[typed.length - 1] += char;
      keystrokes.push(snapshot());
      if (keystrokes.length >= KEYSTROKES) break outer;
    }
    typed.push("");
  }
  function snapshot(): Keystroke {
    const text = [...before, ...typed, ...after].join("\n");
    return { text, line: before.length + typed.length - 1, character: typed[typed.length - 1].length };
  }
  return { keystrokes, file: "connection.js" };
}

async function main(): Promise<void> {
  // A real coder model (a FIM-capable base GGUF) measures the zero-wait share; the default's random weights can't.
  const modelPath = process.env.HEARTH_BENCH_MODEL ?? speedModelPath(testModelCacheDirectory(), ROOT);
  const connection = readFileSync(join(MATERIAL, "connection.js"), "utf8");
  const others = ["messages.js", "events.js"].map((name) => ({
    name,
    text: readFileSync(join(MATERIAL, name), "utf8").split("\n").slice(0, 64).join("\n"),
  }));
  const { keystrokes } = replay(connection);

  // --- Hearth over LSP ---
  const client = await LspTestClient.start({
    completion: { model: modelPath, maxTokens: MAX_TOKENS, timeoutMs: 30_000 },
    local: { threads: THREADS },
  });
  const uri = "file:///workspace/lib/common/connection.js";
  for (const other of others) {
    await client.sendContext({
      uri: `file:///workspace/lib/common/${other.name}`,
      path: `lib/common/${other.name}`,
      text: other.text,
      startLine: 0,
    });
  }
  await client.open(uri, keystrokes[0].text);
  await client.waitForStatus((s) => s.role === "completion" && s.state === "ready", 120_000);
  await client.complete(uri, keystrokes[0].line, keystrokes[0].character, { explicit: true }); // cold, not counted
  const hearth = { latency: [] as number[], evaluated: [] as number[], zeroWait: 0, skipped: 0 };
  for (const keystroke of keystrokes.slice(1)) {
    // The whole text as a change: simple, and the server's window makes it cost what a one-character change does.
    await client.change(uri, { start: { line: 0, character: 0 }, end: { line: 100_000, character: 0 } }, keystroke.text);
    const before = await client.engineLoad();
    const started = performance.now();
    const answer = await client.complete(uri, keystroke.line, keystroke.character);
    hearth.latency.push(performance.now() - started);
    const after = await client.engineLoad();
    if (after.completions === before.completions) {
      // No model call: a suggestion from the cache or speculation (zero wait), or no suggestion by design
      // (automatic requests in the middle of a word).
      if (answer?.items.length) hearth.zeroWait++;
      else hearth.skipped++;
      hearth.evaluated.push(0);
    } else {
      const metrics = await client.lastMetrics();
      hearth.evaluated.push(metrics?.evaluatedPromptTokens ?? Number.NaN);
      if (process.env.HEARTH_BENCH_DEBUG)
        console.log(
          `${keystroke.line}:${keystroke.character} ${hearth.latency.at(-1)?.toFixed(0)} ms, server ${metrics?.durationMs.toFixed(0)} ms, ${metrics?.evaluatedPromptTokens} evaluated, ${metrics?.generatedTokens} generated (${metrics?.stopReason})`,
        );
    }
    await sleep(PAUSE_MS);
  }
  await client.stop();
  if (process.env.HEARTH_BENCH_ONLY === "hearth") {
    const known = hearth.evaluated.filter((value) => !Number.isNaN(value));
    const zeroWait = ((100 * hearth.zeroWait) / hearth.latency.length).toFixed(0);
    console.log(
      `Hearth: median ${median(hearth.latency).toFixed(0)} ms, p95 ${percentile(hearth.latency, 95).toFixed(0)} ms, ` +
        `${median(known)} / ${Math.max(...known)} tokens evaluated per keystroke, ${zeroWait}% with zero model wait`,
    );
    return;
  }

  // --- llama-server, as llama.vscode calls it ---
  const server = await LlamaServerProcess.start(llamaServerBinary(), modelPath, { threads: THREADS });
  const llama = { latency: [] as number[], evaluated: [] as number[] };
  try {
    const infill = async (keystroke: Keystroke) => {
      const lines = keystroke.text.split("\n");
      const current = lines[keystroke.line] ?? "";
      const started = performance.now();
      const response = await fetch(`${server.url}/infill`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          input_prefix: `${lines.slice(Math.max(0, keystroke.line - 256), keystroke.line).join("\n")}\n`,
          input_suffix: `${current.slice(keystroke.character)}\n${lines.slice(keystroke.line + 1, keystroke.line + 1 + 64).join("\n")}`,
          prompt: current.slice(0, keystroke.character),
          input_extra: others.map((other) => ({ filename: other.name, text: other.text })),
          n_predict: MAX_TOKENS,
          top_k: 40,
          top_p: 0.99,
          samplers: ["top_k", "top_p", "infill"],
          cache_prompt: true,
          t_max_prompt_ms: 30_000,
          t_max_predict_ms: 30_000,
        }),
      });
      const answer = (await response.json()) as { timings?: { prompt_n?: number } };
      return { elapsed: performance.now() - started, evaluated: answer.timings?.prompt_n ?? Number.NaN };
    };
    await infill(keystrokes[0]); // cold
    for (const keystroke of keystrokes.slice(1)) {
      const result = await infill(keystroke);
      llama.latency.push(result.elapsed);
      llama.evaluated.push(result.evaluated);
      await sleep(PAUSE_MS);
    }
  } finally {
    await server.stop();
  }

  const rows = [
    { path: "Hearth language server (LSP; cache, speculation, cross-file context)", ...hearth },
    { path: "llama-server /infill as llama.vscode calls it (input_extra, cache_prompt)", ...llama, zeroWait: 0, skipped: 0 },
  ];
  const modelName = process.env.HEARTH_BENCH_MODEL ? basename(modelPath) : "random-weight Qwen2.5-Coder-0.5B dimensions (Q8_0)";
  console.log(`\nModel: ${modelName}, CPU, ${THREADS} threads; ${cpus()[0]?.model ?? "?"}`);
  console.log(
    `Replay: ${keystrokes.length - 1} keystrokes retyping a function in vscode-jsonrpc's connection.js, ${PAUSE_MS} ms pause after each answer; context: 64 lines each of messages.js and events.js; ${MAX_TOKENS} tokens per suggestion.\n`,
  );
  console.log(
    "| engine | median (ms) | p95 (ms) | prompt tokens evaluated per keystroke (median / max) | answered with zero model wait | skipped (mid-word) |",
  );
  console.log("|---|---|---|---|---|---|");
  for (const row of rows) {
    const known = row.evaluated.filter((value) => !Number.isNaN(value));
    console.log(
      `| ${row.path} | ${median(row.latency).toFixed(0)} | ${percentile(row.latency, 95).toFixed(0)} | ${median(known)} / ${Math.max(...known)} | ${((100 * row.zeroWait) / row.latency.length).toFixed(0)}% | ${((100 * row.skipped) / row.latency.length).toFixed(0)}% |`,
    );
  }
  console.log(`\nHearth median / llama-server median = ${(median(hearth.latency) / median(llama.latency)).toFixed(2)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
