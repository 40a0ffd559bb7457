/**
 * `hearth/lm/step` and `hearth/lm/models`, the server side of Hearth's model in VS Code's own chat, through the real
 * language server: text streams as deltas without the thought, a tool call comes back with its exact name and
 * arguments, tool results go back to the model after their call, cancellation stops the request to the model, and
 * on a generated local model the grammar writes a valid call.
 */
import { strict as assert } from "node:assert";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { CancellationTokenSource, type ResponseError } from "vscode-languageserver-protocol";
import { HearthErrorCodes } from "../../server/src/shared/errors";
import {
  LmDeltaNotification,
  LmModelsRequest,
  type LmStepParams,
  LmStepRequest,
  type LmTool,
} from "../../server/src/shared/lmProtocol";
import { templateModelPath } from "../fixtures/gguf/templateModel";
import { type ScriptedReply, ScriptedToolEngine } from "../fixtures/scriptedToolEngine";
import { LspTestClient } from "./lspTestClient";

const READ_FILE: LmTool = {
  name: "read_file",
  description: "Reads a file of the workspace.",
  inputSchema: {
    type: "object",
    properties: { filePath: { type: "string" }, startLine: { type: "number" } },
    required: ["filePath"],
  },
};

async function withScripted(
  script: (index: number) => ScriptedReply,
  test: (client: LspTestClient, engine: ScriptedToolEngine, deltas: Map<string, string[]>) => Promise<void>,
  served?: ScriptedToolEngine["served"],
): Promise<void> {
  const engine = new ScriptedToolEngine((_request, index) => script(index));
  if (served) engine.served = served;
  const url = await engine.listen();
  const client = await LspTestClient.start({ engine: "remote", remote: { url, api: "openai", chatModel: "chat" } });
  try {
    await test(client, engine, collectDeltas(client));
  } finally {
    await client.stop();
    engine.close();
  }
}

function collectDeltas(client: LspTestClient): Map<string, string[]> {
  const deltas = new Map<string, string[]>();
  client.connection.onNotification(LmDeltaNotification.type, ({ stepId, text }) => {
    deltas.set(stepId, [...(deltas.get(stepId) ?? []), text]);
  });
  return deltas;
}

const step = (client: LspTestClient, params: LmStepParams, token?: CancellationTokenSource) =>
  client.connection.sendRequest(LmStepRequest.type, params, token?.token);

describe("hearth/lm/step: Hearth's model for VS Code's chat", function () {
  this.timeout(60_000);

  it("streams the answer as deltas, keeps the thought out, and sends the system prompt and tools", async () => {
    await withScripted(
      () => ({ thought: "Let me think about greetings.", content: "Hello from Hearth." }),
      async (client, engine, deltas) => {
        const result = await step(client, {
          stepId: "s1",
          messages: [
            { role: "system", text: "You are VS Code's agent." },
            { role: "user", text: "Say hello." },
          ],
          tools: [READ_FILE],
        });
        assert.equal(result.text, "Hello from Hearth.");
        assert.equal(deltas.get("s1")?.join(""), "Hello from Hearth.");
        assert.deepEqual(result.toolCalls, []);
        assert.ok(!JSON.stringify(deltas.get("s1")).includes("greetings"));
        const [request] = engine.requests;
        assert.equal(request.messages[0].role, "system");
        assert.match(request.messages[0].content ?? "", /You are VS Code's agent\./);
        assert.deepEqual(
          request.tools?.map((tool) => tool.function.name),
          ["read_file"],
        );
      },
    );
  });

  it("returns a tool call with its exact name and arguments, and sends its result back after the call", async () => {
    await withScripted(
      (index) =>
        index === 0
          ? { content: "Reading it.", toolCalls: [{ name: "read_file", arguments: '{"filePath":"src/a.ts","startLine":3}' }] }
          : { content: "It exports add." },
      async (client, engine) => {
        const first = await step(client, {
          stepId: "s2",
          messages: [{ role: "user", text: "What is in src/a.ts?" }],
          tools: [READ_FILE],
        });
        assert.equal(first.stopReason, "toolCalls");
        assert.equal(first.toolCalls.length, 1);
        assert.equal(first.toolCalls[0].name, "read_file");
        assert.deepEqual(first.toolCalls[0].arguments, { filePath: "src/a.ts", startLine: 3 });
        // VS Code sends the call back in an assistant message and its result in the next user message.
        const second = await step(client, {
          stepId: "s3",
          messages: [
            { role: "user", text: "What is in src/a.ts?" },
            { role: "assistant", text: first.text, toolCalls: first.toolCalls },
            { role: "user", text: "", toolResults: [{ callId: first.toolCalls[0].id, content: "export const add = 1;" }] },
          ],
          tools: [READ_FILE],
        });
        assert.equal(second.text, "It exports add.");
        const sent = engine.requests[1].messages;
        const toolMessage = sent.find((message) => message.role === "tool");
        assert.equal(toolMessage?.tool_call_id, first.toolCalls[0].id);
        assert.equal(toolMessage?.content, "export const add = 1;");
        assert.ok(sent.indexOf(toolMessage as never) > sent.findIndex((message) => message.role === "assistant"));
      },
    );
  });

  it("lists the configured chat model with the context it will get", async () => {
    await withScripted(
      () => ({ content: "" }),
      async (client) => {
        const [model, ...others] = await client.connection.sendRequest(LmModelsRequest.type);
        assert.deepEqual(others, []);
        assert.equal(model.name, "Hearth · chat (remote)");
        assert.equal(model.toolCalling, true);
        assert.ok(model.maxInputTokens > 0 && model.maxOutputTokens > 0, JSON.stringify(model));
      },
    );
  });

  it("lists every model the server serves but its embedders, and a step on one is sent to that model", async () => {
    await withScripted(
      () => ({ content: "Done." }),
      async (client, engine) => {
        const models = await client.connection.sendRequest(LmModelsRequest.type);
        assert.deepEqual(
          models.map((model) => [model.id, model.name]),
          [
            ["chat", "Hearth · chat (remote)"],
            ["served:qwen3-coder:30b", "Hearth · qwen3-coder:30b (remote)"],
            ["served:llama3.2:3b", "Hearth · llama3.2:3b (remote)"],
          ],
        );
        // Each with its own served context (vLLM's max_model_len), else the lower bound.
        const [chat, large, unsized] = models;
        assert.ok(large.maxInputTokens > chat.maxInputTokens, JSON.stringify(models));
        assert.ok(unsized.maxInputTokens < chat.maxInputTokens, JSON.stringify(models));
        const messages: LmStepParams["messages"] = [{ role: "user", text: "Hi" }];
        await step(client, { stepId: "m1", model: "served:qwen3-coder:30b", messages, tools: [READ_FILE] });
        await step(client, { stepId: "m2", model: "chat", messages, tools: [READ_FILE], toolMode: "required" });
        assert.deepEqual(
          engine.requests.map((request) => [request.model, request.tool_choice]),
          [
            ["qwen3-coder:30b", undefined],
            ["chat", "required"],
          ],
        );
        await assert.rejects(
          step(client, { stepId: "m3", model: "served:gone:7b", messages, tools: [] }),
          (error: ResponseError<{ fix?: string }>) =>
            error.code === HearthErrorCodes.chatModel && /no longer serves “gone:7b”/.test(error.message),
        );
        assert.equal(engine.requests.length, 2, "nothing was sent for a model the server doesn't serve");
      },
      [
        { id: "chat", max_model_len: 32_768 },
        { id: "qwen3-coder:30b", max_model_len: 131_072 },
        { id: "nomic-embed-text:latest" },
        { id: "llama3.2:3b" },
      ],
    );
  });

  it("refuses malformed messages with InvalidParams", async () => {
    await withScripted(
      () => ({ content: "" }),
      async (client) => {
        await assert.rejects(
          step(client, { stepId: "s4", messages: [{ role: "tool", text: "x" } as never], tools: [] }),
          (error: ResponseError<unknown>) => error.code === -32602 && /params\.messages/.test(error.message),
        );
      },
    );
  });

  it("cancellation stops the request to the model and resolves with what was streamed", async () => {
    // A model that sends one chunk and then never finishes: only the cancellation can end the step.
    let modelRequestClosed!: () => void;
    const closed = new Promise<void>((resolve) => {
      modelRequestClosed = resolve;
    });
    const hanging = createServer((request, response) => {
      if ((request.url ?? "").startsWith("/v1/models")) {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ data: [{ id: "chat", max_model_len: 32768 }] }));
        return;
      }
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write(`data: ${JSON.stringify({ choices: [{ delta: { content: "Partial" } }] })}\n\n`);
      response.on("close", modelRequestClosed);
    });
    hanging.listen(0, "127.0.0.1");
    await once(hanging, "listening");
    const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
    const client = await LspTestClient.start({ engine: "remote", remote: { url, api: "openai", chatModel: "chat" } });
    const deltas = collectDeltas(client);
    try {
      const source = new CancellationTokenSource();
      const pending = step(client, { stepId: "s5", messages: [{ role: "user", text: "Go on forever." }], tools: [] }, source);
      const started = Date.now();
      while (!deltas.has("s5")) {
        assert.ok(Date.now() - started < 20_000, "no delta arrived");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      source.cancel();
      const result = await pending;
      assert.equal(result.stopReason, "aborted");
      assert.equal(result.text, "Partial");
      await closed; // the HTTP request to the model was closed, not left running
    } finally {
      await client.stop();
      hanging.closeAllConnections();
      hanging.close();
    }
  });

  it("an unusable model fails with the chat model's actionable error", async () => {
    // Nothing listens on this port: the remote engine can't reach its server.
    const client = await LspTestClient.start({
      engine: "remote",
      remote: { url: "http://127.0.0.1:9", api: "openai", chatModel: "chat", timeoutSeconds: 2 },
    });
    try {
      await assert.rejects(
        step(client, { stepId: "s6", messages: [{ role: "user", text: "Hi" }], tools: [] }),
        (error: ResponseError<{ fix?: string }>) =>
          error.code === HearthErrorCodes.chatModel && typeof error.data?.fix === "string" && error.data.fix !== "",
      );
    } finally {
      await client.stop();
    }
  });
});

describe("hearth/lm/step on the local engine (generated model)", function () {
  this.timeout(180_000);

  it("qwen3-thinking-tools: the grammar writes a valid call, and the thought stays out of the text", async () => {
    const folder = mkdtempSync(join(tmpdir(), "hearth-lm-local-"));
    const client = await LspTestClient.start(
      { chat: { model: await templateModelPath("qwen3-thinking-tools"), temperature: 0 }, local: { threads: 1 } },
      "pull",
      pathToFileURL(folder).toString(),
    );
    const deltas = collectDeltas(client);
    try {
      const result = await step(client, {
        stepId: "local",
        messages: [
          { role: "system", text: "You are VS Code's agent." },
          { role: "user", text: "What is in this folder?" },
        ],
        tools: [
          READ_FILE,
          {
            name: "list_directory",
            description: "Lists a folder.",
            inputSchema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
          },
        ],
      });
      assert.equal(result.stopReason, "toolCalls", JSON.stringify(result));
      assert.deepEqual(
        result.toolCalls.map((call) => [call.name, call.arguments]),
        [["list_directory", { path: "." }]],
      );
      assert.doesNotMatch(result.text, /Pondering|think>/);
      assert.doesNotMatch((deltas.get("local") ?? []).join(""), /Pondering|think>/);
      assert.ok(result.promptTokens > 0, JSON.stringify(result));
    } finally {
      await client.stop();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("qwen2.5: a model that answers in text calls a tool when the request requires one (toolMode required)", async () => {
    const folder = mkdtempSync(join(tmpdir(), "hearth-lm-required-"));
    const client = await LspTestClient.start(
      { chat: { model: await templateModelPath("qwen2.5"), temperature: 0, maxTokens: 64 }, local: { threads: 1 } },
      "pull",
      pathToFileURL(folder).toString(),
    );
    const runTests: LmTool = {
      name: "run_tests",
      description: "Runs the tests.",
      inputSchema: { type: "object", properties: { mode: { enum: ["fast", "full"] } }, required: ["mode"] },
    };
    const request = (stepId: string, toolMode?: "required"): LmStepParams => ({
      stepId,
      messages: [{ role: "user", text: "Are the tests green?" }],
      tools: [runTests],
      ...(toolMode ? { toolMode } : {}),
    });
    try {
      const free = await step(client, request("free"));
      assert.equal(free.text, "Hello there", JSON.stringify(free));
      assert.deepEqual(free.toolCalls, []);
      const required = await step(client, request("required", "required"));
      assert.equal(required.stopReason, "toolCalls", JSON.stringify(required));
      assert.equal(required.toolCalls.length, 1);
      assert.equal(required.toolCalls[0].name, "run_tests");
      assert.ok(["fast", "full"].includes(required.toolCalls[0].arguments.mode as string), JSON.stringify(required));
      // And back to free answers: the next step's wrapper is the model's own again.
      const after = await step(client, request("after"));
      assert.equal(after.text, "Hello there", JSON.stringify(after));
    } finally {
      await client.stop();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
