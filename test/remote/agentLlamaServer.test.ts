/**
 * Agent turns against a real llama-server with `--jinja`. A generated model on Qwen3-Coder's real template and
 * vocabulary writes `<function=list_directory>`, llama-server's lazy tool-call grammar engages and writes the
 * parameter's frame, the server returns OpenAI `tool_calls`, and Hearth runs the tool and sends the result back. The
 * second step reuses the server's KV cache (its `cached_tokens`). A model on Qwen3's template thinks before its call:
 * llama-server splits the thought off as `reasoning_content`, and Hearth sends it back with the call, as the template
 * needs to render the step the way the model wrote it.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { AgentRunRequest, type AgentRunResult } from "../../server/src/shared/agentProtocol";
import { type TemplateFixtureName, templateModelPath } from "../fixtures/gguf/templateModel";
import { LlamaServerProcess, llamaServerBinary } from "../fixtures/llamaServer";
import { LspTestClient } from "../lsp/lspTestClient";

/** Two list_directory calls (the loop limit) on a workspace holding main.ts. */
async function listTwice(server: LlamaServerProcess): Promise<AgentRunResult> {
  const folder = mkdtempSync(join(tmpdir(), "hearth-agent-ls-"));
  writeFileSync(join(folder, "main.ts"), "console.log(1);\n");
  const client = await LspTestClient.start(
    {
      engine: "remote",
      remote: { url: server.url, api: "llama-server" },
      agent: { maxToolCalls: 2 },
      chat: { temperature: 0 },
    },
    "pull",
    pathToFileURL(folder).toString(),
  );
  try {
    const result = await client.connection.sendRequest(AgentRunRequest.type, {
      chatId: "ls",
      messages: [{ role: "user", content: "What is in this folder?" }],
      context: [],
      readOnly: true,
    });
    assert.equal(result.stopReason, "loopLimit", JSON.stringify(result));
    assert.deepEqual(
      result.steps.map((step) => [step.call.name, step.call.arguments, step.result.content]),
      [
        ["list_directory", { path: "." }, "main.ts"],
        ["list_directory", { path: "." }, "main.ts"],
      ],
    );
    return result;
  } finally {
    await client.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

function onLlamaServer(fixture: TemplateFixtureName, body: (server: () => LlamaServerProcess) => void): void {
  let server: LlamaServerProcess;
  before(async function () {
    this.timeout(30 * 60_000); // the first run builds llama-server
    server = await LlamaServerProcess.start(llamaServerBinary(), await templateModelPath(fixture), {
      extraArgs: ["--jinja"],
    });
  });
  after(async () => {
    await server?.stop();
  });
  body(() => server);
}

describe("agent mode on llama-server (--jinja tool calls)", function () {
  this.timeout(120_000);

  onLlamaServer("qwen3-coder-tools", (server) => {
    it("a tool call from llama-server parses, runs, and its result goes back; the next step reuses the cache", async () => {
      const [first, second] = (await listTwice(server())).usage;
      assert.ok(second.promptTokens > first.promptTokens, JSON.stringify([first, second]));
      assert.ok(
        second.evaluatedPromptTokens >= 0 && second.evaluatedPromptTokens < second.promptTokens - first.promptTokens + 40,
        JSON.stringify([first, second]),
      );
    });
  });
});

describe("agent mode on llama-server with a thinking model (reasoning_content)", function () {
  this.timeout(120_000);

  onLlamaServer("qwen3-thinking-tools-server", (server) => {
    it("the thought comes apart from the call, goes back with it, and the step is rendered as it was written", async () => {
      const result = await listTwice(server());
      const [first, second] = result.usage;
      console.log(`      usage: ${JSON.stringify(result.usage)}`);
      assert.ok(!/think>|Pondering/.test(result.answer), result.answer);
      // What the server had generated (the thought, the call) is still in its cache only if the template renders
      // the step with the same thought: sent back as reasoning_content, nothing but the tool result is new.
      assert.ok(second.evaluatedPromptTokens >= 0, JSON.stringify([first, second]));
      assert.ok(
        second.evaluatedPromptTokens <= second.promptTokens - first.promptTokens - first.generatedTokens + 8,
        JSON.stringify([first, second]),
      );
    });
  });
});

describe("agent mode on llama-server with GLM-4.7-Flash's template (its own call format)", function () {
  this.timeout(120_000);

  onLlamaServer("glm-4.7-tools-server", (server) => {
    it("llama-server reads the `<arg_key>`/`<arg_value>` call into OpenAI tool_calls, and the thought apart", async () => {
      const result = await listTwice(server());
      assert.ok(!/think>|Pondering|arg_key/.test(result.answer), result.answer);
    });
  });
});
