/**
 * What a request gets beyond one suggestion: alternatives on an explicit request (VS Code's Alt+] / Alt+[ cycle
 * through them), and the suggestion cache switched off (every request asks the model).
 */
import { strict as assert } from "node:assert";
import { BIGRAM_SCRIPT } from "../fixtures/gguf/bigramModel";
import { bigramModelPath } from "../fixtures/gguf/testModels";
import { documentAt } from "../unit/cursorFixture";
import { LspTestClient, until } from "./lspTestClient";

const ready = (status: { role: string; state: string }) => status.role === "completion" && status.state === "ready";

describe("completion choices over LSP (bigram model)", function () {
  this.timeout(60_000);
  let client: LspTestClient;
  let uriCounter = 0;

  before(async () => {
    client = await LspTestClient.start({ completion: { model: bigramModelPath("qwen") }, local: { threads: 1 } });
  });
  after(() => client.stop());

  async function openAt(documentWithCursor: string) {
    const doc = documentAt(documentWithCursor);
    const id = `file:///workspace/choices${++uriCounter}.ts`;
    await client.open(id, doc.text);
    await client.waitForStatus(ready);
    return { id, ...doc };
  }

  it("offers the runner-up first token's continuation as a second candidate on an explicit request", async () => {
    const { writes, runnerUp } = BIGRAM_SCRIPT.branch;
    const doc = await openAt("const tag = 1;\nmark@║\n");
    const explicit = await client.complete(doc.id, doc.line, doc.character, { explicit: true });
    assert.deepEqual(
      explicit?.items.map((item) => item.insertText),
      [writes, runnerUp],
    );
    assert.equal((await client.lastMetrics())?.generatedTokens, writes.length + runnerUp.length, "both generated");
    // Asked again (Alt+] after the first was shown): the greedy one comes from the cache, only the runner-up is generated.
    const again = await client.complete(doc.id, doc.line, doc.character, { explicit: true });
    assert.deepEqual(
      again?.items.map((item) => item.insertText),
      [writes, runnerUp],
    );
    assert.equal((await client.lastMetrics())?.generatedTokens, runnerUp.length, "only the alternative generated");
    // The greedy suggestion is unchanged, and automatic requests (every keystroke) don't pay for alternatives.
    const fresh = await openAt("const tag = 2;\nmark@║\n");
    const automatic = await client.complete(fresh.id, fresh.line, fresh.character);
    assert.deepEqual(
      automatic?.items.map((item) => item.insertText),
      [writes],
    );
  });

  it("gives one candidate where the model has no close second", async () => {
    const doc = await openAt("function add(a, b) {\n  ret║\n}\n");
    const explicit = await client.complete(doc.id, doc.line, doc.character, { explicit: true });
    assert.deepEqual(
      explicit?.items.map((item) => item.insertText),
      [BIGRAM_SCRIPT.afterLetterT.writes],
    );
  });

  it("asks the model again for a state it has answered when the suggestion cache is off", async () => {
    const doc = await openAt("let total = 0;\n  ret║\n");
    const countCalls = async () => (await client.engineLoad()).completions;
    assert.equal(await client.completionText(doc.id, doc.line, doc.character), "urn a+b;");
    const afterFirst = await countCalls();
    // With the cache on (the default), asking again costs nothing.
    assert.equal(await client.completionText(doc.id, doc.line, doc.character), "urn a+b;");
    assert.equal(await countCalls(), afterFirst);

    await client.changeSettings({
      completion: { model: bigramModelPath("qwen"), suggestionCache: false },
      local: { threads: 1 },
    });
    // Whatever the cache-on requests speculated has finished (a positive event, not a sleep).
    await until(async () => (await client.engineLoad()).liveCompletions === 0);
    const speculatedBefore = (await client.engineLoad()).speculativeCompletions;
    try {
      assert.equal(await client.completionText(doc.id, doc.line, doc.character), "urn a+b;");
      // Typing through and deleting back each ask the model too.
      await client.insert(doc.id, doc.line, doc.character, "ur");
      assert.equal(await client.completionText(doc.id, doc.line, doc.character + 2), "n a+b;");
      await client.replace(doc.id, doc.line, doc.character, doc.character + 2, "");
      assert.equal(await client.completionText(doc.id, doc.line, doc.character), "urn a+b;");
      assert.equal(await countCalls(), afterFirst + 3);
      // Speculation only feeds the cache, so it stays off too. It would start before the server reads its next
      // message (setImmediate, queued before the answer was sent), so this request would already count it.
      assert.equal((await client.engineLoad()).speculativeCompletions, speculatedBefore);
    } finally {
      await client.changeSettings({ completion: { model: bigramModelPath("qwen") }, local: { threads: 1 } });
    }
  });
});
