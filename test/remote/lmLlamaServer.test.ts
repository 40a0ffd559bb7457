/**
 * Hearth's model in VS Code's chat with a real llama-server behind `hearth.remote.*`: token counts come from the
 * served model's own tokenizer (`/tokenize`), and the models list reports the context the server serves, not the
 * 8,192-token lower bound Hearth assumes when a server doesn't say.
 */
import { strict as assert } from "node:assert";
import { loadLlamaModule } from "../../server/src/engine/local/llamaRuntime";
import { LmModelsRequest, LmTokenCountRequest } from "../../server/src/shared/lmProtocol";
import { templateModelPath } from "../fixtures/gguf/templateModel";
import { LlamaServerProcess, llamaServerBinary } from "../fixtures/llamaServer";
import { LspTestClient } from "../lsp/lspTestClient";

const FIXTURE = "qwen3-thinking-tools";
const SERVED_CONTEXT = 3072;
const MAX_TOKENS = 256;
const TEMPLATE_MARGIN = 16;

describe("VS Code's chat on llama-server: token counts and the served context", function () {
  this.timeout(120_000);
  let server: LlamaServerProcess;
  let client: LspTestClient;

  before(async function () {
    this.timeout(30 * 60_000); // the first run builds llama-server
    server = await LlamaServerProcess.start(llamaServerBinary(), await templateModelPath(FIXTURE), {
      contextSize: SERVED_CONTEXT,
    });
    client = await LspTestClient.start({
      engine: "remote",
      remote: { url: server.url, api: "llama-server" },
      chat: { maxTokens: MAX_TOKENS },
    });
    await client.waitForStatus((status) => status.role === "chat" && status.state === "ready");
  });

  after(async () => {
    await client?.stop();
    await server?.stop();
  });

  it("counts tokens with the served model's tokenizer", async () => {
    const text = "function add(a, b) { return a + b; } // adds two numbers\n\tconsole.log(add(1, 2));";
    const { getLlama } = await loadLlamaModule();
    const llama = await getLlama({ gpu: false, build: "never" });
    const vocabulary = await llama.loadModel({ modelPath: await templateModelPath(FIXTURE), vocabOnly: true });
    try {
      const expected = vocabulary.tokenize(text).length;
      assert.notEqual(expected, Math.ceil(text.length / 4), "pick a text the estimate gets wrong");
      const counted = await client.connection.sendRequest(LmTokenCountRequest.type, { text });
      assert.deepEqual(counted, { tokens: expected, exact: true });
    } finally {
      await vocabulary.dispose();
    }
  });

  it("lists the context llama-server serves", async () => {
    const [model] = await client.connection.sendRequest(LmModelsRequest.type);
    assert.equal(model.maxInputTokens, SERVED_CONTEXT - MAX_TOKENS - TEMPLATE_MARGIN, JSON.stringify(model));
    assert.equal(model.maxOutputTokens, MAX_TOKENS);
  });
});
