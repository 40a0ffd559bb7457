/**
 * Hearth in a real VS Code: type, see the predicted ghost text, accept it; status bar; toggling.
 * Runs code-server + headless Chromium; tools come from scripts/provision-tools.mjs (run by `npm test`).
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bigramModelPath } from "../fixtures/gguf/testModels";
import { CodeServerSession } from "./codeServerSession";
import { packageVsix, provisionedTools, uiFailurePolicy } from "./setup";
import { Workbench } from "./workbench";

const ROOT = join(__dirname, "..", "..");
const settings = () => ({ "hearth.completion.model": bigramModelPath("qwen"), "hearth.local.threads": 1 });

const FILES = {
  "add.ts": "function add(a: number, b: number) {\n  \n}\n",
  "through.ts": "let x = 0;\n\n",
  "toggle.ts": "let y = 1;\n\n",
  "choices.ts": "let z = 2;\n\n",
  "calc.ipynb": notebook([
    { cell_type: "markdown", metadata: {}, source: ["Add two numbers."] },
    { cell_type: "code", execution_count: null, metadata: {}, outputs: [], source: ["def add(a, b):\n", "    "] },
  ]),
};

/** A Jupyter notebook file (nbformat 4) with these cells, in Python. */
function notebook(cells: object[]): string {
  const metadata = {
    kernelspec: { name: "python3", display_name: "Python 3", language: "python" },
    language_info: { name: "python" },
  };
  return `${JSON.stringify({ cells, metadata, nbformat: 4, nbformat_minor: 5 }, null, 1)}\n`;
}

describe("Hearth in VS Code (code-server + Chromium)", function () {
  this.timeout(120_000);
  let session: CodeServerSession;
  let workbench: Workbench;

  before(async function () {
    this.timeout(600_000);
    const tools = provisionedTools();
    const vsix = packageVsix();
    session = await CodeServerSession.start({ tools, vsix, settings: settings(), files: FILES });
    workbench = new Workbench(session.page);
  });

  uiFailurePolicy(this, () => session, "");

  after(async () => {
    await session?.stop();
  });

  it("shows the predicted ghost text, and Tab inserts exactly it", async () => {
    await workbench.openFile("add.ts");
    const label = await workbench.waitForHearthState("ready");
    assert.match(label, /bigram-qwen-v\d+\.gguf/);
    await workbench.goToLineEnd(2);
    await workbench.type("ret");
    await workbench.waitForGhostText("urn a+b;");
    if (process.env.HEARTH_UPDATE_SCREENSHOTS === "1") {
      // The README's picture of ghost text comes from this very moment of the test.
      await session.page.locator(".part.editor").screenshot({ path: join(ROOT, "docs", "images", "ghost-text.png") });
    }
    await session.page.keyboard.press("Tab");
    await workbench.waitForGhostText("");
    assert.equal(await workbench.editorText(), "function add(a: number, b: number) {\n  return a+b;\n}\n");
  });

  it("keeps a shown suggestion consistent while typing through it, and Escape dismisses it", async () => {
    await workbench.openFile("through.ts");
    await workbench.goToLineEnd(2);
    await workbench.type("ret");
    await workbench.waitForGhostText("urn a+b;");
    await workbench.type("u");
    // Sample the screen while the keystroke is handled: only the suggestion's remainder may appear, never older text.
    const samples: string[] = [];
    for (let i = 0; i < 10; i++) {
      samples.push(await workbench.ghostText());
      await session.page.waitForTimeout(30);
    }
    assert.deepEqual([...new Set(samples)], ["rn a+b;"]);
    // Deleting back along the line keeps the suggestion too: VS Code holds it, nothing blinks.
    await session.page.keyboard.press("Backspace");
    samples.length = 0;
    for (let i = 0; i < 10; i++) {
      samples.push(await workbench.ghostText());
      await session.page.waitForTimeout(30);
    }
    // (The first frames may still show the text before the key was painted; never nothing.)
    assert.ok(!samples.includes(""), `the ghost text blinked out: ${JSON.stringify(samples)}`);
    assert.deepEqual([...new Set(samples.slice(-5))], ["urn a+b;"]);
    await session.page.keyboard.press("Escape");
    await workbench.waitForGhostText("");
    assert.equal(await workbench.editorText(), "let x = 0;\nret\n");
  });

  it("cycles to another candidate with Alt+] and Alt+[, and Tab accepts the one shown", async () => {
    await workbench.openFile("choices.ts");
    await workbench.goToLineEnd(2);
    await workbench.type("mark@");
    await workbench.waitForGhostText("QZ");
    await session.page.keyboard.press("Alt+BracketRight");
    await workbench.waitForGhostText("VW");
    await session.page.keyboard.press("Alt+BracketLeft");
    await workbench.waitForGhostText("QZ");
    await session.page.keyboard.press("Alt+BracketRight");
    await workbench.waitForGhostText("VW");
    await session.page.keyboard.press("Tab");
    await workbench.waitForGhostText("");
    assert.equal(await workbench.editorText(), "let z = 2;\nmark@VW\n");
  });

  it("shows ghost text in a Jupyter notebook's code cell; Tab accepts it, and the saved notebook has it", async () => {
    await workbench.openFile("calc.ipynb");
    const line = session.page.locator(".notebookOverlay .monaco-editor .view-line", { hasText: "def add(a, b):" });
    await line.waitFor({ timeout: 30_000 });
    await line.click();
    await session.page.keyboard.press("ArrowDown");
    await session.page.keyboard.press("End");
    await workbench.type("ret");
    await workbench.waitForGhostText("urn a+b;");
    if (process.env.HEARTH_UPDATE_SCREENSHOTS === "1")
      await session.page.locator(".part.editor").screenshot({ path: join(ROOT, "docs", "images", "notebook.png") });
    await session.page.keyboard.press("Tab");
    await workbench.waitForGhostText("");
    await session.page.keyboard.press("Control+S");
    const saved = () => JSON.parse(readFileSync(join(session.workspace, "calc.ipynb"), "utf8")).cells[1].source.join("");
    for (let tries = 0; tries < 50 && saved() !== "def add(a, b):\n    return a+b;"; tries++)
      await session.page.waitForTimeout(200);
    assert.equal(saved(), "def add(a, b):\n    return a+b;", "only the cell changed, with exactly the suggestion");
  });

  it("turns suggestions off and on again from the command palette", async () => {
    await workbench.openFile("toggle.ts");
    await workbench.runCommand("Hearth: Toggle Inline Completions");
    await workbench.waitForHearthState("completions off");
    await workbench.goToLineEnd(2);
    await workbench.type("ret");
    await session.page.waitForTimeout(1500);
    assert.equal(await workbench.ghostText(), "");
    await workbench.runCommand("Hearth: Toggle Inline Completions");
    await workbench.waitForHearthState("ready");
    await workbench.goToLineEnd(2);
    await workbench.type("u");
    await workbench.waitForGhostText("rn a+b;");
  });

  it("shows a wrong model path as an error that says how to fix it, and recovers", async () => {
    session.writeSettings({ ...settings(), "hearth.completion.model": "/nonexistent/model.gguf" });
    const label = await workbench.waitForHearthState("error");
    assert.match(label, /model\.gguf/);
    await workbench.notification(/Model file not found: \/nonexistent\/model\.gguf/).waitFor({ timeout: 30_000 });
    assert.match(
      (await workbench.notification(/Model file not found/).textContent()) ?? "",
      /Check the path in hearth\.completion\.model/,
    );
    session.writeSettings(settings());
    await workbench.waitForHearthState("ready");
  });
});
