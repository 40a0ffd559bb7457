/**
 * Agent mode in a real VS Code (code-server), against a scripted OpenAI-compatible engine on 127.0.0.1 that calls
 * read_file → edit_file → run_command: the edit shows in the file as red and green lines and is written only on
 * Accept; the command is asked first in a modal and its output comes back into the turn; "Undo this turn's edits"
 * restores the file exactly. With hearth.agent.autoApplyEdits on, an edit to a file that can run code
 * (.vscode/tasks.json) is still shown for review, naming the file and why, and written only on Accept. An Enter
 * pressed as a command's dialog opens refuses the command (shown with its invisible characters named), and Stop
 * ends the command's background children too. The rules chip shows AGENTS.md though the repository's own
 * files.exclude hides it (the model reads it all the same), and the turn says which rules it used.
 */
import { strict as assert } from "node:assert";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ScriptedToolEngine, toolResultsIn } from "../fixtures/scriptedToolEngine";
import { CodeServerSession } from "./codeServerSession";
import { packageVsix, provisionedTools, remoteChatSettings as remoteSettings, uiFailurePolicy } from "./setup";
import { Workbench } from "./workbench";

const ROOT = join(__dirname, "..", "..");
const MATH = "export function add(a: number, b: number): number {\n  return a - b;\n}\n";
const FIXED = MATH.replace("a - b", "a + b");
const USE = 'import { add } from "./math";\nexport const three = add(1, 2);\n';
const TASKS = '{\n  "version": "2.0.0",\n  "tasks": []\n}\n';
const FOLDER_OPEN_TASK =
  '  "tasks": [{ "label": "build", "type": "shell", "command": "echo built", "runOptions": { "runOn": "folderOpen" } }]';

/** A command that would leave ran.txt behind, with a right-to-left override the dialog must show. */
const MARKER_COMMAND = "node -e \"require('fs').writeFileSync('ran.txt', 'ran')\" # \u202Etxt.nar";
/** A command whose background child outlives the shell unless the whole process group is killed. */
const BACKGROUND_COMMAND = "sleep 300 & echo $! > sleep.pid; wait";

/** Gone: no such process, or only its zombie is left. */
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
  return existsSync(`/proc/${pid}/stat`) && /^\S+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
}

/** The scripted engine as Hearth's chat model; no ghost text (nothing here is about completions). */

describe("Hearth agent mode in VS Code", function () {
  this.timeout(120_000);
  let session: CodeServerSession;
  let workbench: Workbench;
  let engine: ScriptedToolEngine;
  let settings: Record<string, unknown>;

  before(async function () {
    this.timeout(600_000);
    engine = new ScriptedToolEngine((request) => {
      if (/run the build when the folder opens/.test(request.messages.find((m) => m.role === "user")?.content ?? "")) {
        const edit = (path: string, search: string, replace: string) => ({
          toolCalls: [{ name: "edit_file", arguments: JSON.stringify({ path, search, replace }) }],
        });
        const asked = [
          edit("use.ts", "export const three = add(1, 2);", "export const three = add(1, 2); // 3"),
          edit(".vscode/tasks.json", '  "tasks": []', FOLDER_OPEN_TASK),
          { content: "The build task now runs on folder open." },
        ];
        return asked[Math.min(toolResultsIn(request), asked.length - 1)];
      }
      if (/where is add used/.test(request.messages.find((m) => m.role === "user")?.content ?? "")) {
        const asked = [
          { toolCalls: [{ name: "symbols", arguments: '{"path": "math.ts"}' }] },
          { toolCalls: [{ name: "definition", arguments: '{"path": "use.ts", "line": 2, "symbol": "add"}' }] },
          { toolCalls: [{ name: "references", arguments: '{"path": "math.ts", "line": 1, "symbol": "add"}' }] },
          { content: "add is used in use.ts." },
        ];
        return asked[Math.min(toolResultsIn(request), asked.length - 1)];
      }
      const asked = request.messages.find((m) => m.role === "user")?.content ?? "";
      const commandThenStop = (command: string) =>
        toolResultsIn(request) === 0
          ? { toolCalls: [{ name: "run_command", arguments: JSON.stringify({ command }) }] }
          : { content: "Done with the command." };
      if (/write the marker/.test(asked)) return commandThenStop(MARKER_COMMAND);
      if (/start the background job/.test(asked)) return commandThenStop(BACKGROUND_COMMAND);
      const steps = [
        { toolCalls: [{ name: "read_file", arguments: '{"path": "math.ts", "startLine": null, "endLine": null}' }] },
        {
          content: "add subtracts; fixing it.",
          toolCalls: [
            {
              name: "edit_file",
              arguments: JSON.stringify({ path: "math.ts", search: "  return a - b;", replace: "  return a + b;" }),
            },
          ],
        },
        { toolCalls: [{ name: "run_command", arguments: JSON.stringify({ command: "node -e \"console.log('tests pass')\"" }) }] },
        { content: "Fixed `add`; the tests pass." },
      ];
      return steps[Math.min(toolResultsIn(request), steps.length - 1)];
    });
    const url = await engine.listen();
    settings = { ...remoteSettings(url), "files.autoSave": "off" };
    session = await CodeServerSession.start({
      tools: provisionedTools(),
      vsix: packageVsix(),
      settings,
      files: {
        "math.ts": MATH,
        "use.ts": USE,
        "AGENTS.md": "Run the tests after a change.\n",
        ".vscode/tasks.json": TASKS,
        // A repository hiding its rules file from the chips: the server reads it anyway.
        ".vscode/settings.json": '{ "files.exclude": { "AGENTS.md": true } }\n',
      },
    });
    workbench = new Workbench(session.page);
  });

  uiFailurePolicy(this, () => session, "agent ");

  after(async () => {
    await session?.stop();
    engine?.close();
  });

  it("proposes the edit in the file, applies it on Accept, asks before running, and undoes the turn", async () => {
    await workbench.openFile("math.ts");
    await workbench.runCommand("Hearth: Open Chat");
    const chat = workbench.chatFrame();
    await chat.locator("#input").waitFor({ timeout: 30_000 });
    await chat.locator("#mode").selectOption("agent");
    await chat.locator(".chip.rule", { hasText: "Rules: AGENTS.md" }).waitFor({ timeout: 15_000 });
    await chat.locator("#input").fill("add is wrong, fix it");
    await chat.locator("#input").press("Enter");

    const accept = session.page.locator(".monaco-editor .codelens-decoration a", { hasText: "Accept" }).first();
    await accept.waitFor({ timeout: 60_000 });
    await chat.locator("#notice", { hasText: "Rules used: AGENTS.md." }).waitFor({ timeout: 5_000 });
    assert.equal(readFileSync(join(session.workspace, "math.ts"), "utf8"), MATH, "nothing is written before Accept");
    await workbench.waitForEditorText(MATH.replace("  return a - b;\n", "  return a - b;\n  return a + b;\n"));
    await chat.locator(".tool", { hasText: "edit_file math.ts" }).waitFor();
    if (process.env.HEARTH_UPDATE_SCREENSHOTS === "1")
      await session.page.screenshot({
        path: join(ROOT, "docs", "images", "agent.png"),
        clip: { x: 0, y: 0, width: 1280, height: 800 },
      });
    await accept.click();

    const dialog = session.page.locator(".monaco-dialog-box", { hasText: "Hearth's agent wants to run a command" });
    await dialog.waitFor({ timeout: 30_000 });
    assert.equal(readFileSync(join(session.workspace, "math.ts"), "utf8"), FIXED, "Accept applied and saved the edit");
    assert.match((await dialog.textContent()) ?? "", /console\.log\('tests pass'\)/);
    await dialog.locator(".monaco-button", { hasText: /^Run$/ }).click();

    await chat.locator(".turn.assistant:not(.streaming) .markdown", { hasText: "the tests pass" }).waitFor({ timeout: 60_000 });
    const tools = chat.locator(".turn.assistant").last().locator(".tool");
    assert.equal(await tools.count(), 3);
    await tools.nth(2).locator("summary").click();
    assert.match((await tools.nth(2).locator(".tool-result").textContent()) ?? "", /exit code 0\ntests pass/);
    // The system prompt carried the rules file; the command's output reached the model.
    assert.match(engine.requests[0].messages[0].content ?? "", /Rules from AGENTS\.md/);
    assert.match(engine.requests[3].messages.at(-1)?.content ?? "", /tests pass/);

    await chat.locator(".undo-turn").click();
    const undo = session.page.locator(".monaco-dialog-box", { hasText: "Undo this turn's edits to math.ts?" });
    await undo.waitFor({ timeout: 15_000 });
    await undo.locator(".monaco-button", { hasText: "Undo Edits" }).first().click();
    await chat.locator(".turn-note", { hasText: "This turn's edits were undone." }).waitFor({ timeout: 15_000 });
    assert.equal(readFileSync(join(session.workspace, "math.ts"), "utf8"), MATH);
  });

  /** A new chat in Agent mode, the chat view opened first (these tests also run alone, with --grep). */
  async function newAgentChat() {
    await workbench.openFile("math.ts");
    await workbench.runCommand("Hearth: Open Chat");
    const chat = workbench.chatFrame();
    await chat.locator("#input").waitFor({ timeout: 30_000 });
    await chat.locator("#new-chat").click();
    await chat.locator("#mode").selectOption("agent");
    return chat;
  }

  it("an Enter as the command dialog opens refuses: the first button is Don't Run, and the command shows exactly", async () => {
    rmSync(join(session.workspace, "ran.txt"), { force: true }); // a first try's
    const chat = await newAgentChat();
    await chat.locator("#input").fill("write the marker");
    await chat.locator("#input").press("Enter");
    const dialog = session.page.locator(".monaco-dialog-box", { hasText: "Hearth's agent wants to run a command" });
    await dialog.waitFor({ timeout: 30_000 });
    // The override is named, not applied: the user reads what runs.
    assert.match((await dialog.textContent()) ?? "", /# ⟨U\+202E⟩txt\.nar/);
    // The user, still typing in the chat, presses Enter again as the dialog opens.
    await session.page.keyboard.press("Enter");
    await dialog.waitFor({ state: "detached", timeout: 15_000 });
    await chat.locator(".turn.assistant:not(.streaming) .markdown", { hasText: "Done with the command." }).waitFor({
      timeout: 60_000,
    });
    const tool = chat.locator(".turn.assistant").last().locator(".tool");
    assert.match((await tool.locator(".tool-result").textContent()) ?? "", /declined to run this command\. Nothing ran\./);
    assert.ok(!existsSync(join(session.workspace, "ran.txt")), "the command ran");
  });

  it("Stop ends the command's whole process tree, its background child too", async () => {
    const pidFile = join(session.workspace, "sleep.pid");
    rmSync(pidFile, { force: true }); // a first try's
    const chat = await newAgentChat();
    await chat.locator("#input").fill("start the background job");
    await chat.locator("#input").press("Enter");
    const dialog = session.page.locator(".monaco-dialog-box", { hasText: "Hearth's agent wants to run a command" });
    await dialog.waitFor({ timeout: 30_000 });
    await dialog.locator(".monaco-button", { hasText: /^Run$/ }).click();
    const deadline = Date.now() + 30_000;
    while (!/^\d+\n$/.test(existsSync(pidFile) ? readFileSync(pidFile, "utf8") : "")) {
      assert.ok(Date.now() < deadline, "the command did not start");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const pid = Number(readFileSync(pidFile, "utf8"));
    assert.ok(!isGone(pid), "the background sleep runs");
    await chat.locator("#send", { hasText: "Stop" }).click();
    const stopped = Date.now() + 15_000;
    while (!isGone(pid)) {
      if (Date.now() > stopped) {
        process.kill(pid, "SIGKILL");
        assert.fail(`the background child ${pid} outlived Stop`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  it("answers symbols, definition and references with VS Code's own language providers", async () => {
    const chat = workbench.chatFrame();
    await chat.locator("#new-chat").click();
    await chat.locator("#mode").selectOption("agent");
    await chat.locator("#input").fill("where is add used?");
    await chat.locator("#input").press("Enter");
    await chat.locator(".turn.assistant:not(.streaming) .markdown", { hasText: "add is used in use.ts." }).waitFor({
      timeout: 90_000,
    });
    // What VS Code's TypeScript support answered went back to the model, as lines a small model can read.
    const results = engine.requests
      .filter((request) => /where is add used/.test(request.messages.find((m) => m.role === "user")?.content ?? ""))
      .at(-1)
      ?.messages.filter((m) => m.role === "tool")
      .map((m) => m.content ?? "");
    assert.ok(results && results.length === 3, JSON.stringify(results));
    assert.match(results[0], /function add \(line 1\)/);
    assert.match(results[1], /^math\.ts:1$/m);
    assert.match(results[2], /^math\.ts:1$/m);
    assert.match(results[2], /^use\.ts:2$/m);
  });

  it("shows an edit to a file that can run code for review even with autoApplyEdits on, and writes it only on Accept", async () => {
    session.writeSettings({ ...settings, "hearth.agent.autoApplyEdits": true });
    try {
      // VS Code notices the settings file on its own; give it a moment before the turn reads the setting.
      await session.page.waitForTimeout(3_000);
      await workbench.runCommand("Hearth: Open Chat");
      const chat = workbench.chatFrame();
      await chat.locator("#input").waitFor({ timeout: 30_000 });
      await chat.locator("#new-chat").click();
      await chat.locator("#mode").selectOption("agent");
      await chat.locator("#input").fill("run the build when the folder opens");
      await chat.locator("#input").press("Enter");

      const asked = workbench.notification(
        "Hearth's agent wants to change .vscode/tasks.json. Edits to it are always reviewed: the editor runs tasks",
      );
      await asked.waitFor({ timeout: 60_000 });
      const tasks = join(session.workspace, ".vscode", "tasks.json");
      // The ordinary file before it was applied at once: the setting is on, and the task file still waits.
      assert.equal(readFileSync(join(session.workspace, "use.ts"), "utf8"), USE.replace("(1, 2);", "(1, 2); // 3"));
      assert.equal(readFileSync(tasks, "utf8"), TASKS, "nothing is written to tasks.json before Accept");
      await session.page.locator(".tab", { hasText: ".vscode/tasks.json ↔ Hearth's proposal" }).first().waitFor();
      await asked.locator(".monaco-button", { hasText: /^Accept$/ }).click();

      await chat
        .locator(".turn.assistant:not(.streaming) .markdown", { hasText: "runs on folder open" })
        .waitFor({ timeout: 60_000 });
      assert.equal(readFileSync(tasks, "utf8"), TASKS.replace('  "tasks": []', FOLDER_OPEN_TASK));
    } finally {
      session.writeSettings(settings);
    }
  });
});
