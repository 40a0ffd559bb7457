/**
 * Next edits in Zeta 2's format through the real server, against a scripted Zeta 2 engine on 127.0.0.1: the model's
 * name (`zeta-2.1`) selects the format under `auto`, the engine receives Zed's prompt exactly (the rename being typed
 * as the latest diff, the cursor in its block), and its marked answer comes back as the rename's edits. On the local
 * engine, a Seed-Coder vocabulary selects it, with the markers a vocabulary lacks sent as text.
 */
import { strict as assert } from "node:assert";
import { bigramModelPath } from "../fixtures/gguf/testModels";
import { SCALE_SOURCE } from "../fixtures/nextEditSources";
import { ScriptedZeta2Engine } from "../fixtures/scriptedZeta2Engine";
import { LspTestClient } from "./lspTestClient";

describe("next edit in Zeta 2's format (scripted engine on 127.0.0.1)", function () {
  this.timeout(30_000);
  let engine: ScriptedZeta2Engine;
  let client: LspTestClient;

  before(async () => {
    engine = new ScriptedZeta2Engine();
    const url = await engine.listen();
    client = await LspTestClient.start({
      engine: "remote",
      remote: { url, api: "openai", nextEditModel: "zeta-2.1" },
      completion: { enabled: false },
    });
  });
  after(async () => {
    await client.stop();
    engine.close();
  });

  it("sends Zed's prompt and turns the marked answer into the rename's edits", async () => {
    const uri = "file:///workspace/src/scale.ts";
    await client.open(uri, SCALE_SOURCE);
    await client.typeOver(uri, 0, 15, "value", "amount");
    const version = client.version(uri);
    const { edits, format } = await client.inlineEdits(uri, 0, 21);
    assert.equal(format, "zeta2", "the answer says which format it came from (the client's suggestion record counts by it)");
    const at = (line: number, character: number) => ({
      range: { start: { line, character }, end: { line, character: character + 5 } },
      text: "amount",
      textDocument: { uri, version },
    });
    assert.deepEqual(edits, [at(1, 18), at(2, 17), at(3, 28)]);
    const prompt = engine.prompts.find((seen) => seen.includes("(amount<|user_cursor|>")) ?? engine.prompts.join("\n---\n");
    assert.equal(
      prompt,
      [
        "<[fim-suffix]>\n<[fim-prefix]>",
        "<filename>edit_history\n--- a/src/scale.ts\n+++ b/src/scale.ts\n@@ -1,4 +1,4 @@\n",
        "-function scale(value: number, factor: number) {\n+function scale(amount: number, factor: number) {\n",
        '   const doubled = value * 2;\n   log("scaling", value);\n   return doubled * factor + value;\n',
        "\n",
        "<filename>src/scale.ts\n",
        "<|marker_1|>function scale(amount<|user_cursor|>: number, factor: number) {\n",
        '  const doubled = value * 2;\n  log("scaling", value);\n  return doubled * factor + value;\n}',
        "<|marker_2|>\n<[fim-middle]>",
      ].join(""),
    );
  });
});

describe("next edit in Zeta 2's format (local engine, generated Seed-Coder vocabulary)", function () {
  this.timeout(60_000);
  let client: LspTestClient;

  before(async () => {
    client = await LspTestClient.start({
      completion: { enabled: false },
      nextEdit: { model: bigramModelPath("seed", "fix") },
      local: { threads: 1 },
    });
  });
  after(() => client.stop());

  it("recognises the vocabulary, and sends the markers it lacks as text and Seed-Coder's FIM tokens as tokens", async () => {
    const uri = "file:///workspace/src/seed.ts";
    await client.open(uri, "let x = 1;\nlet y = 2;");
    // The generated model writes no markers: its answer can't be placed, which is reported, not offered.
    assert.deepEqual((await client.inlineEdits(uri, 1, 3)).edits, []);
    const report = await client.lastNextEdit();
    assert.equal(
      report?.promptText,
      "<[fim-suffix]>\n<[fim-prefix]><filename>src/seed.ts\n<|marker_1|>let x = 1;\nlet<|user_cursor|> y = 2;<|marker_2|>\n<[fim-middle]>",
    );
    assert.equal(report?.dropped, "unreadable");
    // One token per byte in this vocabulary, one per FIM token: <filename>, the markers and the cursor are text.
    const fimSpellings = "<[fim-suffix]><[fim-prefix]><[fim-middle]>".length;
    const textBytes = Buffer.byteLength(report?.promptText ?? "") - fimSpellings;
    assert.equal(report?.promptTokens, textBytes + 3);
  });
});
