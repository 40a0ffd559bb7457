/**
 * The server refuses secrets files for every input that names a file, whatever the client checked: a chat context
 * item (tried as another editor would send it) and a fix target. The model is never asked.
 */
import { strict as assert } from "node:assert";
import { HearthErrorCodes } from "../../server/src/shared/errors";
import { FixRequest } from "../../server/src/shared/protocol";
import { bigramModelPath } from "../fixtures/gguf/testModels";
import { LspTestClient } from "./lspTestClient";

describe("secrets files refused by the server", function () {
  this.timeout(60_000);
  let client: LspTestClient;

  before(async () => {
    client = await LspTestClient.start({ chat: { model: bigramModelPath("qwen", "fix") }, local: { threads: 1 } });
  });
  after(async () => {
    await client?.stop();
  });

  const refused = (label: RegExp) => (error: Error & { code?: number }) => {
    assert.equal(error.code, HearthErrorCodes.secretsFile);
    assert.match(error.message, label);
    return true;
  };

  it("a chat context item that is a .env file, by URI or by label, and the model is never asked", async () => {
    const secret = { label: ".env", uri: "file:///w/.env", text: "API_TOKEN=hunter2" };
    await assert.rejects(
      client.chat("s1", [{ role: "user", content: "what is in it?" }], { context: [secret] }),
      refused(/\.env is a secrets file/),
    );
    const byLabel = { label: "config/secrets.json:1-3", text: '{"token": "hunter2"}' };
    await assert.rejects(
      client.chat("s2", [{ role: "user", content: "and this?" }], { context: [byLabel] }),
      refused(/secrets\.json/),
    );
    assert.ok(!client.logs.join("").includes("Loaded"), "no model was loaded for them");
    // Ordinary code still goes through.
    const code = { label: "src/app.ts", uri: "file:///w/src/app.ts", text: "let x = 1;" };
    const answer = await client.chat("s3", [{ role: "user", content: "fix it" }], { context: [code] });
    assert.equal(answer.answer, "let x=1;");
  });

  it("a fix for a secrets file", async () => {
    await client.open("file:///w/config/secrets.json", '{"token": "hunter2"}\n');
    await assert.rejects(
      client.connection.sendRequest(FixRequest.type, {
        uri: "file:///w/config/secrets.json",
        version: 1,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } },
        instruction: "tidy",
      }),
      refused(/secrets file/),
    );
  });
});
