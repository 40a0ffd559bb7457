/**
 * Fix with Hearth from the lightbulb on a real TypeScript error, reviewed in VS Code's refactor preview; and
 * "Hearth: Explain This" streaming into the chat. The bigram "fix" chat model always answers `let x=1;`.
 */
import { strict as assert } from "node:assert";
import { bigramModelPath } from "../fixtures/gguf/testModels";
import { CodeServerSession } from "./codeServerSession";
import { packageVsix, provisionedTools, saveFailureArtifacts } from "./setup";
import { Workbench } from "./workbench";

const BROKEN = 'let x: number = "a";\n';

describe("Explain and Fix in VS Code", function () {
  this.timeout(120_000);
  let session: CodeServerSession;
  let workbench: Workbench;

  before(async function () {
    this.timeout(600_000);
    session = await CodeServerSession.start({
      tools: provisionedTools(),
      vsix: packageVsix(),
      settings: {
        "hearth.completion.enabled": false,
        // A configured model also keeps the first-run walkthrough from taking the editor.
        "hearth.completion.model": bigramModelPath("qwen"),
        "hearth.chat.model": bigramModelPath("qwen", "fix"),
        "hearth.local.threads": 1,
      },
      files: { "accept.ts": BROKEN, "reject.ts": BROKEN, "explain.ts": "function twice(n: number) {\n  return n * 2;\n}\n" },
    });
    workbench = new Workbench(session.page);
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed") await saveFailureArtifacts(session, `fix ${this.currentTest.title}`);
  });

  after(async () => {
    await session?.stop();
  });

  /** Opens the file, waits for TypeScript's error, and chooses "Fix with Hearth" from the quick-fix menu. */
  async function fixFromLightbulb(file: string): Promise<void> {
    await workbench.openFile(file);
    await session.page.locator(".monaco-editor .squiggly-error").first().waitFor({ timeout: 90_000 });
    await workbench.goToLineEnd(1);
    await session.page.keyboard.press("Home");
    for (let i = 0; i < 5; i++) await session.page.keyboard.press("ArrowRight");
    await session.page.keyboard.press("Control+.");
    const item = session.page.locator(".action-widget .monaco-list-row", { hasText: "Fix with Hearth" }).first();
    await item.waitFor({ timeout: 30_000 });
    await item.click();
  }

  function refactorPreviewButton(label: "Apply" | "Discard") {
    return session.page.locator(".monaco-button", { hasText: new RegExp(`^${label}$`) }).first();
  }

  it("shows the fix for review, and Apply changes the file to exactly the fix", async () => {
    await fixFromLightbulb("accept.ts");
    await refactorPreviewButton("Apply").waitFor({ timeout: 60_000 });
    assert.equal(await workbench.editorText(), BROKEN, "nothing changes before the fix is accepted");
    // VS Code leaves changes that need confirmation unticked: tick the file's change, then Apply.
    await session.page.locator(".bulk-edit-panel .monaco-checkbox, .bulk-edit-panel .monaco-custom-toggle").first().click();
    await refactorPreviewButton("Apply").click();
    await session.page.waitForFunction(
      `[...document.querySelectorAll(".monaco-editor .view-line")].some((line) => line.textContent.replace(/\\u00a0/g, " ") === "let x=1;")`,
      undefined,
      { timeout: 15_000 },
    );
    assert.equal(await workbench.editorText(), "let x=1;\n");
    // One undo restores the original.
    await session.page.locator(".monaco-editor .view-lines").first().click();
    await session.page.keyboard.press("Control+Z");
    await session.page.waitForFunction(
      `[...document.querySelectorAll(".monaco-editor .view-line")].some((line) => line.textContent.replace(/\\u00a0/g, " ") === 'let x: number = "a";')`,
      undefined,
      { timeout: 10_000 },
    );
    assert.equal(await workbench.editorText(), BROKEN);
  });

  it("leaves the file byte-identical when the fix is discarded", async () => {
    await fixFromLightbulb("reject.ts");
    await refactorPreviewButton("Discard").waitFor({ timeout: 60_000 });
    await refactorPreviewButton("Discard").click();
    await session.page.waitForTimeout(500);
    assert.equal(await workbench.editorText(), BROKEN);
  });

  it("explains the code under the cursor in the chat view", async () => {
    await workbench.openFile("explain.ts");
    await workbench.goToLineEnd(2);
    await workbench.runCommand("Hearth: Explain This");
    const chat = workbench.chatFrame();
    await chat
      .locator(".turn.user", { hasText: "Explain what this code from explain.ts (lines 1-3) does." })
      .waitFor({ timeout: 30_000 });
    await chat.locator(".turn.user .turn-context", { hasText: "explain.ts:1-3" }).waitFor();
    await chat.locator(".turn.assistant:not(.streaming) .markdown", { hasText: "let x=1;" }).waitFor({ timeout: 60_000 });
  });
});
