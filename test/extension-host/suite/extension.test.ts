/**
 * Hearth inside a real extension host: activation, commands, configuration reaching the server, and inline
 * completion through VS Code's own provider path. The settings (bigram model) come from the test launcher.
 */
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync, symlinkSync } from "node:fs";
import * as vscode from "vscode";
import type { ContextForwarder } from "../../../client/src/context/contextForwarder";
import type { HearthApi } from "../../../client/src/extension";
import type { HearthClient } from "../../../client/src/hearthClient";
import { ChatSendRequest } from "../../../server/src/shared/protocol";

const EXTENSION_ID = "hearth.hearth";

async function activatedForwarder(): Promise<ContextForwarder> {
  const extension = vscode.extensions.getExtension<HearthApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  return (await extension.activate()).contextForwarder;
}

async function activatedHearth(): Promise<HearthClient> {
  const extension = vscode.extensions.getExtension<HearthApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  const api = await extension.activate();
  return api.hearth;
}

async function waitForState(hearth: HearthClient, state: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (hearth.statusBar.current.state !== state) {
    if (Date.now() > deadline) throw new Error(`state stayed ${JSON.stringify(hearth.statusBar.current)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function suggestionAt(
  document: vscode.TextDocument,
  position: vscode.Position,
  triggerKind = vscode.InlineCompletionTriggerKind.Invoke,
): Promise<string | undefined> {
  const hearth = await activatedHearth();
  const feature = hearth.languageClient?.getFeature("textDocument/inlineCompletion");
  const provider = feature?.getProvider(document);
  assert.ok(provider, "the language client registered an inline completion provider");
  const source = new vscode.CancellationTokenSource();
  const result = await provider.provideInlineCompletionItems(
    document,
    position,
    { triggerKind, selectedCompletionInfo: undefined },
    source.token,
  );
  const items = Array.isArray(result) ? result : result?.items;
  const item = items?.[0];
  const text = typeof item?.insertText === "string" ? item.insertText : item?.insertText.value;
  // Items replace the line up to the cursor (so VS Code keeps them while typing and deleting); the suggestion is the rest.
  return item?.range ? text?.slice(document.getText(item.range).length) : text;
}

describe("Hearth in the extension host", () => {
  it("activates quickly without loading the model", async () => {
    const started = Date.now();
    const hearth = await activatedHearth();
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 15_000, `activation took ${elapsed} ms`);
    assert.ok(hearth.languageClient?.isRunning(), "the language server is running");
    assert.ok(
      ["idle", "error"].includes(hearth.statusBar.current.state),
      `state ${hearth.statusBar.current.state} before any document`,
    );
  });

  it("registers its commands", async () => {
    await activatedHearth();
    const commands = await vscode.commands.getCommands(true);
    for (const id of ["hearth.toggleInlineCompletions", "hearth.restartServer", "hearth.showLog", "hearth.showStatus"]) {
      assert.ok(commands.includes(id), `${id} is registered`);
    }
  });

  it("serves inline completion through the provider VS Code calls", async () => {
    const hearth = await activatedHearth();
    const document = await vscode.workspace.openTextDocument({
      language: "typescript",
      content: "function add(a, b) {\n  ret\n}\n",
    });
    await vscode.window.showTextDocument(document);
    await waitForState(hearth, "ready");
    assert.equal(await suggestionAt(document, new vscode.Position(1, 5)), "urn a+b;");
  });

  it("accepts a suggestion through VS Code's inline-suggest commands", async () => {
    const document = await vscode.workspace.openTextDocument({ language: "typescript", content: "  ret" });
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(0, 5, 0, 5);
    const deadline = Date.now() + 20_000;
    while (document.getText() !== "  return a+b;" && Date.now() < deadline) {
      await vscode.commands.executeCommand("editor.action.inlineSuggest.trigger");
      await new Promise((resolve) => setTimeout(resolve, 300));
      await vscode.commands.executeCommand("editor.action.inlineSuggest.commit");
    }
    assert.equal(document.getText(), "  return a+b;");
  });

  it("after Tab, the next suggestion is already there: speculation, no model call", async () => {
    const hearth = await activatedHearth();
    const config = vscode.workspace.getConfiguration("hearth");
    await config.update("completion.maxTokens", 4, vscode.ConfigurationTarget.Global);
    const load = () =>
      hearth.languageClient!.sendRequest<{ completions: number; speculativeCompletions: number; liveCompletions: number }>(
        "hearth/debug/engineLoad",
      );
    try {
      const document = await vscode.workspace.openTextDocument({ language: "typescript", content: "~" });
      const editor = await vscode.window.showTextDocument(document);
      editor.selection = new vscode.Selection(0, 1, 0, 1);
      const deadline = Date.now() + 20_000;
      let text = await suggestionAt(document, new vscode.Position(0, 1));
      while (text !== "~~~~" && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        text = await suggestionAt(document, new vscode.Position(0, 1));
      }
      assert.equal(text, "~~~~");
      // Let the speculation that the answer started finish.
      let counts = await load();
      while ((counts.speculativeCompletions === 0 || counts.liveCompletions > 0) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        counts = await load();
      }
      while (document.getText() !== "~~~~~" && Date.now() < deadline) {
        await vscode.commands.executeCommand("editor.action.inlineSuggest.trigger");
        await new Promise((resolve) => setTimeout(resolve, 300));
        await vscode.commands.executeCommand("editor.action.inlineSuggest.commit");
      }
      assert.equal(document.getText(), "~~~~~", "Tab accepted the suggestion");
      // (The trigger above is an explicit request, which asks the model for alternatives; the request after Tab is
      // an automatic one, as when typing.)
      counts = await load();
      while (counts.liveCompletions > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        counts = await load();
      }
      const modelCalls = counts.completions;
      const automatic = vscode.InlineCompletionTriggerKind.Automatic;
      assert.equal(await suggestionAt(document, new vscode.Position(0, 5), automatic), "~~~~");
      assert.equal((await load()).completions, modelCalls, "the suggestion after Tab needed no model call");
    } finally {
      await config.update("completion.maxTokens", undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it("passes configuration changes to the server", async () => {
    const config = vscode.workspace.getConfiguration("hearth");
    const document = await vscode.workspace.openTextDocument({ language: "typescript", content: "  ret" });
    await config.update("completion.maxTokens", 3, vscode.ConfigurationTarget.Global);
    try {
      // The server pulls the new value after the change notification; the suggestion shrinks once it has it.
      const deadline = Date.now() + 10_000;
      let text = await suggestionAt(document, new vscode.Position(0, 5));
      while (text !== "urn" && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        text = await suggestionAt(document, new vscode.Position(0, 5));
      }
      assert.equal(text, "urn");
    } finally {
      await config.update("completion.maxTokens", undefined, vscode.ConfigurationTarget.Global);
    }
  });
});

/** The pid of Hearth's language server: the child of this extension host running dist/server.js. */
function languageServerPid(): number | undefined {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      const parent = Number(readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]?.split(" ")[1]);
      if (commandLine.includes("dist/server.js") && parent === process.pid) return Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  return undefined;
}

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("Hearth when its language server dies", () => {
  it("restarts it after kill -9 mid-completion, with the document intact, and completes again", async () => {
    const hearth = await activatedHearth();
    const content = "function add(a, b) {\n  ret\n}\n";
    const document = await vscode.workspace.openTextDocument({ language: "typescript", content });
    await vscode.window.showTextDocument(document);
    await waitForState(hearth, "ready");
    const before = languageServerPid();
    assert.ok(before, "found the language server process");
    const pending = suggestionAt(document, new vscode.Position(1, 5)).catch(() => undefined);
    const killedAt = Date.now();
    process.kill(before, "SIGKILL");
    await pending; // answered or failed, never hanging
    const after = await waitFor(() => {
      const pid = languageServerPid();
      return pid !== undefined && pid !== before ? pid : undefined;
    }, "a new server process");
    assert.notEqual(after, before);
    let text: string | undefined;
    await waitFor(() => hearth.languageClient?.isRunning() || undefined, "the client to run again");
    const deadline = Date.now() + 30_000;
    while (text !== "urn a+b;" && Date.now() < deadline) {
      text = await suggestionAt(document, new vscode.Position(1, 5)).catch(() => undefined);
      if (text !== "urn a+b;") await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const recoveryMs = Date.now() - killedAt;
    assert.equal(text, "urn a+b;");
    assert.equal(document.getText(), content, "the document is untouched");
    console.log(`      recovery after kill -9: ${recoveryMs} ms to the next suggestion`);
  });

  it("restarts it after kill -9 mid-chat; the reply fails clearly and the next one streams", async () => {
    const hearth = await activatedHearth();
    await waitFor(() => hearth.languageClient?.isRunning() || undefined, "a running client");
    const deltas: string[] = [];
    const listener = hearth.onChatDelta((delta) => deltas.push(delta.chatId));
    try {
      const client = hearth.languageClient!;
      const reply = client.sendRequest(ChatSendRequest.method, {
        chatId: "killed",
        messages: [{ role: "user", content: "go on" }],
        context: [],
      });
      await waitFor(() => deltas.includes("killed") || undefined, "the reply to stream", 60_000);
      const pid = languageServerPid();
      assert.ok(pid);
      process.kill(pid, "SIGKILL");
      await assert.rejects(reply);
      await waitFor(() => {
        const next = languageServerPid();
        return next !== undefined && next !== pid && hearth.languageClient?.isRunning() ? next : undefined;
      }, "a restarted server");
      const source = new vscode.CancellationTokenSource();
      // By method name: this suite bundles its own copy of the protocol classes, which the client wouldn't recognise.
      const again = hearth.languageClient!.sendRequest(
        ChatSendRequest.method,
        { chatId: "after", messages: [{ role: "user", content: "go on" }], context: [] },
        source.token,
      );
      await waitFor(() => deltas.includes("after") || undefined, "the next reply to stream", 60_000);
      source.cancel();
      await again.catch(() => undefined);
    } finally {
      listener.dispose();
    }
  });

  it("gives up after repeated deaths, says so, and Restart brings it back", async () => {
    const hearth = await activatedHearth();
    const document = await vscode.workspace.openTextDocument({ language: "typescript", content: "  ret" });
    let last: number | undefined;
    // The first test's death still counts within the window: kill until the policy gives up.
    for (let kills = 0; kills < 8 && hearth.statusBar.current.state !== "error"; kills++) {
      const pid = await waitFor(() => {
        const found = languageServerPid();
        return found !== undefined && found !== last && hearth.languageClient?.isRunning() ? found : undefined;
      }, "a running server");
      last = pid;
      process.kill(pid, "SIGKILL");
      await new Promise((resolve) => setTimeout(resolve, 200));
      await waitFor(
        () =>
          hearth.statusBar.current.state === "error" ||
          (languageServerPid() !== pid && languageServerPid() !== undefined) ||
          undefined,
        "a restart or giving up",
      );
    }
    assert.equal(hearth.statusBar.current.state, "error");
    assert.match(hearth.statusBar.current.message ?? "", /stopped \d+ times in 3 minutes, so it was not restarted again/);
    assert.equal(languageServerPid(), undefined, "no server left running");

    await vscode.commands.executeCommand("hearth.restartServer");
    await vscode.window.showTextDocument(document);
    await waitForState(hearth, "ready");
    assert.equal(await suggestionAt(document, new vscode.Position(0, 5)), "urn a+b;");
  });
});

describe("Hearth's cross-file context in the extension host", () => {
  it("forwards a file the user viewed, and never a git-ignored one (root, nested .gitignore, .git/info/exclude)", async () => {
    const hearth = await activatedHearth();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const write = (path: string, text: string) =>
      vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder.uri, path), Buffer.from(text));
    await write(".gitignore", "ignored/\n");
    await write("lib/math.ts", "export function addNumbers(a: number, b: number) {\n  return a + b;\n}\n");
    await write("ignored/secret.ts", "export const addNumbersSecret = addNumbers(4, 2);\n");
    await write("src/main.ts", "const total = addNumbers(1, 2);\n  ret\n");
    const forwarder = await activatedForwarder();
    const view = async (path: string): Promise<boolean> => {
      const uri = vscode.Uri.joinPath(folder.uri, path).toString();
      // The forwarder decides once the view has settled; wait for that decision rather than for time to pass.
      const decided = new Promise<boolean>((resolve) => {
        const listener = forwarder.onDidDecide((decision) => {
          if (decision.uri !== uri) return;
          listener.dispose();
          resolve(decision.forwarded);
        });
      });
      await vscode.window.showTextDocument(vscode.Uri.parse(uri));
      return decided;
    };
    await view("lib/math.ts"); // the forwarder reads (and caches) the rule files now
    await view("ignored/secret.ts");
    // A link whose own name no rule matches is judged where it leads: into ignored/ (a name no secrets rule matches).
    await write("ignored/diary.ts", "export const addNumbersDiary = addNumbers(3, 3);\n");
    symlinkSync("ignored/diary.ts", vscode.Uri.joinPath(folder.uri, "readme2.ts").fsPath);
    assert.equal(await view("readme2.ts"), false, "a link to a git-ignored file was forwarded");
    // Rule files written after that must be noticed (the forwarder checks their stamps on every use).
    await write("packages/api/.gitignore", "/generated\n");
    await write("packages/api/generated/client.ts", "export const addNumbersGenerated = addNumbers(5, 6);\n");
    await view("packages/api/generated/client.ts");
    await write(".git/info/exclude", "scratch.ts\n");
    await write("scratch.ts", "export const addNumbersScratch = addNumbers(7, 8);\n");
    await view("scratch.ts");
    await write(".git/info/exclude", "scratch.ts\nother.ts\n"); // an existing rule file changed
    await write("other.ts", "export const addNumbersOther = addNumbers(9, 9);\n");
    await view("other.ts");
    const main = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, "src/main.ts"));
    await vscode.window.showTextDocument(main);
    await waitForState(hearth, "ready");
    assert.equal(await suggestionAt(main, new vscode.Position(1, 5)), "urn a+b;");
    const prompt = (await hearth.languageClient!.sendRequest<string | null>("hearth/debug/lastPrompt")) ?? "";
    assert.match(prompt, /<\|file_sep\|>lib\/math\.ts\nexport function addNumbers/);
    assert.ok(!prompt.includes("addNumbersSecret"), "a .gitignore'd file was forwarded");
    assert.ok(!prompt.includes("addNumbersDiary"), "a link to a .gitignore'd file was forwarded");
    assert.ok(!prompt.includes("addNumbersGenerated"), "a file ignored by a nested .gitignore was forwarded");
    assert.ok(!prompt.includes("addNumbersScratch"), "a file in .git/info/exclude was forwarded");
    assert.ok(!prompt.includes("addNumbersOther"), "a file added to .git/info/exclude later was forwarded");
    assert.match(prompt, /<\|file_sep\|>src\/main\.ts\n<\|fim_prefix\|>/);
  });
});

describe("Hearth and workspace settings", () => {
  it("ignores a workspace's attempt to set where models or code go", async () => {
    await activatedHearth();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, "the test window has a workspace folder");
    const settingsFile = vscode.Uri.joinPath(folder.uri, ".vscode", "settings.json");
    const changed = new Promise<void>((resolve) => {
      const listener = vscode.workspace.onDidChangeConfiguration(() => {
        listener.dispose();
        resolve();
      });
    });
    await vscode.workspace.fs.writeFile(
      settingsFile,
      Buffer.from(
        JSON.stringify({
          "hearth.remote.url": "http://attacker.example:8080",
          "hearth.engine": "remote",
          "hearth.completion.maxTokens": 7,
        }),
      ),
    );
    try {
      await Promise.race([changed, new Promise((resolve) => setTimeout(resolve, 5000))]);
      const config = vscode.workspace.getConfiguration("hearth");
      assert.equal(config.get("completion.maxTokens"), 7, "an ordinary workspace setting applies");
      assert.equal(config.get("remote.url"), "http://127.0.0.1:8080", "the workspace's URL is ignored");
      assert.equal(config.get("engine"), "local", "the workspace can't switch the engine");
    } finally {
      await vscode.workspace.fs.delete(settingsFile);
    }
  });
});
