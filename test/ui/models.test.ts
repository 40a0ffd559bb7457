/**
 * Picking a catalog model in a real VS Code: the quick pick, the consent dialog, the progress notification, and
 * completions from the downloaded model. A loopback hub serves the catalog file (with the bigram model's bytes).
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bigramModelPath } from "../fixtures/gguf/testModels";
import { LoopbackHub } from "../fixtures/loopbackHub";
import { CodeServerSession } from "./codeServerSession";
import { packageVsix, provisionedTools, uiFailurePolicy } from "./setup";
import { Workbench } from "./workbench";

describe("choosing a model in VS Code", function () {
  this.timeout(120_000);
  let session: CodeServerSession;
  let workbench: Workbench;
  let hub: LoopbackHub;
  const modelsDirectory = mkdtempSync(join(tmpdir(), "hearth-ui-models-"));

  before(async function () {
    this.timeout(600_000);
    hub = await LoopbackHub.start();
    hub.addFile("ggml-org/Qwen2.5-Coder-0.5B-Q8_0-GGUF", "qwen2.5-coder-0.5b-q8_0.gguf", bigramModelPath("qwen"));
    // Slow enough that the progress notification is on screen for a moment.
    hub.fault = { bytesPer10ms: 16 * 1024 };
    session = await CodeServerSession.start({
      tools: provisionedTools(),
      vsix: packageVsix(),
      settings: {
        "hearth.models.endpoint": hub.endpoint,
        "hearth.models.directory": modelsDirectory,
        "hearth.chat.model": "",
        "hearth.local.threads": 1,
      },
      files: { "pick.ts": "function add(a, b) {\n  \n}\n" },
    });
    workbench = new Workbench(session.page);
  });

  uiFailurePolicy(this, () => session, "models ");

  after(async () => {
    await session?.stop();
    await hub?.stop();
  });

  it("opens the getting-started walkthrough on first install when no model is configured", async () => {
    const welcome = session.page.locator(".tab", { hasText: "Welcome" });
    await welcome.waitFor({ timeout: 60_000 });
    await session.page.locator(".getting-started", { hasText: "Get started with Hearth" }).first().waitFor();
    await welcome.locator(".codicon-close, .action-label").first().click();
    await welcome.waitFor({ state: "detached" });
  });

  it("downloads a catalog model from the picker after consent, then completes with it", async () => {
    await workbench.openFile("pick.ts");
    // Nothing is fetched until the user agrees.
    assert.ok(hub.requests.every((request) => !request.url.includes("/resolve/")));
    await workbench.runCommand("Hearth: Select Model…");
    const input = session.page.locator(".quick-input-widget input");
    await session.page.locator(".quick-input-list .monaco-list-row", { hasText: "Completion model" }).first().click();
    await session.page.locator(".quick-input-list .monaco-list-row", { hasText: "qwen2.5-coder-1.5b" }).first().waitFor();
    if (process.env.HEARTH_UPDATE_SCREENSHOTS === "1") {
      await session.page
        .locator(".quick-input-widget")
        .screenshot({ path: join(__dirname, "..", "..", "docs", "images", "model-picker.png") });
    }
    await input.fill("qwen2.5-coder-0.5b");
    await session.page.locator(".quick-input-list .monaco-list-row.focused", { hasText: "not downloaded" }).first().waitFor();
    await session.page.keyboard.press("Enter");
    const dialog = session.page.locator(".monaco-dialog-box", { hasText: "Download qwen2.5-coder-0.5b-q8_0.gguf" });
    await dialog.waitFor({ timeout: 30_000 });
    await dialog.locator(".monaco-button", { hasText: "Download" }).first().click();
    await workbench.notification(/downloading qwen2\.5-coder-0\.5b-q8_0\.gguf/).waitFor({ timeout: 30_000 });
    await workbench.notification(/is downloaded and verified/).waitFor({ timeout: 60_000 });
    assert.deepEqual(readdirSync(join(modelsDirectory, "ggml-org__Qwen2.5-Coder-0.5B-Q8_0-GGUF")), [
      "qwen2.5-coder-0.5b-q8_0.gguf",
    ]);
    await workbench.waitForHearthState("ready", 60_000);
    await workbench.goToLineEnd(2);
    await workbench.type("ret");
    await workbench.waitForGhostText("urn a+b;");
    // The network monitor saw the download (a positive control for the "no network" check every session makes
    // when it stops): the language server's connections, all to the loopback hub.
    const downloads = session.hearthNetworkActivity().filter((entry) => entry.kind === "tcp" && entry.process === "server");
    assert.ok(downloads.length > 0, "the monitor recorded the download's connections");
    assert.ok(downloads.every((entry) => entry.target.startsWith("127.0.0.1:")));
  });

  it("lets the chat model serve next edits from the picker, and none turns that off again", async () => {
    const input = session.page.locator(".quick-input-widget input");
    const choose = async (row: string) => {
      await input.fill(row);
      await session.page.locator(".quick-input-list .monaco-list-row.focused", { hasText: row }).first().waitFor();
      await session.page.keyboard.press("Enter");
    };
    const pickNextEdit = async (row: string) => {
      await workbench.runCommand("Hearth: Select Model…");
      await choose("Next-edit model");
      await choose(row);
    };
    await workbench.openFile("pick.ts");
    const written = async (key: string, value: unknown) => {
      const deadline = Date.now() + 10_000;
      while (session.writtenSetting(key) !== value && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.equal(session.writtenSetting(key), value, key);
    };
    await pickNextEdit("Your chat model");
    await written("hearth.nextEdit.format", "instruct");
    assert.equal(session.writtenSetting("hearth.nextEdit.model") ?? "", "");
    await pickNextEdit("none");
    await written("hearth.nextEdit.format", "auto");
    assert.equal(session.writtenSetting("hearth.nextEdit.model") ?? "", "");
  });
});
