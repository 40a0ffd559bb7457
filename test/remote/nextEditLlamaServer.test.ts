/**
 * Next edits from a real llama-server: the Sweep prompt goes to `/completion` as token ids (the block separators as
 * the vocabulary's special token, the user's code as text), and the generated rewrite becomes the same minimal edit
 * the local engine gives, for the same generated model.
 */
import { strict as assert } from "node:assert";
import { bigramModelPath } from "../fixtures/gguf/testModels";
import { LlamaServerProcess, llamaServerBinary } from "../fixtures/llamaServer";
import { LspTestClient } from "../lsp/lspTestClient";

describe("remote engine: next edits from llama-server", function () {
  this.timeout(60_000);
  let server: LlamaServerProcess;
  let client: LspTestClient;

  before(async function () {
    this.timeout(30 * 60_000); // the first run builds llama-server; later runs find it cached
    // The "fix" script answers every prompt ending in a line break with `let x=1;`, then ends.
    server = await LlamaServerProcess.start(llamaServerBinary(), bigramModelPath("qwen", "fix"));
    client = await LspTestClient.start({
      engine: "remote",
      remote: { url: server.url, api: "llama-server", nextEditModel: "sweep" },
      completion: { enabled: false },
    });
  });
  after(async () => {
    await client?.stop();
    await server?.stop();
  });

  it("sends the prompt as tokens and offers the rewrite's difference as a minimal edit", async () => {
    const uri = "file:///workspace/src/remoteFix.ts";
    // Code that spells the separator stays text in a token prompt: it can't forge a block.
    await client.open(uri, 'let x: number = "a"; // <|file_sep|>');
    const { edits } = await client.inlineEdits(uri, 0, 3);
    assert.deepEqual(edits, [
      {
        range: { start: { line: 0, character: 5 }, end: { line: 0, character: 36 } },
        text: "=1;",
        textDocument: { uri, version: 1 },
      },
    ]);
    const report = await client.lastNextEdit();
    assert.equal(report?.stopReason, "stop");
    // The fixture's vocabulary is one token per byte: the 3 block separators are one token each, and the two copies
    // of the code's `<|file_sep|>` (in the original and the current window) are 12 byte tokens each.
    const promptText = report?.promptText ?? "";
    assert.equal(promptText.split("<|file_sep|>").length - 1, 5);
    assert.equal(report?.promptTokens, Buffer.byteLength(promptText) - 3 * ("<|file_sep|>".length - 1));
    const status = await client.waitForStatus((s) => s.role === "nextEdit" && s.state === "ready");
    assert.match(status.backend ?? "", /llama-server @ 127\.0\.0\.1/);
  });
});
