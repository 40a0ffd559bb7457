/**
 * An agent turn against a real llama-server with `--jinja`: a generated model on Qwen3-Coder's real template and
 * vocabulary writes `<function=list_directory>`, llama-server's lazy tool-call grammar engages and writes the
 * parameter's frame, the server returns OpenAI `tool_calls`, and Hearth runs the tool and sends the result back. The
 * second step reuses the server's KV cache (its `cached_tokens`).
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { AgentRunRequest } from "../../server/src/shared/agentProtocol";
import { templateModelPath } from "../fixtures/gguf/templateModel";
import { LlamaServerProcess, llamaServerBinary } from "../fixtures/llamaServer";
import { LspTestClient } from "../lsp/lspTestClient";

describe("agent mode on llama-server (--jinja tool calls)", function () {
  this.timeout(120_000);
  let server: LlamaServerProcess;

  before(async function () {
    this.timeout(30 * 60_000); // the first run builds llama-server
    server = await LlamaServerProcess.start(llamaServerBinary(), await templateModelPath("qwen3-coder-tools"), {
      extraArgs: ["--jinja"],
    });
  });
  after(async () => {
    await server?.stop();
  });

  it("a tool call from llama-server parses, runs, and its result goes back; the next step reuses the cache", async () => {
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
      const [first, second] = result.usage;
      assert.ok(second.promptTokens > first.promptTokens, JSON.stringify(result.usage));
      assert.ok(
        second.evaluatedPromptTokens >= 0 && second.evaluatedPromptTokens < second.promptTokens - first.promptTokens + 40,
        JSON.stringify(result.usage),
      );
    } finally {
      await client.stop();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
