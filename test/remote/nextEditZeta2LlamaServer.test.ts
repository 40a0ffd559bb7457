/**
 * Zeta 2 over a real llama-server: `auto` recognises the format from the served vocabulary (Seed-Coder's FIM tokens),
 * the prompt goes to `/completion` as token ids with those tokens by id and the markers the vocabulary lacks as text.
 */
import { strict as assert } from "node:assert";
import { bigramModelPath } from "../fixtures/gguf/testModels";
import { LlamaServerProcess, llamaServerBinary } from "../fixtures/llamaServer";
import { LspTestClient } from "../lsp/lspTestClient";

describe("remote engine: Zeta 2's format over llama-server", function () {
  this.timeout(60_000);
  let server: LlamaServerProcess;
  let client: LspTestClient;

  before(async function () {
    this.timeout(30 * 60_000); // the first run builds llama-server; later runs find it cached
    server = await LlamaServerProcess.start(llamaServerBinary(), bigramModelPath("seed", "fix"));
    client = await LspTestClient.start({
      engine: "remote",
      // A name that says nothing: the vocabulary decides.
      remote: { url: server.url, api: "llama-server", nextEditModel: "served" },
      completion: { enabled: false },
    });
  });
  after(async () => {
    await client?.stop();
    await server?.stop();
  });

  it("recognises the Seed-Coder vocabulary and sends the FIM tokens by id, the markers as text", async () => {
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
    // One token per byte in this vocabulary, one per FIM token.
    const fimSpellings = "<[fim-suffix]><[fim-prefix]><[fim-middle]>".length;
    assert.equal(report?.promptTokens, Buffer.byteLength(report?.promptText ?? "") - fimSpellings + 3);
  });
});
