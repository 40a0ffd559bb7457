/**
 * The real language server over stdio with the generated bigram model: exact suggestions, KV-cache reuse,
 * cancellation and clear errors.
 */
import { strict as assert } from "node:assert";
import { closeSync, copyFileSync, mkdtempSync, openSync, readFileSync, readSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIGRAM_SCRIPT, predictBigramText } from "../fixtures/gguf/bigramModel";
import { bigramModelPath } from "../fixtures/gguf/testModels";
import { documentAt } from "../unit/cursorFixture";
import { LspTestClient, until } from "./lspTestClient";

const ready = (status: { role: string; state: string }) => status.role === "completion" && status.state === "ready";
const failed = (status: { role: string; state: string }) => status.role === "completion" && status.state === "error";

describe("inline completion over LSP (bigram model)", function () {
  this.timeout(60_000);
  let client: LspTestClient;
  let uriCounter = 0;
  const uri = () => `file:///workspace/file${++uriCounter}.ts`;

  before(async () => {
    client = await LspTestClient.start({ completion: { model: bigramModelPath("qwen") }, local: { threads: 1 } });
  });
  after(() => client.stop());

  async function openAt(documentWithCursor: string) {
    const doc = documentAt(documentWithCursor);
    const id = uri();
    await client.open(id, doc.text);
    await client.waitForStatus(ready);
    return { id, ...doc };
  }

  it("returns the exact predicted suggestion", async () => {
    const doc = await openAt("function add(a, b) {\n  ret║\n}\n");
    assert.equal(predictBigramText("qwen", "t"), BIGRAM_SCRIPT.afterLetterT.writes);
    assert.equal(await client.completionText(doc.id, doc.line, doc.character), "urn a+b;");
  });

  it("re-evaluates at most 2 prompt tokens per keystroke on the same line", async () => {
    const doc = await openAt("function add(a, b) {\n  const x = 1;\n  ret║\n}\n");
    assert.equal(await client.completionText(doc.id, doc.line, doc.character), "urn a+b;");
    const first = await client.lastMetrics();
    assert.ok(first && first.promptTokens > 20);
    // "x" does not continue the suggestion on screen, so the model runs again, on the cached prompt.
    await client.insert(doc.id, doc.line, doc.character, "x");
    assert.equal(await client.completionText(doc.id, doc.line, doc.character + 1), predictBigramText("qwen", "x"));
    const second = await client.lastMetrics();
    assert.ok(second, "metrics after the second request");
    assert.equal(second.promptTokens, first.promptTokens + 1);
    assert.ok(second.evaluatedPromptTokens <= 2, `re-evaluated ${second.evaluatedPromptTokens} tokens`);
  });

  it("answers from the suggestion cache without a model call: typing through, deleting back, asking again", async () => {
    const doc = await openAt("let total = 0;\n  ret║\n");
    assert.equal(await client.completionText(doc.id, doc.line, doc.character), "urn a+b;");
    const computed = await client.lastMetrics();
    await client.insert(doc.id, doc.line, doc.character, "ur");
    assert.equal(await client.completionText(doc.id, doc.line, doc.character + 2), "n a+b;");
    assert.deepEqual(await client.lastMetrics(), computed, "typing through: no model call");
    await client.replace(doc.id, doc.line, doc.character, doc.character + 2, "");
    assert.equal(await client.completionText(doc.id, doc.line, doc.character), "urn a+b;");
    assert.deepEqual(await client.lastMetrics(), computed, "deleting back: no model call");
    assert.equal(await client.completionText(doc.id, doc.line, doc.character), "urn a+b;");
    assert.deepEqual(await client.lastMetrics(), computed, "asking again: no model call");
  });

  it("speculates the suggestion after accepting the shown one, so it comes with no model call", async () => {
    const doc = await openAt("let y = 0;\n~║\n");
    await client.changeSettings({ completion: { model: bigramModelPath("qwen"), maxTokens: 4 }, local: { threads: 1 } });
    assert.equal(await client.completionText(doc.id, doc.line, doc.character), "~~~~");
    // Speculation runs once the answer is out; wait for it to finish.
    let load = await client.engineLoad();
    for (let i = 0; i < 100 && (load.speculativeCompletions === 0 || load.liveCompletions > 0); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      load = await client.engineLoad();
    }
    assert.ok(load.speculativeCompletions > 0, "a speculative suggestion was computed");
    // Accept (Tab inserts the suggestion), then ask at the new end of line.
    await client.insert(doc.id, doc.line, doc.character, "~~~~");
    assert.equal(await client.completionText(doc.id, doc.line, doc.character + 4), "~~~~");
    assert.equal((await client.engineLoad()).completions, load.completions, "answered with no model call");
    await client.changeSettings({ completion: { model: bigramModelPath("qwen") }, local: { threads: 1 } });
  });

  it("Enter deep in a file evaluates only the line break (the cursor's 16-line block sits after the middle token)", async () => {
    const lines = Array.from({ length: 150 }, (_, i) => `let v${i} = ${i};`);
    const doc = await openAt(`${lines.join("\n")}\n  ret║\n${lines.slice(0, 20).join("\n")}\n`);
    assert.equal(doc.line % 16, 6, "the cursor is inside a block, as most Enters are");
    assert.equal(await client.completionText(doc.id, doc.line, doc.character), "urn a+b;");
    await client.insert(doc.id, doc.line, doc.character, "\n");
    await client.completionText(doc.id, doc.line + 1, 0, { explicit: true });
    const metrics = await client.lastMetrics();
    assert.ok(metrics, "metrics");
    // Neither the prefix nor the suffix window is evaluated again: the prompt only grew by the line break.
    assert.ok(metrics.evaluatedPromptTokens <= 2, JSON.stringify(metrics));
    const prompt = (await client.lastPrompt()) ?? "";
    assert.ok(prompt.includes("let v143 = 143;\n<|fim_suffix|>"), "the prefix ends on the block boundary");
    assert.ok(
      prompt.endsWith(
        "<|fim_middle|>let v144 = 144;\nlet v145 = 145;\nlet v146 = 146;\nlet v147 = 147;\nlet v148 = 148;\nlet v149 = 149;\n  ret\n",
      ),
      prompt.slice(-200),
    );
  });

  it("drops a bracket that is already after the cursor", async () => {
    const doc = await openAt("print(║)\n");
    assert.equal(predictBigramText("qwen", "("), "key)");
    assert.equal(await client.completionText(doc.id, doc.line, doc.character, { explicit: true }), "key");
  });

  it("answers an explicit request on an empty line", async () => {
    // On the first line of a 16-line block the prompt ends on the middle token itself.
    const doc = await openAt("║\nlet a = 0;\n");
    assert.equal(await client.completionText(doc.id, doc.line, doc.character, { explicit: true }), "x=1");
  });

  it("skips automatic suggestions in the middle of a word", async () => {
    const doc = await openAt("ret║urn\n");
    assert.equal(await client.complete(doc.id, doc.line, doc.character), null);
    assert.equal(await client.completionText(doc.id, doc.line, doc.character, { explicit: true }), "urn a+b;");
  });

  it("never completes in secrets files", async () => {
    const before = await client.lastMetrics();
    await client.open("file:///workspace/.env", "API_KEY=ret\n");
    assert.equal(await client.complete("file:///workspace/.env", 0, 11, { explicit: true }), null);
    assert.deepEqual(await client.lastMetrics(), before, "the model never saw it");
  });

  it("returns nothing rather than an empty suggestion", async () => {
    const doc = await openAt("zz║\n");
    assert.equal(await client.complete(doc.id, doc.line, doc.character, { explicit: true }), null);
  });

  it("stops an endless generation at the token cap", async () => {
    await client.changeSettings({ completion: { model: bigramModelPath("qwen"), maxTokens: 12 }, local: { threads: 1 } });
    const doc = await openAt("~║\n");
    assert.equal(await client.completionText(doc.id, doc.line, doc.character), "~".repeat(12));
    assert.equal((await client.lastMetrics())?.stopReason, "maxTokens");
  });

  it("stops an endless generation at the time cap, keeping what it has", async () => {
    await client.changeSettings({
      completion: { model: bigramModelPath("qwen"), maxTokens: 2048, timeoutMs: 150 },
      local: { threads: 1 },
    });
    const doc = await openAt("~║\n");
    const text = await client.completionText(doc.id, doc.line, doc.character);
    const metrics = await client.lastMetrics();
    assert.equal(metrics?.stopReason, "timeout");
    assert.ok(text && /^~+$/.test(text) && text.length < 2048);
  });

  it("stops generating promptly when the client cancels", async () => {
    await client.changeSettings({
      completion: { model: bigramModelPath("qwen"), maxTokens: 2048, timeoutMs: 60_000 },
      local: { threads: 1 },
    });
    const doc = await openAt("~║\n");
    const started = performance.now();
    const result = await client.complete(doc.id, doc.line, doc.character, { cancelAfterMs: 100 }).catch((error: Error) => error);
    const elapsed = performance.now() - started;
    // vscode-jsonrpc answers a cancelled request with null or a RequestCancelled error; either way no suggestion.
    assert.ok(result === null || result instanceof Error, `unexpected ${JSON.stringify(result)}`);
    // 2,048 tokens take several seconds on this model; returning well before shows generation stopped.
    assert.ok(elapsed < 1500, `took ${elapsed} ms`);
  });

  it("lets the newest request for a document win: the older settles first, and one completion runs at a time", async () => {
    await client.changeSettings({
      completion: { model: bigramModelPath("qwen"), maxTokens: 300, timeoutMs: 60_000 },
      local: { threads: 1 },
    });
    // maxLiveCompletions is the most ever live at once in this server; requests in this file never overlap.
    assert.ok((await client.engineLoad()).maxLiveCompletions <= 1, "no earlier test left two completions live");
    const doc = await openAt("~║\n");
    const settled: string[] = [];
    const older = client.complete(doc.id, doc.line, doc.character).then((result) => {
      settled.push("older");
      return result;
    });
    // Wait for the engine to be generating the older suggestion (a positive event, not a sleep).
    await until(async () => (await client.engineLoad()).liveCompletions === 1);
    await client.insert(doc.id, doc.line, doc.character, "~");
    const newer = client.completionText(doc.id, doc.line, doc.character + 1).then((text) => {
      settled.push("newer");
      return text;
    });
    assert.equal(await older, null);
    assert.match((await newer) ?? "", /^~+$/, "the newer request answers");
    assert.deepEqual(settled, ["older", "newer"]);
    assert.equal((await client.engineLoad()).maxLiveCompletions, 1, "the older completion was aborted, not queued behind");
    await client.changeSettings({ completion: { model: bigramModelPath("qwen") }, local: { threads: 1 } });
  });

  it("returns nothing while completions are disabled", async () => {
    await client.changeSettings({ completion: { model: bigramModelPath("qwen"), enabled: false }, local: { threads: 1 } });
    const doc = await openAt("  ret║\n");
    assert.equal(await client.complete(doc.id, doc.line, doc.character), null);
    await client.changeSettings({ completion: { model: bigramModelPath("qwen") }, local: { threads: 1 } });
    assert.equal(await client.completionText(doc.id, doc.line, doc.character), "urn a+b;");
  });
});

describe("FIM formats recognised from the model's own vocabulary", function () {
  this.timeout(60_000);
  for (const family of ["deepseek", "starcoder", "seed"] as const) {
    it(`completes with ${family}-style FIM tokens`, async () => {
      const client = await LspTestClient.start({ completion: { model: bigramModelPath(family) }, local: { threads: 1 } });
      try {
        const doc = documentAt("║\nlet a = 0;\n");
        await client.open("file:///f.ts", doc.text);
        await client.waitForStatus(ready);
        // "x=1" follows only the family's own middle token, so this proves the prompt used the right spelling.
        assert.equal(await client.completionText("file:///f.ts", doc.line, doc.character, { explicit: true }), "x=1");
      } finally {
        await client.stop();
      }
    });
  }
});

describe("a suffix-first FIM family (Seed-Coder's spelling)", function () {
  this.timeout(60_000);
  it("completes exactly and re-evaluates at most 2 prompt tokens per keystroke, as prefix-first families do", async () => {
    const client = await LspTestClient.start({ completion: { model: bigramModelPath("seed") }, local: { threads: 1 } });
    try {
      const doc = documentAt("function add(a, b) {\n  const x = 1;\n  ret║\n}\n");
      await client.open("file:///seed.ts", doc.text);
      await client.waitForStatus(ready);
      assert.equal(await client.completionText("file:///seed.ts", doc.line, doc.character), predictBigramText("seed", "t"));
      const first = await client.lastMetrics();
      await client.insert("file:///seed.ts", doc.line, doc.character, "x");
      assert.equal(await client.completionText("file:///seed.ts", doc.line, doc.character + 1), predictBigramText("seed", "x"));
      const second = await client.lastMetrics();
      assert.ok(first && second, "metrics for both requests");
      assert.equal(second.promptTokens, first.promptTokens + 1);
      assert.ok(second.evaluatedPromptTokens <= 2, `re-evaluated ${second.evaluatedPromptTokens} tokens`);
    } finally {
      await client.stop();
    }
  });
});

describe("model errors", function () {
  this.timeout(60_000);
  const scratch = mkdtempSync(join(tmpdir(), "hearth-models-"));

  async function expectError(model: string, pattern: RegExp): Promise<LspTestClient> {
    const client = await LspTestClient.start({ completion: { model }, local: { threads: 1 } });
    await client.open("file:///e.ts", "ret\n");
    const status = await client.waitForStatus(failed);
    assert.match(`${status.message} ${status.fix}`, pattern);
    assert.equal(await client.complete("file:///e.ts", 0, 3, { explicit: true }), null);
    return client;
  }

  it("says when the model file is missing, and recovers when the setting is fixed", async () => {
    const client = await expectError(
      join(scratch, "missing.gguf"),
      /Model file not found: .*missing\.gguf.*Check the path in hearth\.completion\.model/,
    );
    try {
      await client.changeSettings({ completion: { model: bigramModelPath("qwen") }, local: { threads: 1 } });
      await client.waitForStatus(ready);
      assert.equal(await client.completionText("file:///e.ts", 0, 3), "urn a+b;");
    } finally {
      await client.stop();
    }
  });

  it("says when the file is an HTML page instead of a model", async () => {
    const path = join(scratch, "page.gguf");
    writeFileSync(path, "<!DOCTYPE html><html><body>401 Unauthorized</body></html>");
    await (await expectError(path, /not a GGUF model \(it looks like an HTML page/)).stop();
  });

  it("says when a GGUF file is truncated", async () => {
    const path = join(scratch, "truncated.gguf");
    const bytes = Buffer.alloc(4096);
    const fd = openSync(bigramModelPath("qwen"), "r");
    readSync(fd, bytes, 0, bytes.length, 0);
    closeSync(fd);
    writeFileSync(path, bytes);
    await (await expectError(path, /truncated\.gguf is damaged or incomplete.*Download it again/)).stop();
  });

  it("says when the model's architecture is unknown to this llama.cpp", async () => {
    const path = join(scratch, "unknown-arch.gguf");
    // The same bytes with every "llama" (the architecture and its key prefix) spelled "llxma".
    const bytes = readFileSync(bigramModelPath("qwen"));
    for (let at = bytes.indexOf("llama"); at >= 0; at = bytes.indexOf("llama", at + 5)) bytes.write("llxma", at, "latin1");
    writeFileSync(path, bytes);
    await (
      await expectError(path, /uses the model architecture “llxma”, which this version of llama\.cpp doesn't support/)
    ).stop();
  });

  it("says when the model can't fill in the middle", async () => {
    const path = join(scratch, "chat-only.gguf");
    copyFileSync(bigramModelPath("none"), path);
    await (await expectError(path, /can't fill in the middle.*Pick a base coder model/)).stop();
  });

  it("asks for a model when none is set", async () => {
    await (await expectError("", /No completion model is set.*hearth\.completion\.model/)).stop();
  });
});

describe("settings through initializationOptions (clients without workspace/configuration)", function () {
  this.timeout(60_000);
  it("serves completions configured at initialization", async () => {
    const client = await LspTestClient.start(
      { completion: { model: bigramModelPath("qwen") }, local: { threads: 1 } },
      "initializationOptions",
    );
    try {
      await client.open("file:///i.ts", "  ret\n");
      await client.waitForStatus(ready);
      assert.equal(await client.completionText("file:///i.ts", 0, 5), "urn a+b;");
    } finally {
      await client.stop();
    }
  });
});
