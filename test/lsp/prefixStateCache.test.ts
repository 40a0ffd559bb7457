/**
 * VS Code's agent's long prefix survives a restart: through the real language server and a generated local model,
 * a provider step saves its sequence's state beside the models folder, a second server (same model file, same
 * settings) loads it and a new conversation evaluates only what follows the prefix. A state made with another model
 * file (here: the same file touched) is deleted and never loaded, and one that fails to load is deleted too; both
 * requests go on cold.
 */
import { strict as assert } from "node:assert";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { MIN_PREFIX_TOKENS } from "../../server/src/engine/local/prefixStateCache";
import { type LmStepParams, LmStepRequest, type LmStepResult, type LmTool } from "../../server/src/shared/lmProtocol";
import { templateModelPath } from "../fixtures/gguf/templateModel";
import { LspTestClient, type TestSettings } from "./lspTestClient";

const FIXTURE = "qwen3-thinking-tools";

/** Like VS Code's agent: a long system prompt and tools, the same in every conversation (over MIN_PREFIX_TOKENS). */
const AGENT_SYSTEM = Array.from(
  { length: 130 },
  (_, index) => `Rule ${index + 1}: keep each edit small, read a file before changing it, and say why you changed it.`,
).join("\n");
const AGENT_TOOLS: LmTool[] = Array.from({ length: 8 }, (_, index) => ({
  name: `workspace_tool_${index}`,
  description: `Workspace tool number ${index}: reads, searches or edits files of the workspace as its name says.`,
  inputSchema: { type: "object", properties: { filePath: { type: "string" } }, required: ["filePath"] },
}));

const agentRequest = (stepId: string, question: string): LmStepParams => ({
  stepId,
  messages: [
    { role: "system", text: AGENT_SYSTEM },
    { role: "user", text: question },
  ],
  tools: AGENT_TOOLS,
  maxOutputTokens: 8,
});

describe("VS Code's chat's prefix state, saved to disk and loaded after a restart", function () {
  this.timeout(300_000);
  let folder: string;
  let modelPath: string;
  let cacheDirectory: string;

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), "hearth-prefix-state-"));
    // A copy of its own: the tests touch it.
    modelPath = join(folder, "model.gguf");
    copyFileSync(await templateModelPath(FIXTURE), modelPath);
    // The server keeps prefix states beside the default models folder the client names.
    cacheDirectory = join(folder, "storage", "prefix-cache");
  });

  after(() => rmSync(folder, { recursive: true, force: true }));

  const sidecars = () => (existsSync(cacheDirectory) ? readdirSync(cacheDirectory).filter((name) => name.endsWith(".json")) : []);
  const savedKey = () => JSON.parse(readFileSync(join(cacheDirectory, sidecars()[0]), "utf8")).key;

  /** One server's life: a provider step, then (the save runs after the reply) until the state is on disk. */
  async function stepOnFreshServer(
    params: LmStepParams,
    savePromptState = true,
  ): Promise<{ result: LmStepResult; logs: string }> {
    const settings = {
      lm: { savePromptState },
      chat: { model: modelPath, temperature: 0, maxTokens: 64 },
      completion: { enabled: false },
      local: { threads: 1 },
      defaultModelsDirectory: join(folder, "storage", "models"),
    } as TestSettings;
    const client = await LspTestClient.start(settings, "initializationOptions", pathToFileURL(folder).toString());
    try {
      const result = await client.connection.sendRequest(LmStepRequest.type, params);
      const deadline = Date.now() + (savePromptState ? 60_000 : 3_000);
      while (!/Saved the prompt state|Could not save/.test(client.logs.join("")) && Date.now() < deadline) {
        if (sidecars().length > 0 && /Loaded the saved prompt state/.test(client.logs.join(""))) break; // nothing new
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return { result, logs: client.logs.join("") };
    } finally {
      await client.stop();
    }
  }

  it("a restarted server loads the saved prefix: a new conversation evaluates only what follows it", async () => {
    const first = await stepOnFreshServer(agentRequest("conversation-1", "What is in this folder?"));
    assert.ok(first.result.promptTokens > MIN_PREFIX_TOKENS + 100, `the prefix is ${first.result.promptTokens} tokens`);
    assert.equal(first.result.evaluatedPromptTokens, first.result.promptTokens, "the first server starts cold");
    assert.match(first.logs, /Saved the prompt state for VS Code's Chat: \d+ tokens/, first.logs);
    assert.equal(sidecars().length, 1);

    const second = await stepOnFreshServer(agentRequest("conversation-2", "Which files are here?"));
    assert.match(second.logs, /Loaded the saved prompt state/, second.logs);
    assert.ok(
      second.result.evaluatedPromptTokens > 0 && second.result.evaluatedPromptTokens <= 16,
      `after a restart the new conversation evaluated ${second.result.evaluatedPromptTokens} of ${second.result.promptTokens} prompt tokens`,
    );
  });

  it("never loads a state saved for another model file (the same path, touched): it is deleted, the step goes on cold", async () => {
    assert.equal(sidecars().length, 1, "the test above saved a state");
    const before = savedKey();
    const later = new Date(Date.now() + 60_000);
    utimesSync(modelPath, later, later);
    const step = await stepOnFreshServer(agentRequest("conversation-3", "Which files are here?"));
    assert.doesNotMatch(step.logs, /Loaded the saved prompt state/, step.logs);
    assert.match(step.logs, /made with another model file or settings: deleted/, step.logs);
    assert.equal(step.result.evaluatedPromptTokens, step.result.promptTokens, "the step ran cold");
    // Saved again, for the touched file.
    assert.notEqual(savedKey().modelModifiedMs, before.modelModifiedMs);
  });

  it("a state that fails to load is deleted and the step goes on cold", async () => {
    const state = join(cacheDirectory, sidecars()[0].replace(/\.json$/, ".state"));
    writeFileSync(state, Buffer.alloc(4096, 7));
    const step = await stepOnFreshServer(agentRequest("conversation-4", "Which files are here?"));
    assert.match(step.logs, /Could not load the saved prompt state/, step.logs);
    assert.equal(step.result.evaluatedPromptTokens, step.result.promptTokens, "the step ran cold");
    assert.match(step.logs, /Saved the prompt state for VS Code's Chat/, step.logs);
  });

  it("with hearth.lm.savePromptState off, what was saved is deleted and nothing is saved or loaded", async () => {
    assert.equal(sidecars().length, 1, "the tests above saved a state");
    const step = await stepOnFreshServer(agentRequest("conversation-5", "Which files are here?"), false);
    assert.doesNotMatch(step.logs, /Loaded the saved prompt state|Saved the prompt state/, step.logs);
    assert.equal(step.result.evaluatedPromptTokens, step.result.promptTokens, "the step ran cold");
    assert.equal(existsSync(cacheDirectory), false, "the saved states are gone");
  });
});
