/**
 * Next-edit suggestions through the real server: `textDocument/copilotInlineEdit` in Copilot's shape, against a
 * scripted next-edit engine on 127.0.0.1 whose rewrite is known exactly (it applies the user's latest rename to the
 * window), and against a generated GGUF model on the local engine.
 */
import { strict as assert } from "node:assert";
import { DidChangeNotebookDocumentNotification } from "vscode-languageserver-protocol";
import { EDIT_HISTORY_LIMITS } from "../../server/src/core/nextEdit/editHistory";
import { DRAFT_LENGTH } from "../../server/src/core/speculativeDrafts";
import { CHAT_SCRIPTS } from "../fixtures/gguf/bigramModel";
import { bigramModelPath } from "../fixtures/gguf/testModels";
import { SCALE_SOURCE } from "../fixtures/nextEditSources";
import { ScriptedNextEditEngine } from "../fixtures/scriptedNextEditEngine";
import { LspTestClient, until } from "./lspTestClient";

const SOURCE = SCALE_SOURCE;

describe("next edit (scripted engine on 127.0.0.1)", function () {
  this.timeout(30_000);
  let engine: ScriptedNextEditEngine;
  let client: LspTestClient;

  before(async () => {
    engine = new ScriptedNextEditEngine();
    const url = await engine.listen();
    client = await LspTestClient.start({
      engine: "remote",
      remote: { url, api: "openai", nextEditModel: "sweep-next-edit-1.5b" },
      completion: { enabled: false },
    });
  });
  after(async () => {
    await client.stop();
    engine.close();
  });
  beforeEach(() => {
    engine.lineDelayMs = 0;
  });

  it("a rename on one line yields the matching edits on the others, in the documented shape", async () => {
    const uri = "file:///workspace/src/scale.ts";
    await client.open(uri, SOURCE);
    await client.typeOver(uri, 0, 15, "value", "amount");
    const version = client.version(uri);
    const { edits, format } = await client.inlineEdits(uri, 0, 21);
    assert.equal(format, "sweep");
    const at = (line: number, character: number, length: number) => ({
      range: { start: { line, character }, end: { line, character: character + length } },
      text: "amount",
      textDocument: { uri, version },
    });
    assert.deepEqual(edits, [at(1, 18, 5), at(2, 17, 5), at(3, 28, 5)]);
    // The request's own prompt (speculation's, which follows, has the accepted edits as .diff blocks).
    const prompt = engine.seen.find((seen) => seen.prompt.includes("current/src/scale.ts"))?.prompt ?? "";
    assert.ok(
      prompt.endsWith(
        [
          // The edit being typed is the original → current pair, not a .diff block yet (see sweepPrompt.ts).
          `<|file_sep|>original/src/scale.ts\n${SOURCE}\n`,
          `<|file_sep|>current/src/scale.ts\n${SOURCE.replace("(value", "(amount")}\n`,
          "<|file_sep|>updated/src/scale.ts\n",
        ].join(""),
      ),
      prompt,
    );
    assert.ok(!prompt.includes(".diff"), prompt);
  });

  it("names a notebook's cells apart, so an edit in one cell never reads as one in another", async () => {
    const notebook = "file:///workspace/nb/analysis.ipynb";
    const cell = (id: string) => `vscode-notebook-cell:/workspace/nb/analysis.ipynb#${id}`;
    const cells = [
      { id: "N1", text: "def scale(value):\n    return value * 2" },
      { id: "N2", text: "print(scale(value=3))\nprint(scale(value=4))" },
    ];
    await client.openNotebook(
      notebook,
      cells.map((c) => ({ uri: cell(c.id), languageId: "python", text: c.text })),
    );
    const edit = async (id: string, version: number, line: number, from: number, to: number, text: string) =>
      client.connection.sendNotification(DidChangeNotebookDocumentNotification.type, {
        notebookDocument: { uri: notebook, version },
        change: {
          cells: {
            textContent: [
              {
                document: { uri: cell(id), version },
                changes: [{ range: { start: { line, character: from }, end: { line, character: to } }, text }],
              },
            ],
          },
        },
      });
    await edit("N1", 2, 0, 10, 15, "amount");
    // A pause settles that edit into the history, where the prompt lists it under its cell's name.
    await new Promise((resolve) => setTimeout(resolve, EDIT_HISTORY_LIMITS.pauseMs + 300));
    await edit("N2", 3, 0, 12, 17, "amount");
    const seenBefore = engine.seen.length;
    await client.inlineEdits(cell("N2"), 0, 18, 3);
    const prompt = engine.seen.slice(seenBefore).find((seen) => seen.prompt.includes("current/"))?.prompt ?? "";
    assert.match(prompt, /<\|file_sep\|>nb\/analysis\.ipynb#cell1\.diff\n/, prompt);
    assert.match(prompt, /<\|file_sep\|>current\/nb\/analysis\.ipynb#cell2\nprint\(scale\(amount=3\)\)/, prompt);
    assert.doesNotMatch(prompt, /analysis\.ipynb\n/, "no cell goes by the notebook's bare name");
  });

  it("after the user accepts the edits, what comes next was computed while they were on screen", async () => {
    const uri = "file:///workspace/src/accept.ts";
    await client.open(uri, SOURCE);
    await client.typeOver(uri, 0, 15, "value", "amount");
    const { edits } = await client.inlineEdits(uri, 0, 21);
    assert.equal(edits.length, 3);
    // Speculation asks the engine for the document with all three accepted, while the user looks at them.
    await until(async () =>
      engine.seen.some((seen) =>
        seen.prompt.includes("current/src/accept.ts\nfunction scale(amount: number, factor: number) {\n  const doubled = amount"),
      ),
    );
    const asked = engine.seen.length;
    // Accepting: the client applies exactly what was proposed, one edit at a time.
    for (const edit of [...edits].reverse()) await client.change(uri, edit.range, edit.text);
    const after = await client.inlineEdits(uri, 3, 33);
    assert.deepEqual(after.edits, []);
    assert.equal(engine.seen.length, asked, "answered from the speculation, without asking the engine again");
    const report = await client.lastNextEdit();
    assert.equal(report?.speculative, true);
    assert.equal(report?.dropped, "unchanged");
    // The accepted edits are history, marked as such by the prompt's .diff block.
    assert.match(report?.promptText ?? "", /updated:\n {2}const doubled = amount \* 2;\n {2}log\("scaling", amount\);\n/);
  });

  it("a change the speculation didn't expect sends a fresh request", async () => {
    const uri = "file:///workspace/src/diverge.ts";
    await client.open(uri, SOURCE);
    await client.typeOver(uri, 0, 15, "value", "amount");
    assert.equal((await client.inlineEdits(uri, 0, 21)).edits.length, 3);
    await client.insert(uri, 4, 1, "\n// end");
    await client.inlineEdits(uri, 5, 6);
    // The engine was asked about the document as it is (the edits not accepted, the new line there).
    const fresh = engine.seen.filter(
      (seen) =>
        seen.prompt.includes(
          "current/src/diverge.ts\nfunction scale(amount: number, factor: number) {\n  const doubled = value",
        ) && seen.prompt.includes("// end"),
    );
    assert.equal(fresh.length, 1);
    assert.notEqual((await client.lastNextEdit())?.speculative, true);
  });

  it("stops reading the rewrite once it is back in step with the window, and still gets the rest right", async () => {
    const uri = "file:///workspace/src/long.ts";
    const lines = ["function scale(value: number) {", "  const doubled = value * 2;"];
    for (let i = 0; i < 18; i++) lines.push(`  const step${i} = doubled + ${i};`);
    lines.push("}");
    await client.open(uri, lines.join("\n"));
    engine.lineDelayMs = 20;
    await client.typeOver(uri, 0, 15, "value", "amount");
    const { edits } = await client.inlineEdits(uri, 0, 21);
    assert.deepEqual(
      edits.map((edit) => [edit.range.start.line, edit.range.start.character, edit.text]),
      [[1, 18, "amount"]],
    );
    const seen = engine.seen.find(
      // The request's own (speculation's comes after it).
      (request) => request.prompt.includes("current/src/long.ts"),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(seen?.closedEarly, `the request was closed early`);
    assert.ok((seen?.linesSent ?? 99) <= 5, `lines read: ${seen?.linesSent}`);
    assert.equal((await client.lastNextEdit())?.stopReason, "rejoined");
  });

  it("keys typed one per slow answer stay one edit: waiting for the model is not a pause", async () => {
    const uri = "file:///workspace/src/slow.ts";
    await client.open(uri, SOURCE);
    engine.lineDelayMs = 400; // each answer takes ~2 s, longer than the pause that ends an edit
    await client.replace(uri, 0, 15, 20, "");
    for (const [offset, char] of [..."amount"].slice(0, 3).entries()) {
      await client.insert(uri, 0, 15 + offset, char);
      await client.inlineEdits(uri, 0, 16 + offset);
    }
    const prompt = (await client.lastNextEdit())?.promptText ?? "";
    assert.ok(!prompt.includes("src/slow.ts.diff"), prompt);
    assert.ok(prompt.includes("current/src/slow.ts\nfunction scale(amo: number"), prompt);
  });

  it("a keystroke cancels a prediction in flight", async () => {
    const uri = "file:///workspace/src/cancel.ts";
    await client.open(uri, SOURCE);
    await client.typeOver(uri, 0, 15, "value", "total");
    engine.lineDelayMs = 300;
    const started = performance.now();
    const pending = client.inlineEdits(uri, 0, 20);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await client.insert(uri, 0, 20, "s");
    const { edits } = await pending;
    assert.deepEqual(edits, []);
    assert.ok(performance.now() - started < 1000, "answered without waiting for the model");
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.ok(engine.seen.at(-1)?.closedEarly, "the engine's request was closed");
  });

  it("refuses a stale document version, and never predicts in a secrets file", async () => {
    const uri = "file:///workspace/src/stale.ts";
    await client.open(uri, SOURCE);
    await client.typeOver(uri, 0, 15, "value", "size");
    await assert.rejects(client.inlineEdits(uri, 0, 19, client.version(uri) - 1), (error: { code?: number }) => {
      assert.equal(error.code, -32801);
      return true;
    });
    const secrets = "file:///workspace/.env";
    await client.open(secrets, "API_KEY=value\nOTHER=value");
    await client.typeOver(secrets, 0, 8, "value", "hunter2");
    const before = engine.seen.length;
    assert.deepEqual((await client.inlineEdits(secrets, 0, 15)).edits, []);
    assert.equal(engine.seen.length, before, "nothing was sent");
    assert.ok(!engine.seen.some((seen) => seen.prompt.includes("hunter2")), "no edit of a secrets file is history");
  });

  it("answers malformed params with invalid params", async () => {
    await assert.rejects(
      client.connection.sendRequest("textDocument/copilotInlineEdit", { textDocument: { uri: "file:///x" }, position: {} }),
      (error: { code?: number }) => error.code === -32602,
    );
  });
});

describe("next edit (local engine, generated model)", function () {
  this.timeout(60_000);
  let client: LspTestClient;

  before(async () => {
    // The "fix" script answers every prompt ending in a line break with `let x=1;`, then ends.
    client = await LspTestClient.start({
      completion: { enabled: false },
      nextEdit: { model: bigramModelPath("qwen", "fix") },
      local: { threads: 1 },
    });
  });
  after(() => client.stop());

  it("rewrites the window with node-llama-cpp and offers the difference as a minimal edit", async () => {
    const uri = "file:///workspace/src/fix.ts";
    await client.open(uri, 'let x: number = "a";');
    const { edits } = await client.inlineEdits(uri, 0, 3);
    assert.deepEqual(edits, [
      {
        range: { start: { line: 0, character: 5 }, end: { line: 0, character: 19 } },
        text: "=1",
        textDocument: { uri, version: 1 },
      },
    ]);
    const report = await client.lastNextEdit();
    assert.equal(report?.stopReason, "stop");
    assert.ok(
      report?.promptText.endsWith('<|file_sep|>current/src/fix.ts\nlet x: number = "a";\n<|file_sep|>updated/src/fix.ts\n'),
    );
    // The same request again reuses the KV cache: only the last prompt token is evaluated.
    await client.inlineEdits(uri, 0, 3);
    assert.equal((await client.lastNextEdit())?.evaluatedPromptTokens, 1);
  });

  it("a keystroke re-evaluates the prompt only from the typed character on", async () => {
    const uri = "file:///workspace/src/typing.ts";
    const lines = Array.from({ length: 12 }, (_, i) => `const value${i} = compute(${i});`);
    await client.open(uri, lines.join("\n"));
    await client.insert(uri, 5, lines[5].length, " ");
    await client.inlineEdits(uri, 5, lines[5].length + 1);
    await client.insert(uri, 5, lines[5].length + 1, "/");
    await client.inlineEdits(uri, 5, lines[5].length + 2);
    const report = await client.lastNextEdit();
    const prompt = report?.promptText ?? "";
    // One token per byte in this vocabulary, the separators one each: what follows the typed "/" in the prompt.
    const after = prompt.slice(prompt.lastIndexOf(`${lines[5]} /`) + lines[5].length + 1);
    const tail = Buffer.byteLength(after) - ("<|file_sep|>".length - 1);
    assert.ok(report && report.evaluatedPromptTokens <= tail + 1, `evaluated ${report?.evaluatedPromptTokens}, tail ${tail}`);
    assert.ok(report && report.evaluatedPromptTokens < report.promptTokens / 3, JSON.stringify(report));
  });

  it("an edit that settles during a pause is evaluated ahead, so the next keystroke still costs only its tail", async () => {
    const uri = "file:///workspace/src/pause.ts";
    const lines = Array.from({ length: 12 }, (_, i) => `const total${i} = sum(${i});`);
    await client.open(uri, lines.join("\n"));
    await client.insert(uri, 5, lines[5].length, " ");
    await client.inlineEdits(uri, 5, lines[5].length + 1);
    // The pause settles the edit into the prompt's history; the server evaluates that prompt meanwhile.
    await new Promise((resolve) => setTimeout(resolve, EDIT_HISTORY_LIMITS.pauseMs + 600));
    await client.insert(uri, 5, lines[5].length + 1, "/");
    await client.inlineEdits(uri, 5, lines[5].length + 2);
    const report = await client.lastNextEdit();
    const prompt = report?.promptText ?? "";
    assert.match(prompt, /pause\.ts\.diff\noriginal:/, "the settled edit is history");
    const after = prompt.slice(prompt.lastIndexOf(`${lines[5]} /`) + lines[5].length + 1);
    const tail = Buffer.byteLength(after) - ("<|file_sep|>".length - 1);
    assert.ok(report && report.evaluatedPromptTokens <= tail + 1, `evaluated ${report?.evaluatedPromptTokens}, tail ${tail}`);
  });

  it("drafts a rewrite that copies the window by prompt lookup, in longer drafts than chat's", async () => {
    // The "copy" script writes the alphabet and the digits after a line break: the window's own line, copied.
    await client.changeSettings({ ...client.settings, nextEdit: { model: bigramModelPath("qwen", "copy") } });
    try {
      const uri = "file:///workspace/src/copy.ts";
      await client.open(uri, `${CHAT_SCRIPTS.copy}\n`);
      await client.inlineEdits(uri, 0, 0);
      const drafts = (await client.lastNextEdit())?.draftTokens;
      assert.ok(drafts && drafts.accepted > 40, JSON.stringify(drafts));
      // Chat's drafts stop growing at DRAFT_LENGTH.longest; a rewrite's go on (NEXT_EDIT_DRAFTS).
      assert.ok(drafts.longest > DRAFT_LENGTH.longest, JSON.stringify(drafts));
    } finally {
      await client.changeSettings({ ...client.settings, nextEdit: { model: bigramModelPath("qwen", "fix") } });
    }
  });

  it("reports an engine that isn't a next-edit model through the status, not as a failed request", async () => {
    await client.changeSettings({ ...client.settings, nextEdit: { model: bigramModelPath("deepseek", "fix") } });
    const uri = "file:///workspace/src/other.ts";
    await client.open(uri, "let y = 2;");
    assert.deepEqual((await client.inlineEdits(uri, 0, 0)).edits, []);
    const status = await client.waitForStatus((s) => s.role === "nextEdit" && s.state === "error");
    assert.match(status.message ?? "", /not a next-edit model: its vocabulary has no <\|file_sep\|> token/);
    assert.equal(status.setting, "hearth.nextEdit.model");
  });
});

describe("next edit without a next-edit model (the completion model at the cursor)", function () {
  this.timeout(60_000);
  let client: LspTestClient;

  before(async () => {
    client = await LspTestClient.start({ completion: { model: bigramModelPath("qwen") }, local: { threads: 1 } });
  });
  after(() => client.stop());

  it("answers with the completion as an insertion at the cursor, for editors that only ask for next edits", async () => {
    const uri = "file:///workspace/src/fim.ts";
    await client.open(uri, "function add(a, b) {\n  ret\n}\n");
    const { edits } = await client.inlineEdits(uri, 1, 5);
    const at = { line: 1, character: 5 };
    assert.deepEqual(edits, [{ range: { start: at, end: at }, text: "urn a+b;", textDocument: { uri, version: 1 } }]);
  });

  it("and nothing with next edits turned off", async () => {
    await client.changeSettings({ ...client.settings, nextEdit: { enabled: false } });
    const uri = "file:///workspace/src/off.ts";
    await client.open(uri, "function add(a, b) {\n  ret\n}\n");
    assert.deepEqual((await client.inlineEdits(uri, 1, 5)).edits, []);
  });
});
