/**
 * The chat view in a real VS Code: a streamed reply, Stop, history after a window reload, inert HTML, and
 * Insert at Cursor, Apply reviewed in the editor. Replies come from the generated bigram chat models, so they are known exactly.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { CHAT_SCRIPTS } from "../fixtures/gguf/bigramModel";
import { bigramModelPath } from "../fixtures/gguf/testModels";
import { CodeServerSession } from "./codeServerSession";
import { packageVsix, provisionedTools, uiFailurePolicy } from "./setup";
import { Workbench } from "./workbench";

const ROOT = join(__dirname, "..", "..");
const settings = (chatModel = bigramModelPath("qwen")) => ({
  "hearth.completion.model": bigramModelPath("qwen"),
  "hearth.chat.model": chatModel,
  "hearth.chat.temperature": 0,
  // Room for a reply long enough (tens of seconds on this model) to be stopped by hand.
  "hearth.chat.maxTokens": 16000,
  "hearth.local.contextSize": 32768,
  "hearth.local.threads": 1,
  // VS Code's desktop default, so Apply is reviewed in the editor (in the browser auto save is on by default).
  "files.autoSave": "off",
});

const TOTAL =
  "export function total(xs: number[]): number {\n  let sum = 0;\n  for (const x of xs) sum += x;\n  return sum;\n}\n";
const TOTAL_FIXED = "export function total(xs: number[]): number {\n  return xs.reduce((sum, x) => sum + x, 0);\n}\n";

describe("Hearth chat view in VS Code", function () {
  this.timeout(120_000);
  let session: CodeServerSession;
  let workbench: Workbench;

  before(async function () {
    this.timeout(600_000);
    session = await CodeServerSession.start({
      tools: provisionedTools(),
      vsix: packageVsix(),
      settings: settings(),
      files: { "notes.ts": "// notes\n\n", "total.ts": TOTAL },
    });
    workbench = new Workbench(session.page);
  });

  uiFailurePolicy(this, () => session, "chat ");

  after(async () => {
    await session?.stop();
  });

  async function openChat() {
    await workbench.runCommand("Hearth: Open Chat");
    const chat = workbench.chatFrame();
    await chat.locator("#input").waitFor({ timeout: 30_000 });
    return chat;
  }

  async function send(text: string) {
    const chat = workbench.chatFrame();
    // A reply still running (or a model switching) makes Enter a no-op: wait until the view is idle.
    await chat.locator("body:not(.busy)").waitFor({ timeout: 60_000 });
    await chat.locator("#input").fill(text);
    await chat.locator("#input").press("Enter");
  }

  /**
   * The user turn just sent, found by its text: `.turn.user` last() can still be the turn before while the new one
   * renders, and CI once clicked the previous turn's Apply that way (applying its block to the wrong file).
   */
  function sentTurn(chat: ReturnType<Workbench["chatFrame"]>, text: string) {
    return chat.locator(".turn.user", { hasText: text }).last();
  }

  it("streams the predicted reply into the view", async () => {
    await workbench.openFile("notes.ts");
    const chat = await openChat();
    await send("hello");
    await chat.locator(".turn.assistant:not(.streaming) .markdown", { hasText: "Hi!" }).waitFor({ timeout: 60_000 });
    assert.equal((await chat.locator(".turn.assistant .markdown").last().textContent())?.trim(), "Hi!");
    assert.equal((await chat.locator(".turn.user .markdown").last().textContent())?.trim(), "hello");
    if (process.env.HEARTH_UPDATE_SCREENSHOTS === "1") {
      await session.page.screenshot({
        path: join(ROOT, "docs", "images", "chat.png"),
        clip: { x: 0, y: 0, width: 1280, height: 800 },
      });
    }
  });

  it("renders HTML in messages as inert text", async () => {
    const chat = workbench.chatFrame();
    await send('<img src=x onerror="document.body.dataset.pwned=1"> <script>document.body.dataset.pwned=2</script>');
    await chat.locator(".turn.user .markdown", { hasText: "<img src=x" }).waitFor();
    assert.equal(await chat.locator(".turn.user img").count(), 0);
    assert.equal(await chat.locator("#messages script").count(), 0);
    assert.equal(await chat.locator("body[data-pwned]").count(), 0);
  });

  it("blocks inline script by its Content-Security-Policy, in the real browser", async () => {
    const input = await workbench.chatFrame().locator("#input").elementHandle();
    const frame = await input?.ownerFrame();
    assert.ok(frame, "found the chat page's frame");
    // Playwright's evaluate is not subject to the page's CSP; the <script> element it adds is.
    const result = (await frame.evaluate(`new Promise((resolve) => {
      const csp = document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute("content") ?? "";
      let violated = "";
      document.addEventListener("securitypolicyviolation", (event) => { violated = event.violatedDirective; });
      const script = document.createElement("script");
      script.textContent = "document.body.dataset.cspBroken = '1'";
      document.body.append(script);
      const handler = document.createElement("img");
      handler.setAttribute("onerror", "document.body.dataset.cspBroken = '2'");
      handler.src = "data:,";
      document.body.append(handler);
      setTimeout(() => resolve({ csp, violated, ran: document.body.dataset.cspBroken ?? "" }), 500);
    })`)) as { csp: string; violated: string; ran: string };
    assert.match(result.csp, /default-src 'none'/);
    assert.match(result.csp, /script-src 'nonce-/);
    assert.equal(result.ran, "", "an injected script or handler ran");
    assert.match(result.violated, /script-src/);
  });

  it("inserts a code block at the editor's cursor", async () => {
    const chat = workbench.chatFrame();
    await send("```ts\nconst answer = 42;\n```");
    const block = sentTurn(chat, "const answer = 42;");
    await block.locator(".code-action", { hasText: "Insert at Cursor" }).waitFor();
    await workbench.goToLineEnd(2);
    await block.locator(".code-action", { hasText: "Insert at Cursor" }).click();
    await session.page.waitForFunction(
      `[...document.querySelectorAll(".monaco-editor .view-line")].some((line) => line.textContent.replace(/\\u00a0/g, " ").includes("const answer = 42;"))`,
      undefined,
      { timeout: 10_000 },
    );
  });

  it("applies a code block to the open file in the editor's review, keeping what the user types meanwhile", async () => {
    const chat = workbench.chatFrame();
    await workbench.openFile("total.ts");
    await send(`\`\`\`ts\n${TOTAL_FIXED}\`\`\``);
    const block = sentTurn(chat, "xs.reduce");
    await block.locator(".code-action", { hasText: "Apply" }).click();
    await session.page
      .locator(".monaco-editor .codelens-decoration a", { hasText: "Accept" })
      .first()
      .waitFor({ timeout: 15_000 });
    // The original body (red) above its replacement (green), the unchanged lines once.
    assert.equal(
      await workbench.editorText(),
      [TOTAL.split("\n")[0], ...TOTAL.split("\n").slice(1, 4), TOTAL_FIXED.split("\n")[1], "}", ""].join("\n"),
    );
    await session.page.locator(".part.editor").screenshot({ path: join(ROOT, "docs", "images", "review.png") });
    // The user's own edit during the review stays, whichever way it ends.
    await workbench.goToLineEnd(1);
    await workbench.type(" // sums");
    await session.page.keyboard.press("Control+Enter");
    // Exactly the code block and the user's comment; the file's final newline, untouched, still there.
    await workbench.waitForEditorText(TOTAL_FIXED.replace("number {", "number { // sums"));
    await session.page.locator(".monaco-editor .codelens-decoration a", { hasText: "Accept" }).waitFor({ state: "detached" });
  });

  it("keeps a long unbroken line inside the view: prose wraps, a code block scrolls", async () => {
    const chat = workbench.chatFrame();
    const long = `https://example.com/${"a-very-long-path-segment/".repeat(12)}end`;
    await send(`${long}\n\n\`\`\`\n${"x".repeat(400)}\n\`\`\``);
    const turn = sentTurn(chat, "a-very-long-path-segment");
    // Both, rendered: CI once measured the turn after its code block showed but before its paragraph did.
    await turn.locator(".markdown pre").waitFor();
    await turn.locator(".markdown p").waitFor();
    const measure = () =>
      turn.evaluate((element) => {
        const paragraph = element.querySelector(".markdown p") as HTMLElement;
        const pre = element.querySelector(".markdown pre") as HTMLElement;
        return {
          view: document.documentElement.clientWidth,
          turnRight: element.getBoundingClientRect().right,
          paragraph: [paragraph.scrollWidth, paragraph.clientWidth],
          pre: [pre.scrollWidth, pre.clientWidth, pre.getBoundingClientRect().right],
        };
      });
    // Measured once the view is laid out: CI once read every size as 0 (the view not laid out yet), then passed.
    let sizes = await measure();
    for (let tries = 0; sizes.turnRight === 0 && tries < 50; tries++) {
      await session.page.waitForTimeout(200);
      sizes = await measure();
    }
    assert.ok(sizes.turnRight <= sizes.view, JSON.stringify(sizes));
    assert.ok(sizes.paragraph[0] <= sizes.paragraph[1] + 1, `the URL wraps: ${JSON.stringify(sizes)}`);
    assert.ok(
      sizes.pre[0] > sizes.pre[1] && sizes.pre[2] <= sizes.view,
      `the code block scrolls inside: ${JSON.stringify(sizes)}`,
    );
  });

  it("shows a model's reply that is HTML as text, never as an element", async () => {
    session.writeSettings(settings(bigramModelPath("qwen", "html")));
    try {
      const chat = workbench.chatFrame();
      await chat.locator("#model", { hasText: "html" }).waitFor({ timeout: 30_000 });
      await chat.locator("#new-chat").click();
      await send("show me an image tag");
      const reply = chat.locator(".turn.assistant:not(.streaming) .markdown", { hasText: CHAT_SCRIPTS.html }).last();
      await reply.waitFor({ timeout: 60_000 });
      assert.equal((await reply.textContent())?.trim(), CHAT_SCRIPTS.html);
      assert.equal(await chat.locator(".turn.assistant img").count(), 0, "the model's HTML became an element");
    } finally {
      session.writeSettings(settings());
    }
  });

  it("stops a reply that would go on forever", async () => {
    session.writeSettings(settings(bigramModelPath("qwen", "endlessChat")));
    const chat = workbench.chatFrame();
    await chat.locator("#model", { hasText: "endlessChat" }).waitFor({ timeout: 30_000 });
    // The chat model reloads after the settings change; a new conversation keeps the earlier one in history.
    await chat.locator("#new-chat").click();
    await send("go on");
    await chat.locator(".turn.assistant.streaming .markdown", { hasText: "zzz" }).waitFor({ timeout: 60_000 });
    await chat.locator("#send", { hasText: "Stop" }).click();
    await chat.locator(".turn.assistant .turn-note", { hasText: "Stopped." }).waitFor({ timeout: 10_000 });
    const stopped = await chat.locator(".turn.assistant .markdown").last().textContent();
    await session.page.waitForTimeout(500);
    assert.equal(await chat.locator(".turn.assistant .markdown").last().textContent(), stopped);
    assert.match(stopped?.trim() ?? "", /^z+$/);
    session.writeSettings(settings());
  });

  it("keeps conversations after the window reloads", async () => {
    // The reload happens some time after the command runs: wait for the new page, not the old one.
    const reloaded = session.page.waitForEvent("load", { timeout: 60_000 });
    await workbench.runCommand("Developer: Reload Window");
    await reloaded;
    await session.page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
    // Keys typed before the extension is back are lost; its status item says it is.
    await workbench.hearthStatus().waitFor({ timeout: 60_000 });
    const chat = await openChat();
    // The latest conversation comes back, and the first one is in the history list.
    await chat.locator(".turn.user .markdown", { hasText: "go on" }).waitFor({ timeout: 30_000 });
    await chat.locator("#history").selectOption({ label: "hello" });
    await chat.locator(".turn.assistant .markdown", { hasText: "Hi!" }).first().waitFor({ timeout: 10_000 });
  });
});
