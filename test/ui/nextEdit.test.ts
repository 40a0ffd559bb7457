/**
 * Next edits in a real VS Code (code-server + Chromium), from a scripted next-edit engine on 127.0.0.1 whose rewrite
 * is known exactly (it applies the user's latest rename to the lines around the cursor): after a rename the
 * matching edits are drawn on the lines below, Tab jumps to one and Tab again accepts it, the file reads right at
 * the end, and Esc dismisses them leaving the file as the user left it.
 */
import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { bigramModelPath } from "../fixtures/gguf/testModels";
import { SCALE_SOURCE } from "../fixtures/nextEditSources";
import { ScriptedNextEditEngine } from "../fixtures/scriptedNextEditEngine";
import { CodeServerSession } from "./codeServerSession";
import { packageVsix, provisionedTools, uiFailurePolicy } from "./setup";
import { Workbench } from "./workbench";

const ROOT = join(__dirname, "..", "..");
const SOURCE = `${SCALE_SOURCE}\n`;

/** The texts of the next-edit decorations drawn beside the code (Monaco renders `after` text as CSS content). */
const READ_INSERTED = `[...document.querySelectorAll(".monaco-editor .view-lines span")]
  .map((element) => getComputedStyle(element, "::after").content)
  .filter((content) => content && content !== "none" && content !== "normal")
  .map((content) => content.replace(/^"|"$/g, "").replace(/\\u00a0/g, " "))`;

/**
 * Files of their own for each try of a test (a retry must not find the first try's edits), made with the workspace:
 * quick open doesn't always list a file written while code-server runs.
 */
const TRIES = [1, 2];
const areaSource = (name: string) => `export function ${name}(width: number): number {\n  return width * width;\n}\n`;
const floorSource = (name: string) => `import { ${name} } from "./lib";\n\nexport const floor = ${name}(3);\n`;
const roomSource = (name: string) => `import { ${name} } from "./lib";\n\nexport const room = ${name}(4);\n`;
const hallSource = (name: string) => `import { ${name} } from "./lib";\n\nexport const hall = ${name}(5);\n`;
const TRIES_FILES = Object.fromEntries(
  TRIES.flatMap((n) => [
    [`record${n}.ts`, SOURCE],
    [`area${n}.ts`, areaSource(`area${n}`)],
    [`floor${n}.ts`, floorSource(`area${n}`)],
    [`room${n}.ts`, roomSource(`area${n}`)],
    [`hall${n}.ts`, hallSource(`area${n}`)],
  ]),
);

describe("next edits in VS Code (code-server + Chromium)", function () {
  this.timeout(120_000);
  let engine: ScriptedNextEditEngine;
  let session: CodeServerSession;
  let workbench: Workbench;
  let settings: Record<string, unknown>;
  let recordTry = 0;
  let crossFileTry = 0;

  before(async function () {
    this.timeout(600_000);
    engine = new ScriptedNextEditEngine();
    const url = await engine.listen();
    settings = {
      "hearth.engine": "remote",
      "hearth.remote.url": url,
      "hearth.remote.api": "openai",
      "hearth.remote.nextEditModel": "sweep-next-edit-1.5b",
      "hearth.completion.enabled": false,
      // The suggestion record's table rows read whole, one per line on screen.
      "[markdown]": { "editor.wordWrap": "off" },
    };
    session = await CodeServerSession.start({
      tools: provisionedTools(),
      vsix: packageVsix(),
      settings,
      files: { "scale.ts": SOURCE, "dismiss.ts": SOURCE, "eager.ts": SOURCE, ...TRIES_FILES },
    });
    workbench = new Workbench(session.page);
    // The language server is up and talking to the engine once its status names the served model (edits made before it
    // starts get no suggestion, as for a user who types in the first seconds). It names the model the server lists.
    await session.page
      .locator('.statusbar-item[aria-label^="Hearth completions off sweep-next-edit-1.5b"]')
      .first()
      .waitFor({ timeout: 60_000 });
  });

  uiFailurePolicy(this, () => session, "next edit ");

  after(async () => {
    await session?.stop();
    engine?.close();
  });

  const inserted = (): Promise<string[]> => session.page.evaluate(READ_INSERTED);
  async function waitForInserted(count: number): Promise<void> {
    try {
      await session.page.waitForFunction(
        `(${READ_INSERTED}).filter((text) => text === "amount").length === ${count}`,
        undefined,
        {
          timeout: 20_000,
        },
      );
    } catch {
      throw new Error(`next edits drawn: ${JSON.stringify(await inserted())}, expected ${count} × "amount"`);
    }
  }
  const cursorIs = (line: number, column: number) => workbench.cursorAt(line, column);

  /** Renames `value` in the signature the way a user does: select the word, type the new name. */
  async function renameParameter(file: string): Promise<void> {
    await workbench.openFile(file);
    await workbench.goTo(1, 16);
    await session.page.keyboard.press("Control+Shift+ArrowRight");
    await workbench.type("amount");
  }

  it("draws the matching edits after a rename; Tab jumps, Tab accepts, and the file reads right", async () => {
    await renameParameter("scale.ts");
    await waitForInserted(3);
    if (process.env.HEARTH_UPDATE_SCREENSHOTS === "1") {
      // The README's pictures of next edits (light and dark theme) come from this very moment of the test.
      const editor = session.page.locator(".part.editor");
      await editor.screenshot({ path: join(ROOT, "docs", "images", "next-edit.png") });
      session.writeSettings({ ...settings, "workbench.colorTheme": "Default Dark Modern" });
      await session.page.locator(".monaco-workbench.vs-dark").waitFor({ timeout: 10_000 });
      await session.page.waitForTimeout(500);
      await editor.screenshot({ path: join(ROOT, "docs", "images", "next-edit-dark.png") });
      session.writeSettings(settings);
      await session.page.locator(".monaco-workbench.vs").waitFor({ timeout: 10_000 });
    }
    await cursorIs(1, 22);
    await session.page.keyboard.press("Tab");
    await cursorIs(2, 19); // jumped to the first edit; nothing changed yet
    await waitForInserted(3);
    await session.page.keyboard.press("Tab");
    await waitForInserted(2); // accepted: the other two stay, where they now are
    await session.page.keyboard.press("Tab");
    await cursorIs(3, 18);
    await session.page.keyboard.press("Tab");
    await waitForInserted(1);
    // Two quick presses: the second waits for the first.
    await session.page.keyboard.press("Tab");
    await session.page.keyboard.press("Tab");
    await waitForInserted(0);
    assert.equal(await workbench.editorText(), SOURCE.replace(/value/g, "amount"));
    // Each accepted edit is one undo step.
    await session.page.keyboard.press("Control+Z");
    await session.page.waitForFunction(
      `[...document.querySelectorAll(".monaco-editor .view-line")].some((line) => line.textContent.replace(/\\u00a0/g, " ") === "  return doubled * factor + value;")`,
      undefined,
      { timeout: 10_000 },
    );
  });

  it("Esc dismisses the edits and leaves the file as the user left it", async () => {
    await renameParameter("dismiss.ts");
    await waitForInserted(3);
    await session.page.keyboard.press("Escape");
    await waitForInserted(0);
    assert.equal(await workbench.editorText(), SOURCE.replace("(value", "(amount"));
  });

  it("with eagerness high, moving to another line after an edit asks again", async () => {
    session.writeSettings({ ...settings, "hearth.nextEdit.eagerness": "high" });
    await renameParameter("eager.ts");
    await waitForInserted(3);
    await session.page.keyboard.press("Escape");
    await waitForInserted(0);
    await session.page.keyboard.press("ArrowDown");
    await waitForInserted(3);
    session.writeSettings(settings);
  });

  it("counts what the user did in the local suggestion record: cleared on request, then shown, accepted, dismissed, undone", async () => {
    await workbench.runCommand("Hearth: Clear Suggestion Record");
    const dialog = session.page.locator(".monaco-dialog-box", { hasText: "Clear Hearth's suggestion record?" });
    await dialog.waitFor({ timeout: 15_000 });
    await dialog.locator(".monaco-button", { hasText: /^Clear$/ }).click();
    await dialog.waitFor({ state: "detached" });
    recordTry++;
    await renameParameter(`record${recordTry}.ts`);
    await waitForInserted(3);
    await session.page.keyboard.press("Tab");
    await cursorIs(2, 19);
    await session.page.keyboard.press("Tab");
    await waitForInserted(2);
    await session.page.keyboard.press("Escape");
    await waitForInserted(0);
    // Undo takes the accepted edit back (the edit the undo makes may bring new suggestions: only "shown" can grow).
    await session.page.keyboard.press("Control+Z");
    await workbench.runCommand("Hearth: Show Suggestion Record");
    const row = /^\| Next edits \| sweep-next-edit-1\.5b \| sweep \| (\d+) \| 1 \| 2 \| 1 \| \d+% \|$/;
    await workbench.waitForLine(row);
    const text = await workbench.editorText();
    assert.match(text, /Never sent anywhere\./);
    const shown = Number(
      text
        .split("\n")
        .find((line) => row.test(line))
        ?.match(row)?.[1],
    );
    assert.ok(shown >= 3, `shown ${shown}`);
    assert.doesNotMatch(text, /Ghost text/, "completions are off: no ghost text was counted");
  });

  it("after a rename, a hint points to another file that uses the name; Tab opens it at the edit, Tab accepts there, then in files viewed and closed, skipping one changed on disk", async () => {
    crossFileTry++;
    const name = `area${crossFileTry}`;
    const defining = `${name}.ts`;
    const using = `floor${crossFileTry}.ts`;
    const usage = floorSource(name);
    const viewed = `room${crossFileTry}.ts`;
    const changed = `hall${crossFileTry}.ts`;
    // Viewed and closed: their lines were forwarded as context (after a view settles), and the server reads them on
    // disk. The one viewed last comes first.
    for (const file of [viewed, changed]) {
      await workbench.openFile(file);
      await session.page.waitForTimeout(1500);
      await workbench.runCommand("View: Close Editor");
    }
    await workbench.openFile(using); // open, so the language server knows what it says
    await workbench.openFile(defining);
    await workbench.goTo(1, 17);
    await session.page.keyboard.press("Control+Shift+ArrowRight");
    await workbench.type("surface");
    const hint = `Tab ⇥ next edit in ${using}:1`;
    await session.page.waitForFunction(`(${READ_INSERTED}).includes(${JSON.stringify(hint)})`, undefined, { timeout: 20_000 });
    if (process.env.HEARTH_UPDATE_SCREENSHOTS === "1") {
      // The README's picture: the editor alone, wide enough for the hint.
      await workbench.runCommand("View: Toggle Primary Side Bar Visibility");
      await session.page.waitForTimeout(500);
      const box = await session.page.locator(".part.editor").boundingBox();
      await session.page.screenshot({
        path: join(ROOT, "docs", "images", "next-edit-cross-file.png"),
        clip: box ? { x: box.x, y: box.y, width: box.width, height: 200 } : undefined,
      });
    }
    await session.page.keyboard.press("Tab");
    await session.page.locator(".tab.active", { hasText: using }).waitFor({ timeout: 10_000 });
    await cursorIs(1, 10); // at the first edit there; nothing changed yet
    const drawn = () => session.page.evaluate(`(${READ_INSERTED}).filter((text) => text === "surface").length`);
    await session.page.waitForFunction(`(${READ_INSERTED}).filter((text) => text === "surface").length === 2`, undefined, {
      timeout: 10_000,
    });
    if (process.env.HEARTH_UPDATE_SCREENSHOTS === "1") {
      const box = await session.page.locator(".part.editor").boundingBox();
      await session.page.screenshot({
        path: join(ROOT, "docs", "images", "next-edit-cross-file-there.png"),
        clip: box ? { x: box.x, y: box.y, width: box.width, height: 200 } : undefined,
      });
      await workbench.runCommand("View: Toggle Primary Side Bar Visibility");
    }
    await session.page.keyboard.press("Tab");
    await session.page.keyboard.press("Tab");
    await session.page.keyboard.press("Tab");
    // Both accepted there; the walk goes on to the files that aren't open. The first changed on disk meanwhile: Tab
    // skips it (its edits were made for the old text) and points to the next.
    const hintTo = (file: string) =>
      session.page.waitForFunction(`(${READ_INSERTED}).includes(${JSON.stringify(`Tab ⇥ next edit in ${file}:1`)})`, undefined, {
        timeout: 10_000,
      });
    await hintTo(changed);
    assert.equal(await workbench.editorText(), usage.replaceAll(name, "surface"), `drawn: ${await drawn()}`);
    writeFileSync(join(session.workspace, changed), `// changed\n${hallSource(name)}`);
    await session.page.keyboard.press("Tab");
    await hintTo(viewed);
    assert.equal(await session.page.locator(".tab", { hasText: changed }).count(), 0, "the changed file isn't opened");
    await session.page.keyboard.press("Tab");
    await session.page.locator(".tab.active", { hasText: viewed }).waitFor({ timeout: 10_000 });
    await session.page.waitForFunction(`(${READ_INSERTED}).filter((text) => text === "surface").length === 2`, undefined, {
      timeout: 10_000,
    });
    await session.page.keyboard.press("Tab");
    await session.page.keyboard.press("Tab");
    await session.page.keyboard.press("Tab");
    await workbench.waitForEditorText(roomSource(name).replaceAll(name, "surface"));
  });
});

describe("next edits and ghost text never fight (code-server + Chromium)", function () {
  this.timeout(120_000);
  let session: CodeServerSession;
  let workbench: Workbench;

  before(async function () {
    this.timeout(600_000);
    session = await CodeServerSession.start({
      tools: provisionedTools(),
      vsix: packageVsix(),
      // The bigram completion model completes `ret` with `urn a+b;`; the "fix" model, as the next-edit model,
      // rewrites every window to `let x=1;`, so it always has an edit to propose.
      settings: {
        "hearth.completion.model": bigramModelPath("qwen"),
        "hearth.nextEdit.model": bigramModelPath("qwen", "fix"),
        "hearth.local.threads": 1,
        "[markdown]": { "editor.wordWrap": "off" },
      },
      files: { "both.ts": "function add(a: number, b: number) {\n  \n}\n" },
    });
    workbench = new Workbench(session.page);
  });

  uiFailurePolicy(this, () => session, "next edit ");

  after(async () => {
    await session?.stop();
  });

  it("while ghost text is on screen, next edits wait; Tab takes the ghost text", async () => {
    await workbench.openFile("both.ts");
    await workbench.waitForHearthState("ready");
    await workbench.goToLineEnd(2);
    await workbench.type("ret");
    await workbench.waitForGhostText("urn a+b;");
    // Give the next-edit request time to come back (it asks 250 ms after the last key).
    await session.page.waitForTimeout(1500);
    assert.deepEqual(await session.page.evaluate(READ_INSERTED), [], "no next edit drawn over the ghost text");
    await session.page.keyboard.press("Tab");
    await workbench.waitForGhostText("");
    assert.equal(await workbench.editorText(), "function add(a: number, b: number) {\n  return a+b;\n}\n");
    // The accept ran the item's command: the local suggestion record counts it under the completion model.
    await workbench.runCommand("Hearth: Show Suggestion Record");
    const row = /^\| Ghost text \| bigram-qwen-v\d+(\.gguf)? \| fim \| [1-9]\d* \| 1 \| — \| 0 \| \d+% \|$/;
    await workbench.waitForLine(row);
  });
});
