/**
 * Keystroke-to-suggestion latency, local versus remote, in one run on the realistic-speed model:
 * Hearth's local engine, Hearth against llama-server (token prompts on /completion, and the OpenAI-compatible
 * /v1/completions), and llama-server's own /infill as llama.vim calls it. llama-server is built from the
 * llama.cpp source node-llama-cpp ships and runs on 127.0.0.1 with the same thread count.
 *
 *   npm run bench:remote      (HEARTH_BENCH_THREADS=N to override the thread count)
 */
import { readFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { join } from "node:path";
import { speedModelPath } from "../test/fixtures/gguf/speedModel";
import { testModelCacheDirectory } from "../test/fixtures/gguf/testModels";
import { LlamaServerProcess, llamaServerBinary } from "../test/fixtures/llamaServer";
import { LspTestClient, type TestSettings } from "../test/lsp/lspTestClient";
import { median, percentile } from "./support.mjs";

const ROOT = join(import.meta.dirname, "..");
const THREADS = Number(process.env.HEARTH_BENCH_THREADS ?? availableParallelism());
const MAX_TOKENS = 8;
const FILE_LINES = 160;
const TYPED = "const total = items.length;";

const ms = (value: number) => value.toFixed(0);

interface Row {
  path: string;
  cold: number;
  latency: number[];
  evaluated: number[];
  /** The engine's own time per keystroke (node-llama-cpp's, or llama-server's reported timings), where known. */
  compute: number[];
}

async function main(): Promise<void> {
  const modelPath = speedModelPath(testModelCacheDirectory(), ROOT);
  const material = readFileSync(join(ROOT, "node_modules/vscode-jsonrpc/lib/common/connection.js"), "utf8").split("\n");
  const lines = material.slice(0, FILE_LINES);
  const cursorLine = Math.floor(lines.length * 0.6);
  const indent = "        ";
  lines.splice(cursorLine, 0, indent);

  const server = await LlamaServerProcess.start(llamaServerBinary(), modelPath, { threads: THREADS });
  const rows: Row[] = [];
  try {
    const lspRow = async (path: string, settings: TestSettings): Promise<Row> => {
      const client = await LspTestClient.start({
        ...settings,
        completion: { model: modelPath, maxTokens: MAX_TOKENS, prefixLines: 2000, suffixLines: 2000, timeoutMs: 30_000 },
      });
      try {
        const uri = `file:///bench/${rows.length}.ts`;
        await client.open(uri, lines.join("\n"));
        await client.waitForStatus((s) => s.role === "completion" && s.state === "ready", 120_000);
        let started = performance.now();
        await client.complete(uri, cursorLine, indent.length, { explicit: true });
        const cold = performance.now() - started;
        const latency: number[] = [];
        const evaluated: number[] = [];
        const compute: number[] = [];
        for (let typed = 1; typed <= TYPED.length; typed++) {
          await client.insert(uri, cursorLine, indent.length + typed - 1, TYPED[typed - 1]);
          started = performance.now();
          await client.complete(uri, cursorLine, indent.length + typed, { explicit: true });
          latency.push(performance.now() - started);
          const metrics = await client.lastMetrics();
          evaluated.push(metrics?.evaluatedPromptTokens ?? Number.NaN);
          const engineMs = settings.engine === "remote" ? metrics?.serverComputeMs : metrics?.durationMs;
          if (engineMs !== undefined) compute.push(engineMs);
        }
        return { path, cold, latency, evaluated, compute };
      } finally {
        await client.stop();
      }
    };

    rows.push(await lspRow("Hearth, local engine (node-llama-cpp)", { local: { threads: THREADS } }));
    rows.push(
      await lspRow("Hearth → llama-server /completion (token prompt, pinned slot)", {
        engine: "remote",
        remote: { url: server.url, api: "llama-server" },
      }),
    );
    rows.push(
      await lspRow("Hearth → llama-server /v1/completions (OpenAI-compatible, text FIM)", {
        engine: "remote",
        remote: { url: server.url, api: "openai" },
      }),
    );

    // llama-server's /infill the way llama.vim calls it: prefix, suffix and the typed line, cache_prompt on.
    const before = lines.slice(0, cursorLine).join("\n");
    const after = `\n${lines.slice(cursorLine + 1).join("\n")}`;
    const infill = async (typed: string) => {
      const started = performance.now();
      const response = await fetch(`${server.url}/infill`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          input_prefix: `${before}\n`,
          input_suffix: after,
          prompt: `${indent}${typed}`,
          n_predict: MAX_TOKENS,
          temperature: 0,
          top_k: 1,
          cache_prompt: true,
        }),
      });
      const answer = (await response.json()) as { timings?: { prompt_n?: number; prompt_ms?: number; predicted_ms?: number } };
      const timings = answer.timings;
      return {
        elapsed: performance.now() - started,
        evaluated: timings?.prompt_n ?? Number.NaN,
        compute: (timings?.prompt_ms ?? Number.NaN) + (timings?.predicted_ms ?? 0),
      };
    };
    const cold = (await infill("")).elapsed;
    const latency: number[] = [];
    const evaluated: number[] = [];
    const compute: number[] = [];
    for (let typed = 1; typed <= TYPED.length; typed++) {
      const result = await infill(TYPED.slice(0, typed));
      latency.push(result.elapsed);
      evaluated.push(result.evaluated);
      compute.push(result.compute);
    }
    rows.push({ path: "llama-server /infill directly (llama.vim's request)", cold, latency, evaluated, compute });
  } finally {
    await server.stop();
  }

  const local = median(rows[0].latency);
  console.log(`\nModel: random-weight Qwen2.5-Coder-0.5B dimensions (Q8_0), CPU, ${THREADS} threads; ${cpus()[0]?.model ?? "?"}`);
  console.log(
    `File: ${lines.length} lines; ${TYPED.length} keystrokes; ${MAX_TOKENS} tokens per suggestion; llama-server on 127.0.0.1, -np 1, same threads.\n`,
  );
  console.log(
    "| path | cold (ms) | median per keystroke (ms) | p95 (ms) | × local median | engine compute, median (ms) | everything else, median (ms) | prompt tokens evaluated per keystroke (median / max) |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const row of rows) {
    const known = row.evaluated.filter((value) => value >= 0 && !Number.isNaN(value));
    const evaluated = known.length ? `${median(known)} / ${Math.max(...known)}` : "not reported";
    const compute = row.compute.length === row.latency.length ? median(row.compute) : undefined;
    const overhead = compute === undefined ? undefined : median(row.latency.map((value, index) => value - row.compute[index]));
    console.log(
      `| ${row.path} | ${ms(row.cold)} | ${ms(median(row.latency))} | ${ms(percentile(row.latency, 95))} | ${(median(row.latency) / local).toFixed(2)} | ${compute === undefined ? "not reported" : ms(compute)} | ${overhead === undefined ? "—" : ms(overhead)} | ${evaluated} |`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
