/**
 * VS Code's agent through a language model chat provider, side by side in one run on the same model:
 *  - Hearth's language server (`hearth/lm/step`, what Hearth's provider sends for each of VS Code's requests), and
 *  - llama-server driven the way llama.vscode's provider drives it: for each request GET /v1/models and /props
 *    (the context), /apply-template + /tokenize (an exact prompt count), then a streamed /v1/chat/completions with
 *    the tools; one slot, llama-server's default prompt caching.
 * The requests have VS Code's agent's shape (bench/vscodeAgentRequests.mts): a ~38,000-character system prompt and
 * 40 tool schemas shared by every request, a tool round trip, a chat-title request between two conversations, and a
 * third conversation after both engines restarted (Hearth with the agent prefix's state it saved to disk).
 * The model is a generated one at Qwen2.5-0.5B's layer shape on Qwen2.5's real template and vocabulary.
 *
 *   npm run bench:lm        (HEARTH_BENCH_THREADS=N to override the thread count)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { LmDeltaNotification, type LmMessage, LmStepRequest, type LmTool } from "../server/src/shared/lmProtocol";
import { templateModelPath } from "../test/fixtures/gguf/templateModel";
import { LlamaServerProcess, llamaServerBinary } from "../test/fixtures/llamaServer";
import { LspTestClient, type TestSettings } from "../test/lsp/lspTestClient";
import { agentTools, conversation, titleRequest } from "./vscodeAgentRequests.mjs";

const THREADS = Number(process.env.HEARTH_BENCH_THREADS ?? availableParallelism());
const CONTEXT = 16384;
const MAX_TOKENS = 16;

interface Request {
  label: string;
  messages: LmMessage[];
  tools: LmTool[];
  /** Sent after the engine was restarted. */
  afterRestart?: boolean;
}

interface Measured {
  firstTokenMs: number;
  totalMs: number;
  promptTokens: number;
  evaluated: number;
}

function requests(): Request[] {
  const tools = agentTools();
  const [a1, a2] = conversation("What does src/config.ts export?", "src/config.ts");
  const [b1, b2] = conversation("Add a test for parseSetting.", "src/settings.ts");
  return [
    { label: "conversation 1, question", messages: a1, tools },
    { label: "conversation 1, tool result", messages: a2, tools },
    { label: "chat title (utility request)", messages: titleRequest("What does src/config.ts export?"), tools: [] },
    { label: "conversation 2, question", messages: b1, tools },
    { label: "conversation 2, tool result", messages: b2, tools },
  ];
}

/** After the engine restarts (VS Code restarted): a third conversation's question. */
function afterRestart(): Request {
  const [c1] = conversation("Why does parseSetting throw?", "src/errors.ts");
  return { label: "after a restart: conversation 3, question", messages: c1, tools: agentTools(), afterRestart: true };
}

/**
 * One language server's life: the model loaded by a chat turn of Hearth's own (not a provider request, so the
 * provider's context is made, and a saved prefix loaded, by the first measured request), then the requests in order.
 * `storage` is the VS Code client's storage folder, where the agent prefix's state is saved for the next start.
 */
async function hearthRun(model: string, all: Request[], storage: string): Promise<Measured[]> {
  const client = await LspTestClient.start(
    {
      chat: { model, temperature: 0, maxTokens: MAX_TOKENS },
      local: { threads: THREADS, contextSize: 4096 },
      lm: { contextSize: CONTEXT },
      defaultModelsDirectory: join(storage, "models"),
    } as TestSettings,
    "initializationOptions",
  );
  const firstDelta = new Map<string, number>();
  client.connection.onNotification(LmDeltaNotification.type, ({ stepId }) => {
    if (!firstDelta.has(stepId)) firstDelta.set(stepId, performance.now());
  });
  try {
    await client.chat("warm-up", [{ role: "user", content: "Hi" }]);
    const measured: Measured[] = [];
    for (const [index, request] of all.entries()) {
      const stepId = `r${index}`;
      const started = performance.now();
      const result = await client.connection.sendRequest(LmStepRequest.type, { stepId, ...request });
      const ended = performance.now();
      measured.push({
        firstTokenMs: (firstDelta.get(stepId) ?? ended) - started,
        totalMs: ended - started,
        promptTokens: result.promptTokens,
        evaluated: result.evaluatedPromptTokens,
      });
    }
    // The prefix's state is saved after the reply, in the model's queue: wait for it before the server goes.
    const deadline = Date.now() + 120_000;
    while (!/Saved the prompt state|Could not save/.test(client.logs.join("")) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 200));
    return measured;
  } finally {
    await client.stop();
  }
}

/** The request as llama.vscode's provider writes it (its system message goes in as one here). */
function openAiBody(request: Request): Record<string, unknown> {
  const messages: Array<Record<string, unknown>> = [];
  for (const message of request.messages) {
    if (message.role === "assistant")
      messages.push({
        role: "assistant",
        content: message.text || null,
        tool_calls: message.toolCalls?.map((call) => ({
          id: call.id,
          type: "function",
          function: { name: call.name, arguments: JSON.stringify(call.arguments) },
        })),
      });
    else if (message.role === "user") {
      if (message.text) messages.push({ role: "user", content: message.text });
      for (const result of message.toolResults ?? [])
        messages.push({ role: "tool", tool_call_id: result.callId, content: result.content });
    } else messages.push({ role: "system", content: message.text });
  }
  const tools = request.tools.map((tool) => ({
    type: "function",
    function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
  }));
  return { messages, ...(tools.length ? { tools, tool_choice: "auto" } : {}) };
}

async function llamaServerRun(model: string, all: Request[]): Promise<Measured[]> {
  const server = await LlamaServerProcess.start(llamaServerBinary(), model, {
    threads: THREADS,
    contextSize: CONTEXT,
    extraArgs: ["--jinja"],
  });
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response;
  };
  // llama-server may close a kept-alive connection just as the next request reuses it: that request goes again.
  const get = (path: string) =>
    fetch(`${server.url}${path}`)
      .catch(() => fetch(`${server.url}${path}`))
      .then((response) => response.json());
  const send = async (request: Request): Promise<Measured> => {
    const started = performance.now();
    const body = openAiBody(request);
    // llama.vscode's preflight: the served context, then the exact prompt count.
    await get("/v1/models");
    await get("/props");
    const { prompt } = (await (await post("/apply-template", body)).json()) as { prompt: string };
    const { tokens } = (await (await post("/tokenize", { content: prompt })).json()) as { tokens: number[] };
    const response = await post("/v1/chat/completions", { ...body, stream: true, max_tokens: MAX_TOKENS, temperature: 0 });
    let firstTokenMs = Number.NaN;
    let evaluated = Number.NaN;
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
        const data = JSON.parse(line.slice(6)) as {
          choices?: Array<{ delta?: { content?: string; tool_calls?: unknown[] } }>;
          timings?: { prompt_n?: number };
        };
        const delta = data.choices?.[0]?.delta;
        if (Number.isNaN(firstTokenMs) && (delta?.content || delta?.tool_calls)) firstTokenMs = performance.now() - started;
        if (data.timings?.prompt_n !== undefined) evaluated = data.timings.prompt_n;
      }
    }
    const totalMs = performance.now() - started;
    return { firstTokenMs: Number.isNaN(firstTokenMs) ? totalMs : firstTokenMs, totalMs, promptTokens: tokens.length, evaluated };
  };
  try {
    await send({ label: "warm-up", messages: [{ role: "user", text: "Hi" }], tools: [] });
    const measured: Measured[] = [];
    for (const request of all) {
      // A restart: the server is started again, as VS Code's restart would start llama.vscode's.
      if (request.afterRestart) {
        await server.stop();
        await server.launch();
        await send({ label: "warm-up", messages: [{ role: "user", text: "Hi" }], tools: [] });
      }
      measured.push(await send(request));
    }
    return measured;
  } catch (error) {
    console.error(server.log.join("").slice(-4000));
    throw error;
  } finally {
    await server.stop();
  }
}

const model = await templateModelPath("qwen2.5-real-size");
const all = [...requests(), afterRestart()];
// HEARTH_BENCH_ONLY=llama-server or =hearth runs one side (the other's columns read NaN).
const only = process.env.HEARTH_BENCH_ONLY;
const skipped = all.map(() => ({
  firstTokenMs: Number.NaN,
  totalMs: Number.NaN,
  promptTokens: Number.NaN,
  evaluated: Number.NaN,
}));
const storage = mkdtempSync(join(tmpdir(), "hearth-bench-lm-"));
const restartAt = all.findIndex((request) => request.afterRestart);
const hearth =
  only === "llama-server"
    ? skipped
    : [...(await hearthRun(model, all.slice(0, restartAt), storage)), ...(await hearthRun(model, all.slice(restartAt), storage))];
rmSync(storage, { recursive: true, force: true });
const llama = only === "hearth" ? skipped : await llamaServerRun(model, all);

console.log(
  `\nModel: generated, Qwen2.5-0.5B's layer shape on Qwen2.5's template and vocabulary (Q8_0); CPU, ${THREADS} threads; ${cpus()[0]?.model ?? "?"}`,
);
console.log(`Context ${CONTEXT} tokens on both; at most ${MAX_TOKENS} tokens generated per request.\n`);
console.log(
  "| request | prompt tokens | Hearth: evaluated | Hearth: first token (ms) | llama-server: evaluated | llama-server: first token (ms) | Hearth / llama-server |",
);
console.log("|---|---|---|---|---|---|---|");
for (const [index, request] of all.entries()) {
  const h = hearth[index];
  const l = llama[index];
  console.log(
    `| ${request.label} | ${h.promptTokens} / ${l.promptTokens} | ${h.evaluated} | ${h.firstTokenMs.toFixed(0)} | ${l.evaluated} | ${l.firstTokenMs.toFixed(0)} | ${(h.firstTokenMs / l.firstTokenMs).toFixed(2)}× |`,
  );
}
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
console.log(
  `\nAll requests: Hearth ${(sum(hearth.map((m) => m.firstTokenMs)) / 1000).toFixed(1)} s to first tokens, llama-server ${(sum(llama.map((m) => m.firstTokenMs)) / 1000).toFixed(1)} s (${(sum(hearth.map((m) => m.firstTokenMs)) / sum(llama.map((m) => m.firstTokenMs))).toFixed(2)}×).`,
);
