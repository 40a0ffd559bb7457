/**
 * Hearth's model in VS Code's own Chat (code-server 4.139.1, which bundles it), against a scripted OpenAI-compatible
 * engine on 127.0.0.1: the model in the picker; an Ask reply streamed; an Agent-mode tool round trip (VS Code's agent
 * offers its ~40 tools, the model calls read_file, VS Code runs it and sends the result back); an inline chat (Ctrl+I)
 * edit applied. Then, with the settings switched to the local engine, an Ask answered by a generated model. One
 * code-server session for all of them.
 *
 * VS Code's chat needs `chat.disableAIFeatures: false` (the other UI suites turn it off) and, with no GitHub account,
 * `chat.allowAnonymousAccess: true`; the utility models (chat titles, progress messages) are Hearth's too. Without a
 * Copilot plan the mode picker offers Agent only: Ask is reached as a user can, through a key bound to
 * `workbench.action.chat.open` with `{ mode: "ask" }`.
 */
import { strict as assert } from "node:assert";
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { CHAT_SCRIPTS } from "../fixtures/gguf/bigramModel";
import { bigramModelPath } from "../fixtures/gguf/testModels";
import { type ScriptedReply, type ScriptedRequest, ScriptedToolEngine } from "../fixtures/scriptedToolEngine";
import { CodeServerSession } from "./codeServerSession";
import { packageVsix, provisionedTools, remoteChatSettings, uiFailurePolicy } from "./setup";
import { Workbench } from "./workbench";

const ROOT = join(__dirname, "..", "..");
const MATH = "export function add(a: number, b: number): number {\n  return a - b;\n}\n";
const FIXED = MATH.replace("a - b", "a + b");
/** The scripted engine's model as VS Code lists it (server/src/lm: "Hearth · <model> (<where>)"). */
const MODEL = "Hearth · chat (remote)";
const ASK_KEY = "Control+Alt+Shift+A";
const AGENT_KEY = "Control+Alt+Shift+G";

/** VS Code's chat on, without a GitHub account, with Hearth's model for its utility requests too. */
const VSCODE_CHAT = {
  "chat.disableAIFeatures": false,
  "chat.allowAnonymousAccess": true,
  // Stored as vendor/id: titles and progress messages come from Hearth too, and no "Set BYOK utility models" banner.
  "chat.utilityModel": "hearth/chat",
  "chat.utilitySmallModel": "hearth/chat",
};

const systemOf = (request: ScriptedRequest) => request.messages.find((m) => m.role === "system")?.content ?? "";
const userText = (request: ScriptedRequest) =>
  request.messages
    .filter((m) => m.role === "user")
    .map((m) => m.content ?? "")
    .join("\n");
const toolNames = (request: ScriptedRequest) => (request.tools ?? []).map((tool) => tool.function.name);

describe("Hearth's model in VS Code's own Chat", function () {
  this.timeout(120_000);
  let session: CodeServerSession;
  let workbench: Workbench;
  let engine: ScriptedToolEngine;
  /** Holds the Ask reply's second piece until the test has seen the first on screen. */
  let releaseAsk = () => {};

  before(async function () {
    this.timeout(600_000);
    engine = new ScriptedToolEngine((request) => script(request));
    const url = await engine.listen();
    session = await CodeServerSession.start({
      tools: provisionedTools(),
      vsix: packageVsix(),
      settings: { ...remoteChatSettings(url), ...VSCODE_CHAT },
      keybindings: [
        { key: "ctrl+alt+shift+a", command: "workbench.action.chat.open", args: { mode: "ask" } },
        { key: "ctrl+alt+shift+g", command: "workbench.action.chat.open", args: { mode: "agent" } },
      ],
      files: { "math.ts": MATH },
    });
    workbench = new Workbench(session.page);
  });

  uiFailurePolicy(this, () => session, "VS Code chat ");

  after(async () => {
    releaseAsk();
    await session?.stop();
    engine?.close();
  });

  /** What the "model" answers: VS Code's utility requests, then each test's question. */
  function script(request: ScriptedRequest): ScriptedReply {
    if (/titles/.test(systemOf(request))) return { content: "Hearth in VS Code's chat" };
    if (/progress messages/.test(systemOf(request))) return { content: '["Thinking it over"]' };
    const asked = userText(request);
    if (/explain add in a line/i.test(asked)) {
      const until = new Promise<void>((resolve) => {
        releaseAsk = resolve;
      });
      return { content: "Streaming from Hearth, word by word. ", more: { until, content: "add returns a - b." } };
    }
    if (/what does add return/i.test(asked)) {
      if (!request.messages.some((m) => m.role === "tool")) {
        const filePath = join(session.workspace, "math.ts");
        return { toolCalls: [{ name: "read_file", arguments: JSON.stringify({ filePath, startLine: 1, endLine: 3 }) }] };
      }
      return { content: "add returns a - b: it subtracts. Rename it, or make it return a + b." };
    }
    // Inline chat: its one tool. (Anything else gets text: a stray call would loop the agent.)
    if (toolNames(request).join() === "replace_string_in_file") {
      const filePath = join(session.workspace, "math.ts");
      const edit = { filePath, oldString: "  return a - b;", newString: "  return a + b;" };
      return { toolCalls: [{ name: "replace_string_in_file", arguments: JSON.stringify(edit) }] };
    }
    return { content: "Unscripted request." };
  }

  const chatView = () => session.page.locator(".part.auxiliarybar");
  const lastResponse = () => chatView().locator(".interactive-response").last();

  /** The Chat view's model picker once it shows Hearth's model: the provider has listed it. */
  const pickerWithHearth = (label = `="Models, ${MODEL}"`) =>
    chatView().locator(`.model-picker-item .model-picker-name[aria-label${label}]`);

  /** A new, empty chat in the Chat view, its input focused, Hearth's model chosen (each test also runs alone). */
  async function newChat(picker = pickerWithHearth()): Promise<void> {
    await picker.waitFor({ timeout: 60_000 });
    await chatView().locator('.title-actions .action-label[aria-label^="New Chat"]').first().click();
    await chatView().locator(".interactive-response").first().waitFor({ state: "detached", timeout: 10_000 });
    await chatView().locator(".interactive-input-part .monaco-editor").first().click();
  }

  /** Types a request into the Chat view's input and sends it with the Send button. */
  async function send(text: string): Promise<void> {
    await chatView().locator(".interactive-input-part .monaco-editor").first().click();
    await session.page.keyboard.insertText(text);
    await chatView().locator('.chat-submit-button:not(.disabled) .action-label[aria-label^="Send"]').click();
  }

  it("lists Hearth's model in the model picker", async () => {
    // The picker shows the model chosen once the provider has listed it; then the list must have it too.
    const picker = pickerWithHearth();
    await picker.waitFor({ timeout: 60_000 });
    await picker.click();
    const row = session.page.locator(".chat-model-picker-dropdown .monaco-list-row", { hasText: MODEL });
    try {
      await row.first().waitFor({ timeout: 30_000 });
    } finally {
      await session.page.keyboard.press("Escape");
    }
  });

  it("streams an Ask reply from Hearth's model", async () => {
    const from = engine.requests.length; // a first try's requests are not this one's
    await newChat();
    await session.page.keyboard.press(ASK_KEY);
    await chatView().locator(".chat-mode-picker-item", { hasText: "Ask" }).waitFor({ timeout: 10_000 });
    await send("Explain add in a line");
    // The first words show while the engine still holds the rest of the reply back: it streamed.
    await lastResponse().filter({ hasText: "Streaming from Hearth" }).waitFor({ timeout: 30_000 });
    assert.doesNotMatch((await lastResponse().textContent()) ?? "", /add returns/);
    releaseAsk();
    await lastResponse().filter({ hasText: "add returns a - b." }).waitFor({ timeout: 30_000 });
    const ask = engine.requests
      .slice(from)
      .filter((request) => /explain add in a line/i.test(userText(request)) && !/titles/.test(systemOf(request)));
    assert.equal(ask.length, 1, "one Ask request reached the engine");
    assert.deepEqual(toolNames(ask[0]), [], "Ask offers no tools");
    // The utility model is Hearth's: the chat's title was asked of it too.
    assert.ok(
      engine.requests.slice(from).some((request) => /titles/.test(systemOf(request))),
      "no title request reached Hearth",
    );
  });

  it("runs an Agent-mode tool round trip: VS Code runs the model's read_file and sends the result back", async () => {
    const from = engine.requests.length;
    await newChat();
    await session.page.keyboard.press(AGENT_KEY);
    await chatView().locator(".chat-mode-picker-item", { hasText: "Agent" }).waitFor({ timeout: 10_000 });
    await send("What does add return?");
    await lastResponse().filter({ hasText: "Rename it, or make it return a + b." }).waitFor({ timeout: 60_000 });

    const turn = engine.requests
      .slice(from)
      .filter((request) => /what does add return/i.test(userText(request)) && request.tools?.length);
    assert.equal(turn.length, 2, "the call, then the answer");
    assert.ok(toolNames(turn[0]).length >= 30, `VS Code's agent offered ${toolNames(turn[0]).length} tools`);
    assert.ok(toolNames(turn[0]).includes("read_file"));
    // The tool ran in VS Code and its result went back to the model, after the call it answers.
    const messages = turn[1].messages;
    const call = messages.findIndex((m) => m.role === "assistant" && JSON.stringify(m.tool_calls ?? []).includes("read_file"));
    assert.ok(call >= 0, "the assistant's read_file call is in the next request");
    assert.equal(messages[call + 1]?.role, "tool");
    assert.match(messages[call + 1]?.content ?? "", /return a - b;/);

    await lastResponse().locator(".completed-response-summary").first().click();
    await lastResponse().locator(".chat-tool-invocation-part", { hasText: "math.ts" }).first().waitFor({ timeout: 10_000 });
    if (process.env.HEARTH_UPDATE_SCREENSHOTS === "1") {
      // The README's picture: the file beside a wider Chat view.
      await workbench.openFile("math.ts");
      await workbench.runCommand("View: Toggle Primary Side Bar Visibility");
      const chat = await chatView().boundingBox();
      if (chat) {
        await session.page.mouse.move(chat.x - 2, chat.y + chat.height / 2);
        await session.page.mouse.down();
        await session.page.mouse.move(560, chat.y + chat.height / 2, { steps: 5 });
        await session.page.mouse.up();
      }
      await session.page.screenshot({ path: join(ROOT, "docs", "images", "vscode-chat-agent.png") });
      await workbench.runCommand("View: Toggle Primary Side Bar Visibility");
    }
  });

  it("applies an inline chat (Ctrl+I) edit made with replace_string_in_file", async () => {
    const from = engine.requests.length;
    writeFileSync(join(session.workspace, "math.ts"), MATH); // as a first try may have left it
    await workbench.openFile("math.ts");
    await session.page.locator(".part.editor .view-line", { hasText: "return a - b;" }).waitFor({ timeout: 10_000 });
    await workbench.goTo(2, 3);
    await session.page.keyboard.press("Control+I");
    const widget = session.page.locator(".inline-chat-widget");
    await widget.filter({ hasText: MODEL }).first().waitFor({ timeout: 15_000 });
    await session.page.keyboard.insertText("make add add");
    await session.page.keyboard.press("Enter");
    // The edit shows for review (Keep / Undo); Keep applies it.
    const keep = session.page.locator('.monaco-editor .action-label[aria-label^="Keep"]').first();
    await keep.waitFor({ timeout: 60_000 });
    const inline = engine.requests
      .slice(from)
      .filter((request) => /make add add/.test(userText(request)) && request.tools?.length);
    assert.equal(inline.length, 1);
    assert.deepEqual(toolNames(inline[0]), ["replace_string_in_file"], "inline chat offers exactly one tool");
    await keep.click();
    await session.page.locator(".tab.active:not(.dirty)", { hasText: "math.ts" }).waitFor({ timeout: 15_000 });
    assert.equal(readFileSync(join(session.workspace, "math.ts"), "utf8"), FIXED);
  });

  it("answers an Ask from a generated local model once Hearth runs its local engine", async () => {
    const model = bigramModelPath("qwen", "fix");
    session.writeSettings({
      ...VSCODE_CHAT,
      "hearth.engine": "local",
      "hearth.chat.model": model,
      "hearth.chat.temperature": 0,
      "hearth.completion.enabled": false,
      "hearth.local.threads": 1,
    });
    // The same model id (hearth/chat), now named for the local file.
    await newChat(pickerWithHearth(`^="Models, Hearth · ${basename(model)} (local"`));
    await session.page.keyboard.press(ASK_KEY);
    await send("Fix the first line");
    // Every reply of this model is this line: it came from the model, through its own chat template.
    await lastResponse().filter({ hasText: CHAT_SCRIPTS.fix }).waitFor({ timeout: 90_000 });
  });
});
