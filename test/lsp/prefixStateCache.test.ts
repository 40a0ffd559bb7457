/**
 * VS Code's agent's long prefix survives a restart: through the real language server and a generated local model,
 * a provider step saves its sequence's state beside the models folder at the moment it holds exactly the
 * instructions and tools (nothing of the conversation), a second server (same model file, same settings) loads it,
 * ahead of any request once VS Code's chat lists the models, and a new conversation evaluates only what follows the
 * prefix. A changed tool list replaces the state. A state made with another model file (here: the same file
 * touched) is deleted and never loaded, one that fails to load is deleted too (both requests go on cold), and one
 * whose model file is gone is deleted when a server starts.
 */
import { strict as assert } from "node:assert";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { MIN_PREFIX_TOKENS } from "../../server/src/engine/local/prefixStateCache";
import {
  LmModelsRequest,
  type LmStepParams,
  LmStepRequest,
  type LmStepResult,
  type LmTool,
} from "../../server/src/shared/lmProtocol";
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

const EXTRA_TOOL: LmTool = {
  name: "run_tests",
  description: "Runs the workspace's tests and reports the failures.",
  inputSchema: { type: "object", properties: { filter: { type: "string" } } },
};

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

  /** One server's life: optionally VS Code's chat listing the models first, then provider steps. */
  async function onFreshServer(
    steps: LmStepParams[],
    options: { savePromptState?: boolean; listFirst?: boolean; model?: string } = {},
  ): Promise<{ results: LmStepResult[]; logs: string; beforeSteps: string }> {
    const settings = {
      lm: { savePromptState: options.savePromptState ?? true },
      chat: { model: options.model ?? modelPath, temperature: 0, maxTokens: 64 },
      completion: { enabled: false },
      local: { threads: 1 },
      defaultModelsDirectory: join(folder, "storage", "models"),
    } as TestSettings;
    const client = await LspTestClient.start(settings, "initializationOptions", pathToFileURL(folder).toString());
    try {
      if (options.listFirst) {
        await client.connection.sendRequest(LmModelsRequest.type);
        const deadline = Date.now() + 60_000;
        while (!/ahead of its first request|not loaded ahead/.test(client.logs.join("")) && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const beforeSteps = client.logs.join("");
      const results: LmStepResult[] = [];
      // The save is part of the step: its log arrives before the step's result.
      for (const params of steps) results.push(await client.connection.sendRequest(LmStepRequest.type, params));
      return { results, logs: client.logs.join(""), beforeSteps };
    } finally {
      await client.stop();
    }
  }
  const stepOnFreshServer = async (params: LmStepParams, savePromptState = true) => {
    const { results, logs } = await onFreshServer([params], { savePromptState });
    return { result: results[0], logs };
  };
  const savedCount = (logs: string) => Number(/Saved the prompt state for VS Code's Chat: (\d+) tokens/.exec(logs)?.[1]);

  it("a restarted server loads the saved prefix: a new conversation evaluates only what follows it", async () => {
    // A long first question (like the workspace summary VS Code's agent sends), which the state must not hold.
    const question = `What is in this folder? ${"It holds the project's sources, tests and notes. ".repeat(40)}`;
    const first = await stepOnFreshServer(agentRequest("conversation-1", question));
    assert.ok(first.result.promptTokens > MIN_PREFIX_TOKENS + 400, `the prompt is ${first.result.promptTokens} tokens`);
    assert.equal(first.result.evaluatedPromptTokens, first.result.promptTokens, "the first server starts cold");
    assert.match(first.logs, /Saved the prompt state for VS Code's Chat: \d+ tokens/, first.logs);
    assert.equal(sidecars().length, 1);
    // Only the instructions and tools: the question's 400-odd tokens are not in it.
    const saved = savedCount(first.logs);
    assert.ok(
      saved >= MIN_PREFIX_TOKENS && saved < first.result.promptTokens - 400,
      `saved ${saved} of ${first.result.promptTokens}`,
    );
    assert.equal(JSON.parse(readFileSync(join(cacheDirectory, sidecars()[0]), "utf8")).tokens.length, saved);

    const second = await stepOnFreshServer(agentRequest("conversation-2", "Which files are here?"));
    assert.match(second.logs, /Loaded the saved prompt state/, second.logs);
    assert.ok(
      second.result.evaluatedPromptTokens > 0 && second.result.evaluatedPromptTokens <= 16,
      `after a restart the new conversation evaluated ${second.result.evaluatedPromptTokens} of ${second.result.promptTokens} prompt tokens`,
    );
  });

  it("loads the saved prefix ahead of the first request once VS Code's chat lists the models, and replaces it when the tools change", async () => {
    const saved = JSON.parse(readFileSync(join(cacheDirectory, sidecars()[0]), "utf8")).tokens as number[];
    const moreTools = { ...agentRequest("conversation-b", "Which files are here?"), tools: [...AGENT_TOOLS, EXTRA_TOOL] };
    const { results, logs, beforeSteps } = await onFreshServer(
      [agentRequest("conversation-a", "Which files are here?"), moreTools],
      { listFirst: true },
    );
    // Listing the models loaded the chat model and the state: no request had come yet.
    assert.match(beforeSteps, new RegExp(`ahead of its first request: ${saved.length} tokens`), beforeSteps);
    const [ahead, changed] = results;
    assert.ok(
      ahead.evaluatedPromptTokens > 0 && ahead.evaluatedPromptTokens <= 16,
      `the first request evaluated ${ahead.evaluatedPromptTokens} of ${ahead.promptTokens} prompt tokens`,
    );
    assert.doesNotMatch(logs, /Loaded the saved prompt state for VS Code's Chat: \d+ of/, "loaded once, ahead");
    // The tool list changed: the prefix that now comes first replaced the old one.
    assert.ok(changed.evaluatedPromptTokens > 16, `the new tools were evaluated (${changed.evaluatedPromptTokens})`);
    const replaced = JSON.parse(readFileSync(join(cacheDirectory, sidecars()[0]), "utf8")).tokens as number[];
    assert.equal(sidecars().length, 1);
    assert.notDeepEqual(replaced, saved);
    assert.equal(savedCount(logs.slice(beforeSteps.length)), replaced.length);
  });

  it("deletes a saved state whose model file is gone when a server starts", async () => {
    const other = join(folder, "other.gguf");
    copyFileSync(modelPath, other);
    await onFreshServer([agentRequest("conversation-o", "Which files are here?")], { model: other });
    assert.equal(sidecars().length, 2, "one state per model file");
    rmSync(other);
    // Pruned as the server starts; the step (whose prefix is saved already) only gives it the time.
    const { logs } = await onFreshServer([agentRequest("conversation-p", "Which files are here?")]);
    assert.match(logs, /Deleted 2 saved prompt state files that no model file matches/, logs);
    assert.equal(sidecars().length, 1, "the state of the model still there is kept");
  });

  it("never loads a state saved for another model file (the same path, touched): it is deleted, the step goes on cold", async () => {
    // Deleted when the server starts (prune), or at the latest when the step reads its key.
    assert.equal(sidecars().length, 1, "the test above saved a state");
    const before = savedKey();
    const later = new Date(Date.now() + 60_000);
    utimesSync(modelPath, later, later);
    const step = await stepOnFreshServer(agentRequest("conversation-3", "Which files are here?"));
    assert.doesNotMatch(step.logs, /Loaded the saved prompt state/, step.logs);
    assert.match(
      step.logs,
      /made with another model file or settings: deleted|Deleted 2 saved prompt state files that no model file matches/,
      step.logs,
    );
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
