/**
 * Hearth's model in VS Code's chat, made for the agent's size, through the real language server and a generated
 * local model: the provider's requests get a context of their own (hearth.lm.contextSize, made at the first one),
 * a new conversation with the agent's long system prompt and tools evaluates only what follows them even after a
 * Hearth chat turn and a title request in between, a request larger than that context is refused with the numbers,
 * the models list reports the context requests really get, and token counts are the chat model's own.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { ResponseError } from "vscode-languageserver-protocol";
import { loadLlamaModule } from "../../server/src/engine/local/llamaRuntime";
import { HearthErrorCodes } from "../../server/src/shared/errors";
import {
  LmModelsRequest,
  type LmStepParams,
  LmStepRequest,
  LmTokenCountRequest,
  type LmTool,
} from "../../server/src/shared/lmProtocol";
import { templateModelPath } from "../fixtures/gguf/templateModel";
import { LspTestClient } from "./lspTestClient";

const FIXTURE = "qwen3-thinking-tools";
/** The generated model is trained for 8,192 tokens: the default 16,384 is capped to it. */
const TRAIN_CONTEXT = 8192;
const MAX_TOKENS = 256;
const TEMPLATE_MARGIN = 16;

const LIST_DIRECTORY: LmTool = {
  name: "list_directory",
  description: "Lists a folder.",
  inputSchema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
};

/** Like VS Code's agent: a long system prompt and many tools, the same in every conversation (~2,000 tokens). */
const AGENT_SYSTEM = Array.from(
  { length: 90 },
  (_, index) => `Rule ${index + 1}: keep each edit small, read a file before changing it, and say why you changed it.`,
).join("\n");
const AGENT_TOOLS: LmTool[] = [
  LIST_DIRECTORY,
  ...Array.from({ length: 12 }, (_, index) => ({
    name: `workspace_tool_${index}`,
    description: `Workspace tool number ${index}: reads, searches or edits files of the workspace as its name says.`,
    inputSchema: {
      type: "object",
      properties: { filePath: { type: "string", description: "The file." }, query: { type: "string" } },
      required: ["filePath"],
    },
  })),
];

const agentRequest = (stepId: string, question: string): LmStepParams => ({
  stepId,
  messages: [
    { role: "system", text: AGENT_SYSTEM },
    { role: "user", text: question },
  ],
  tools: AGENT_TOOLS,
});

describe("VS Code's chat on the local engine: a context made for the agent's size", function () {
  this.timeout(240_000);
  let client: LspTestClient;
  let folder: string;

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), "hearth-lm-context-"));
    client = await LspTestClient.start(
      {
        chat: { model: await templateModelPath(FIXTURE), temperature: 0, maxTokens: MAX_TOKENS },
        completion: { enabled: false },
        local: { threads: 1 },
      },
      "pull",
      pathToFileURL(folder).toString(),
    );
  });

  after(async () => {
    await client.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  const step = (params: LmStepParams) => client.connection.sendRequest(LmStepRequest.type, params);
  const models = () => client.connection.sendRequest(LmModelsRequest.type);
  const count = (text: string) => client.connection.sendRequest(LmTokenCountRequest.type, { text });
  const madeLog = /Made the context for VS Code's Chat on .*: 2 sequences of (\d+) tokens/;

  it("counts tokens with the chat model's own tokenizer once it is loaded, and never loads it for a count", async () => {
    const text = "function add(a, b) { return a + b; } // adds two numbers\n\tconsole.log(add(1, 2));";
    const before = await count(text);
    assert.deepEqual(before, { tokens: Math.ceil(text.length / 4), exact: false });
    assert.ok(
      !client.statuses.some((status) => status.role === "chat" && status.state === "loading"),
      "a count loaded the model",
    );

    // Hearth's own chat loads the model (and makes no context for VS Code's chat).
    await client.chat("hearth-chat", [{ role: "user", content: "Hello" }]);
    const { getLlama } = await loadLlamaModule();
    const llama = await getLlama({ gpu: false, build: "never" });
    const vocabulary = await llama.loadModel({ modelPath: await templateModelPath(FIXTURE), vocabOnly: true });
    try {
      const expected = vocabulary.tokenize(text).length;
      assert.notEqual(expected, Math.ceil(text.length / 4), "pick a text the estimate gets wrong");
      assert.deepEqual(await count(text), { tokens: expected, exact: true });
      assert.deepEqual(await count(AGENT_SYSTEM), { tokens: vocabulary.tokenize(AGENT_SYSTEM).length, exact: true });
    } finally {
      await vocabulary.dispose();
    }
    assert.doesNotMatch(client.logs.join(""), madeLog, "Hearth's chat made the provider's context");
  });

  it("lists the context provider requests get: hearth.lm.contextSize capped to the model's, then the one made", async () => {
    const expected = { maxInputTokens: TRAIN_CONTEXT - MAX_TOKENS - TEMPLATE_MARGIN, maxOutputTokens: MAX_TOKENS };
    const [listed] = await models();
    assert.deepEqual({ maxInputTokens: listed.maxInputTokens, maxOutputTokens: listed.maxOutputTokens }, expected);
    await step(agentRequest("warm", "What is in this folder?"));
    const made = madeLog.exec(client.logs.join(""));
    assert.equal(Number(made?.[1]), TRAIN_CONTEXT, client.logs.join(""));
    const [after] = await models();
    assert.deepEqual({ maxInputTokens: after.maxInputTokens, maxOutputTokens: after.maxOutputTokens }, expected);
  });

  it("a new conversation evaluates only what follows the shared prefix, after a Hearth chat turn and a title request", async () => {
    const first = await step(agentRequest("conversation-1", "What is in this folder?"));
    assert.equal(first.stopReason, "toolCalls", JSON.stringify(first));
    assert.ok(first.promptTokens > 1500, `the agent's prefix is ${first.promptTokens} tokens`);
    // Hearth's own chat runs on the chat model's own context, a title request (other instructions) on the other sequence.
    await client.chat("hearth-chat-2", [{ role: "user", content: "Explain recursion." }]);
    const title = await step({
      stepId: "title",
      messages: [
        { role: "system", text: "You write a short title for a chat conversation. Keep it under ten words." },
        { role: "user", text: "Name this conversation: What is in this folder?" },
      ],
      tools: [LIST_DIRECTORY],
    });
    assert.ok(title.promptTokens > 0, JSON.stringify(title));
    const second = await step(agentRequest("conversation-2", "Which files are here?"));
    assert.ok(second.promptTokens > 1500, JSON.stringify(second));
    // Only the new question and the template's tokens around it.
    assert.ok(
      second.evaluatedPromptTokens > 0 && second.evaluatedPromptTokens <= 16,
      `the new conversation evaluated ${second.evaluatedPromptTokens} of ${second.promptTokens} prompt tokens`,
    );
  });

  it("honours a request's maxOutputTokens", async () => {
    // Unbounded, the model would think and then call list_directory; three tokens end it in the thought.
    const result = await step({ ...agentRequest("short", "What is in this folder?"), maxOutputTokens: 3 });
    assert.equal(result.stopReason, "maxTokens", JSON.stringify(result));
    assert.ok(result.generatedTokens <= 3, JSON.stringify(result));
  });

  it("refuses a request larger than its context, saying what it needs and what the context holds", async () => {
    const huge = `${AGENT_SYSTEM}\n${AGENT_SYSTEM}\n${AGENT_SYSTEM}\n${AGENT_SYSTEM}\n${AGENT_SYSTEM}`;
    await assert.rejects(
      step({
        ...agentRequest("too-large", "Hi"),
        messages: [
          { role: "system", text: huge },
          { role: "user", text: "Hi" },
        ],
      }),
      (error: ResponseError<{ fix?: string; setting?: string }>) => {
        assert.equal(error.code, HearthErrorCodes.chatModel, error.message);
        assert.match(
          error.message,
          new RegExp(`needs \\d+ tokens .*; Hearth's context for VS Code's Chat holds ${TRAIN_CONTEXT}\\.`),
        );
        const needed = Number(/needs (\d+) tokens/.exec(error.message)?.[1]);
        assert.ok(needed > TRAIN_CONTEXT, error.message);
        assert.equal(error.data?.setting, "hearth.lm.contextSize");
        assert.match(error.data?.fix ?? "", /hearth\.lm\.contextSize/);
        return true;
      },
    );
    // The context is still there for the next request, which fits.
    const after = await step(agentRequest("after-refusal", "What is in this folder?"));
    assert.equal(after.stopReason, "toolCalls", JSON.stringify(after));
  });
});
