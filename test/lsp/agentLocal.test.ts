/**
 * Agent mode on the local engine: generated models with real chat templates and vocabularies start a tool call in
 * their template's format (Llama 3.1's `<function=list`; Qwen2.5's `<tool_call>\n{"name": "list`, which needs a
 * model that sees two tokens), node-llama-cpp's grammar writes the rest, and the call parses and runs, by
 * construction. The second step evaluates only what the first didn't (the KV cache is kept across tool calls).
 * Reasoning templates (Qwen3 thinking, R1-Distill through node-llama-cpp's DeepSeek wrapper, `<think>\n` forced):
 * the thought stays out of the answer and goes back into the next step's prompt, so the cache holds past it too.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type AgentEvent, AgentEventNotification, AgentRunRequest } from "../../server/src/shared/agentProtocol";
import { templateModelPath } from "../fixtures/gguf/templateModel";
import { LspTestClient } from "./lspTestClient";

describe("agent mode on the local engine (grammar-constrained calls)", function () {
  this.timeout(180_000);

  for (const [fixture, template] of [
    ["llama-3.1-tools", /chat template: Llama 3\.1/],
    ["qwen2.5-tools", /chat template: Qwen/],
    ["qwen3-tools", /chat template: Qwen/],
    ["qwen3-thinking-tools", /chat template: Qwen/],
    ["r1-distill-tools", /chat template: DeepSeek/],
    ["gpt-oss-tools", /chat template: Harmony/],
    // Qwen3.5's template and wrapper, which Qwen3.6 keeps: its XML-like call, the thought opened by the prompt, and
    // opened again after a tool's result as the template does.
    ["qwen3.5-tools", /chat template: Qwen/],
  ] as const)
    it(`${fixture}: a call the model starts is completed by the grammar, parses, runs, and the next step reuses the KV cache`, async () => {
      const folder = mkdtempSync(join(tmpdir(), "hearth-agent-local-"));
      writeFileSync(join(folder, "main.ts"), "console.log(1);\n");
      const client = await LspTestClient.start(
        {
          chat: { model: await templateModelPath(fixture), temperature: 0 },
          local: { threads: 1 },
          agent: { maxToolCalls: 2 },
        },
        "pull",
        pathToFileURL(folder).toString(),
      );
      const events: AgentEvent[] = [];
      client.connection.onNotification(AgentEventNotification.type, (event) => {
        events.push(event);
      });
      try {
        const result = await client.connection.sendRequest(AgentRunRequest.type, {
          chatId: "local",
          messages: [{ role: "user", content: "What is in this folder?" }],
          context: [],
          readOnly: true,
        });
        assert.match(client.logs.join(""), template);
        assert.equal(result.stopReason, "loopLimit", JSON.stringify(result));
        assert.deepEqual(
          result.steps.map((step) => [step.call.name, step.call.arguments]),
          [
            ["list_directory", { path: "." }],
            ["list_directory", { path: "." }],
          ],
        );
        assert.equal(result.steps[0].result.content, "main.ts");
        // A thought is told apart from the answer by the template's own tags.
        assert.doesNotMatch(result.answer, /think>/);
        assert.ok(!result.steps[0].result.isError);
        assert.equal(events.filter((event) => event.kind === "toolResult").length, 2);
        // Step 2's prompt is step 1's plus the call and its result: only those are evaluated.
        const [first, second] = result.usage;
        assert.ok(first.evaluatedPromptTokens >= first.promptTokens - 1, JSON.stringify(result.usage));
        assert.ok(second.promptTokens > first.promptTokens, JSON.stringify(result.usage));
        // What step 1 generated is reused too, up to where the grammar's tokens differ from the template's
        // rendering of the call: a thought before the call only if it is carried back as the template requires.
        const reusedOfStep1 = second.promptTokens - second.evaluatedPromptTokens - first.promptTokens;
        assert.ok(reusedOfStep1 >= 10, JSON.stringify(result.usage));
      } finally {
        await client.stop();
        rmSync(folder, { recursive: true, force: true });
      }
    });
});
