/**
 * Huge and odd documents through the real server (bigram model): a 10 MB file, a 1 MB line, NUL and binary bytes,
 * CRLF and lone CR line breaks, tabs, and characters outside the BMP at the cursor. Suggestions stay exact at LSP's
 * UTF-16 positions, and a huge document costs about what a small one does.
 */
import { strict as assert } from "node:assert";
import { predictBigramText } from "../fixtures/gguf/bigramModel";
import { bigramModelPath } from "../fixtures/gguf/testModels";
import { LspTestClient } from "./lspTestClient";

describe("huge and odd documents", function () {
  this.timeout(120_000);
  let client: LspTestClient;
  let counter = 0;

  before(async () => {
    client = await LspTestClient.start({ completion: { model: bigramModelPath("qwen") }, local: { threads: 1 } });
    await client.open("file:///odd/warm.ts", "  ret\n");
    await client.waitForStatus((s) => s.role === "completion" && s.state === "ready");
    assert.equal(await client.completionText("file:///odd/warm.ts", 0, 5), "urn a+b;");
  });
  after(() => client.stop());

  async function suggest(text: string, line: number, character: number): Promise<{ text?: string; ms: number; range?: unknown }> {
    const uri = `file:///odd/doc${++counter}.ts`;
    await client.open(uri, text);
    const started = performance.now();
    const list = await client.complete(uri, line, character, { explicit: true });
    const item = list?.items[0];
    const insert = item?.insertText;
    return { text: typeof insert === "string" ? insert : insert?.value, ms: performance.now() - started, range: item?.range };
  }

  it("a 10 MB file: exact, and no slower than a small file by more than a little", async () => {
    const around = (lines: number) => {
      const filler = "let value = compute(1, 2);\n".repeat(lines);
      return `${filler}function add(a, b) {\n  ret\n}\n${filler}`;
    };
    const text = around(200_000); // 5.4 MB each side
    assert.ok(text.length > 10_000_000);
    // The same 64 + 16 lines around the cursor, in a file of 200 lines and in one of 400,000.
    const small = await suggest(around(100), 101, 5);
    const huge = await suggest(text, 200_001, 5);
    assert.equal(huge.text, "urn a+b;");
    console.log(`      10 MB file: ${huge.ms.toFixed(0)} ms (the same window in a 200-line file: ${small.ms.toFixed(0)} ms)`);
    // Not a speed test: a guard against reading or tokenizing the whole file per request (that takes seconds).
    assert.ok(huge.ms < small.ms + 1500, `${huge.ms} ms`);
  });

  it("a single 1 MB line", async () => {
    const line = `${"x".repeat(1_000_000)} ret`;
    const result = await suggest(line, 0, line.length);
    assert.equal(result.text, "urn a+b;");
    // Bounded by the window's character cap on the cursor's line, not by the line: a guard, not a speed test.
    const metrics = await client.lastMetrics();
    assert.ok(metrics && metrics.promptTokens <= 4_100, JSON.stringify(metrics));
  });

  it("NUL and other binary bytes before the cursor", async () => {
    const binary = Array.from({ length: 4096 }, (_, i) => String.fromCharCode(i % 256)).join("");
    const result = await suggest(`${binary}\n  ret\n`, 1 + (binary.match(/\r\n|\r|\n/g)?.length ?? 0), 5);
    assert.equal(result.text, "urn a+b;");
    const afterNul = await suggest("a\u0000", 0, 2);
    assert.equal(afterNul.text, undefined, "NUL has no continuation in the fixture; no crash either");
  });

  it("CRLF and lone CR line breaks count as LSP lines", async () => {
    assert.equal((await suggest("function f() {\r\n  ret\r\n}\r\n", 1, 5)).text, "urn a+b;");
    assert.equal((await suggest("a\r  ret\rb", 1, 5)).text, "urn a+b;");
  });

  it("tabs and mixed indentation", async () => {
    assert.equal((await suggest("\t  \tret\n", 0, 7)).text, "urn a+b;");
  });

  it("characters outside the BMP before the cursor: positions are UTF-16 code units", async () => {
    const line = "const s = '😀中文';  ret";
    assert.equal(line.length, "const s = '".length + 2 + 2 + "';  ret".length);
    const result = await suggest(line, 0, line.length);
    assert.equal(result.text, "urn a+b;");
    assert.deepEqual(result.range, { start: { line: 0, character: line.length }, end: { line: 0, character: line.length } });
    // Right after the emoji: the model sees its last UTF-8 byte; the answer (if any) is the fixture's prediction.
    const afterEmoji = await suggest("😀", 0, 2);
    assert.ok(afterEmoji.text === undefined || predictBigramText("qwen", "😀").startsWith(afterEmoji.text));
    // Between the two halves of a surrogate pair: a position no editor sends, answered without crashing.
    await suggest("a😀b", 0, 2);
    assert.equal((await suggest("  ret", 0, 5)).text, "urn a+b;", "the server is still answering");
  });
});
