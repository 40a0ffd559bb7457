/**
 * Agent tool round trips on the local engine: prompt tokens evaluated per step and the time from a tool's result
 * to the model's next call, against the first step (which evaluates the whole prompt: system, tools, question).
 * The model is a generated one at Qwen2.5-0.5B's layer shape on Llama 3.1's real template and vocabulary: it starts
 * a call and node-llama-cpp's grammar writes the rest, so every call parses (counted below).
 *
 *   npm run bench:agent            (HEARTH_BENCH_THREADS=N to override the thread count)
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type AgentEvent, AgentEventNotification, AgentRunRequest } from "../server/src/shared/agentProtocol";
import { templateModelPath } from "../test/fixtures/gguf/templateModel";
import { LspTestClient } from "../test/lsp/lspTestClient";

const THREADS = Number(process.env.HEARTH_BENCH_THREADS ?? availableParallelism());
const STEPS = 4;

const folder = mkdtempSync(join(tmpdir(), "hearth-bench-agent-"));
for (let i = 0; i < 12; i++) writeFileSync(join(folder, `module${i}.ts`), `export const value${i} = ${i};\n`);
const client = await LspTestClient.start(
  {
    chat: { model: await templateModelPath("llama-3.1-tools-real-size"), temperature: 0 },
    local: { threads: THREADS, contextSize: 8192 },
    agent: { maxToolCalls: STEPS },
  },
  "pull",
  pathToFileURL(folder).toString(),
);
const times: Array<{ kind: AgentEvent["kind"]; at: number }> = [];
client.connection.onNotification(AgentEventNotification.type, (event) => {
  times.push({ kind: event.kind, at: performance.now() });
});
const started = performance.now();
const result = await client.connection.sendRequest(AgentRunRequest.type, {
  chatId: "bench",
  messages: [{ role: "user", content: "What is in this folder?" }],
  context: [],
  readOnly: true,
});
await client.stop();
rmSync(folder, { recursive: true, force: true });

const calls = times.filter((t) => t.kind === "toolCall").map((t) => t.at);
const results = times.filter((t) => t.kind === "toolResult").map((t) => t.at);
// Step 1 runs from the request to the first call; step n from the (n-1)th result to the nth call.
const stepMs = calls.map((at, i) => at - (i === 0 ? started : results[i - 1]));
const parsed = result.steps.filter((step) => !step.result.isError || !/did not parse/.test(step.result.content)).length;
console.log(`threads ${THREADS}; ${result.steps.length} tool calls, ${parsed} parsed (${result.stopReason})\n`);
console.log("| step | prompt tokens | evaluated | ms to the call | vs step 1 |");
console.log("|---|---|---|---|---|");
for (let i = 0; i < stepMs.length; i++) {
  const usage = result.usage[i];
  console.log(
    `| ${i + 1} | ${usage.promptTokens} | ${usage.evaluatedPromptTokens} | ${Math.round(stepMs[i])} | ${(stepMs[i] / stepMs[0]).toFixed(2)}× |`,
  );
}
