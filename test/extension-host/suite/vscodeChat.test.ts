/**
 * Hearth for VS Code's own chat, beyond the model: the `hearth_searchCode` tool as VS Code's agent calls it
 * (`vscode.lm.invokeTool`), and "Use Hearth in VS Code's Chat" writing exactly VS Code's settings when the user agrees
 * and nothing when they don't. The setup runs the command's own function with a scripted answer in place of the modal
 * (client/src/lm/vscodeChatSetup.ts says why that is no way around the modal).
 */
import { strict as assert } from "node:assert";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
// The ES module build: the default (UMD) one loads its parts with a require() a bundle cannot follow.
import { applyEdits, modify } from "jsonc-parser/lib/esm/main.js";
import * as vscode from "vscode";
import type { HearthApi } from "../../../client/src/extension";
import { VSCODE_CHAT_SETTINGS } from "../../../client/src/lm/chatSetupPlan";
import { useHearthInVsCodeChat, userDependencies } from "../../../client/src/lm/vscodeChatSetup";
import { COMMANDS, LANGUAGE_MODEL_TOOLS } from "../../../server/src/shared/commands";
import { hearthModel } from "./hearthModel";

const SECRET = "sk-test-ledger-51f0c2a7e9";

async function write(path: string, text: string): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, "the test workspace is open");
  await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder.uri, path), Buffer.from(text));
}

async function searchTool(query: string): Promise<string> {
  const result = await vscode.lm.invokeTool(LANGUAGE_MODEL_TOOLS.searchCode, {
    input: { query },
    toolInvocationToken: undefined,
  });
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : "")).join("");
}

describe("the hearth_searchCode tool, through vscode.lm", () => {
  it("is listed, finds a workspace file, and never gives a secrets file or a git-ignored file", async () => {
    await hearthModel(); // activated, its server running
    const tool = vscode.lm.tools.find((candidate) => candidate.name === LANGUAGE_MODEL_TOOLS.searchCode);
    assert.ok(tool, "hearth_searchCode is among vscode.lm.tools");
    assert.match(tool.description, /by meaning/);
    await write(
      "src/ledger.ts",
      "// Reconcile the ledger balances at the end of the day.\nexport function reconcileLedger() {}\n",
    );
    await write(".env", `LEDGER_TOKEN=${SECRET} # reconcile ledger balances\n`);
    await write("config/.env.production", `RECONCILE_LEDGER_BALANCES=${SECRET}\n`);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    // The cross-file test's rule, if it ran first; this test may run alone.
    const gitignore = vscode.Uri.joinPath(folder.uri, ".gitignore");
    const rules = await vscode.workspace.fs.readFile(gitignore).then(String, () => "");
    if (!/^ignored\/$/m.test(rules)) await write(".gitignore", `${rules}ignored/\n`);
    await write("ignored/ledgerDraft.ts", `// reconcile ledger balances: ${SECRET}\nexport const reconcileLedgerDraft = 1;\n`);

    const text = await searchTool("reconcile ledger balances");
    const ledger = vscode.Uri.joinPath(folder.uri, "src", "ledger.ts").fsPath;
    assert.match(text, /^Hearth's search by words found \d+ places? for "reconcile ledger balances"/);
    assert.ok(text.includes(`${ledger}:1-2\n\`\`\`\n// Reconcile the ledger balances`), text);
    // No embedder in the test settings: the model is told so, and what to do.
    assert.match(text, /hearth\.agent\.embeddingModel/);
    assert.ok(!text.includes(SECRET), `a secrets or ignored file's text came back:\n${text}`);
    assert.ok(!/\.env|ledgerDraft/.test(text), `a secrets or ignored file came back:\n${text}`);
  });
});

/** The user settings file (the launcher says where). */
function userSettingsFile(): string {
  const folder = process.env.HEARTH_TEST_USER_DATA_DIR;
  assert.ok(folder, "the launcher passes HEARTH_TEST_USER_DATA_DIR");
  return join(folder, "User", "settings.json");
}

/** The user settings (the launcher writes plain JSON, and so does the setup). */
function userSettings(): Record<string, unknown> {
  return JSON.parse(readFileSync(userSettingsFile(), "utf8"));
}

/**
 * Sets (or, with undefined, removes) user settings: through `update`, which reads the file again after writing; an
 * unregistered key (chat.allowAnonymousAccess in VS Code 1.139) may only be removed that way, so it is set in the file.
 */
async function setUserSettings(values: Record<string, unknown>): Promise<void> {
  for (const [key, value] of Object.entries(values))
    if (value !== undefined && !vscode.workspace.getConfiguration().has(key)) {
      const text = readFileSync(userSettingsFile(), "utf8");
      writeFileSync(userSettingsFile(), applyEdits(text, modify(text, [key], value, {})));
    }
  for (const [key, value] of Object.entries(values))
    await vscode.workspace.getConfiguration().update(key, value, vscode.ConfigurationTarget.Global);
}

describe("Use Hearth in VS Code's Chat", () => {
  const unset = Object.fromEntries(Object.values(VSCODE_CHAT_SETTINGS).map((key) => [key, undefined]));
  afterEach(() => setUserSettings(unset));

  it("is a command, and finds the user settings file beside the extension's global storage", async () => {
    assert.ok((await vscode.commands.getCommands(true)).includes(COMMANDS.useInVsCodeChat));
    // The client tells the server where its global storage is (the default models folder in it).
    const extension = vscode.extensions.getExtension<HearthApi>("hearth.hearth");
    const options = (await extension?.activate())?.hearth.languageClient?.clientOptions.initializationOptions as {
      defaultModelsDirectory: string;
    };
    const globalStorage = vscode.Uri.file(dirname(options.defaultModelsDirectory));
    assert.equal(userDependencies(globalStorage).userSettingsFile.fsPath, userSettingsFile());
  });

  it("writes nothing when the user declines", async () => {
    await hearthModel();
    await setUserSettings(unset);
    const before = userSettings();
    const asked: string[] = [];
    const opened: unknown[] = [];
    const written = await useHearthInVsCodeChat({
      confirm: async (message, detail) => {
        asked.push(`${message}\n${detail}`);
        return false;
      },
      openChat: async (model) => opened.push(model),
      userSettingsFile: vscode.Uri.file(userSettingsFile()),
    });
    assert.deepEqual(written, []);
    assert.equal(asked.length, 1, "the user was asked once");
    assert.deepEqual(userSettings(), before);
    assert.deepEqual(opened, []);
  });

  it("leaves a user settings.json that doesn't parse as it is, and asks nothing", async () => {
    await hearthModel();
    await setUserSettings(unset);
    const broken = join(dirname(userSettingsFile()), "broken-settings.json");
    const text = '{\n  // the user is mid-edit\n  "editor.fontSize": 14,\n  "editor.tabSize":\n}\n';
    writeFileSync(broken, text);
    const asked: string[] = [];
    const written = await useHearthInVsCodeChat({
      confirm: async (message) => {
        asked.push(message);
        return true;
      },
      openChat: async () => undefined,
      userSettingsFile: vscode.Uri.file(broken),
    });
    assert.deepEqual(written, []);
    assert.deepEqual(asked, []);
    assert.equal(readFileSync(broken, "utf8"), text);
  });

  it("when the user agrees, writes exactly VS Code's chat settings for Hearth's model, then opens the chat with it", async () => {
    const model = await hearthModel();
    // Chat turned off in the user settings: the setup turns it back on.
    await setUserSettings({ ...unset, "chat.disableAIFeatures": true });
    const before = userSettings();
    const asked: string[] = [];
    const opened: unknown[] = [];
    const written = await useHearthInVsCodeChat({
      confirm: async (message, detail) => {
        asked.push(`${message}\n${detail}`);
        return true;
      },
      openChat: async (selected) => opened.push(selected),
      userSettingsFile: vscode.Uri.file(userSettingsFile()),
    });
    const id = `hearth/${model.id}`;
    const expected = {
      "chat.allowAnonymousAccess": true,
      "chat.disableAIFeatures": false,
      "chat.utilityModel": id,
      "chat.utilitySmallModel": id,
    };
    assert.deepEqual(written.sort(), Object.keys(expected).sort());
    // Said before it was written: every setting with its value.
    for (const [key, value] of Object.entries(expected))
      assert.ok(asked[0].includes(`"${key}": ${JSON.stringify(value)}`), asked[0]);
    assert.deepEqual(userSettings(), { ...before, ...expected });
    // And VS Code has read them, the one written into the file included.
    for (const [key, value] of Object.entries(expected)) assert.equal(vscode.workspace.getConfiguration().get(key), value, key);
    assert.deepEqual(opened, [{ vendor: "hearth", id: model.id }]);
  });
});
