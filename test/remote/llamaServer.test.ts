/**
 * The remote engine against a real llama-server (built from the llama.cpp source node-llama-cpp ships) serving the
 * same bigram fixtures as the local tests, through the real language server over stdio: exact completions on both
 * APIs, exact chat, cancellation that stops the server generating, and recovery after the server dies.
 */
import { strict as assert } from "node:assert";
import { BIGRAM_SCRIPT, predictBigramText } from "../fixtures/gguf/bigramModel";
import { bigramModelPath } from "../fixtures/gguf/testModels";
import { LlamaServerProcess, llamaServerBinary } from "../fixtures/llamaServer";
import type { LspTestClient as Client } from "../lsp/lspTestClient";
import { LspTestClient } from "../lsp/lspTestClient";
import { documentAt } from "../unit/cursorFixture";

const user = (content: string) => ({ role: "user" as const, content });
const completionIs = (state: string) => (status: { role: string; state: string }) =>
  status.role === "completion" && status.state === state;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function replay(deltas: { kind: string; text?: string; thought?: string; answer?: string }[]) {
  let thought = "";
  let answer = "";
  for (const delta of deltas) {
    if (delta.kind === "reset") ({ thought = "", answer = "" } = delta);
    else if (delta.kind === "thought") thought += delta.text;
    else answer += delta.text;
  }
  return { thought, answer };
}

describe("remote engine: llama-server", function () {
  this.timeout(60_000);
  let binary: string;
  let server: LlamaServerProcess;
  let client: Client;
  let uriCounter = 0;

  before(async function () {
    this.timeout(30 * 60_000); // the first run builds llama-server (~5 min on 2 cores); later runs find it cached
    binary = llamaServerBinary();
    server = await LlamaServerProcess.start(binary, bigramModelPath("qwen"));
    client = await LspTestClient.start({ engine: "remote", remote: { url: server.url, api: "llama-server" } });
  });
  after(async () => {
    await client?.stop();
    await server?.stop();
  });

  async function openAt(documentWithCursor: string) {
    const doc = documentAt(documentWithCursor);
    const id = `file:///workspace/remote${++uriCounter}.ts`;
    await client.open(id, doc.text);
    await client.waitForStatus(completionIs("ready"));
    return { id, ...doc };
  }

  it("reports the served model and its FIM format as ready", async () => {
    await openAt("x║\n");
    const status = client.statuses.filter((s) => s.role === "completion").at(-1);
    assert.match(status?.model ?? "", /bigram-qwen-v3\.gguf \(qwen FIM\)/);
    assert.match(status?.backend ?? "", /llama-server @ 127\.0\.0\.1:\d+/);
  });

  it("returns the exact predicted suggestion, re-evaluating at most 2 prompt tokens per keystroke", async () => {
    const doc = await openAt("function add(a, b) {\n  const x = 1;\n  ret║\n}\n");
    assert.equal(await client.completionText(doc.id, doc.line, doc.character), "urn a+b;");
    const first = await client.lastMetrics();
    assert.ok(first && first.promptTokens > 20);
    await client.insert(doc.id, doc.line, doc.character, "x");
    assert.equal(await client.completionText(doc.id, doc.line, doc.character + 1), predictBigramText("qwen", "x"));
    const second = await client.lastMetrics();
    assert.equal(second?.promptTokens, first.promptTokens + 1);
    assert.ok(second && second.evaluatedPromptTokens >= 0 && second.evaluatedPromptTokens <= 2, JSON.stringify(second));
  });

  it("offers the runner-up's continuation as a second candidate on an explicit request, as the local engine does", async () => {
    const { writes, runnerUp } = BIGRAM_SCRIPT.branch;
    const doc = await openAt("const tag = 1;\nmark@║\n");
    const candidates = async () =>
      (await client.complete(doc.id, doc.line, doc.character, { explicit: true }))?.items.map((item) => item.insertText);
    assert.deepEqual(await candidates(), [writes, runnerUp]);
    // Counted as locally: the tokens of both texts, not the end-of-generation tokens.
    assert.equal((await client.lastMetrics())?.generatedTokens, writes.length + runnerUp.length);
    // Asked again, the greedy one comes from the cache and only the alternative is generated.
    assert.deepEqual(await candidates(), [writes, runnerUp]);
    assert.equal((await client.lastMetrics())?.generatedTokens, runnerUp.length);
  });

  it("puts cross-file context before the prompt, in the model's repository tokens", async () => {
    const doc = await openAt("const total = addNumbers(1, 2);\n  ret║\n");
    assert.equal(await client.completionText(doc.id, doc.line, doc.character), "urn a+b;");
    const without = await client.lastMetrics();
    const chunk = "export function addNumbers(a, b) {\n  return a + b;\n}";
    await client.sendContext({ uri: "file:///workspace/lib/math.js", path: "lib/math.js", text: chunk, startLine: 0 });
    await client.insert(doc.id, doc.line, doc.character, "x");
    assert.equal(await client.completionText(doc.id, doc.line, doc.character + 1), predictBigramText("qwen", "x"));
    const withContext = await client.lastMetrics();
    assert.ok(without && withContext);
    // Byte-level fixture: the chunk's text, its path and headers, plus four repository tokens.
    assert.ok(withContext.promptTokens >= without.promptTokens + chunk.length, JSON.stringify({ without, withContext }));
  });

  it("keeps code that spells a FIM token as text", async () => {
    const doc = await openAt('const marker = "<|fim_middle|>";\n  ret║\n');
    assert.equal(await client.completionText(doc.id, doc.line, doc.character), "urn a+b;");
  });

  it("streams the exact chat reply from /v1/chat/completions", async () => {
    const result = await client.chat("c1", [user("hello")]);
    assert.equal(result.answer, "Hi!");
    assert.deepEqual(replay(client.chatDeltas.get("c1") ?? []), { thought: "", answer: "Hi!" });
  });

  it("cancelling a completion closes the request and the server stops generating", async () => {
    await client.changeSettings({
      engine: "remote",
      remote: { url: server.url, api: "llama-server" },
      completion: { maxTokens: 2048, timeoutMs: 60_000 },
    });
    const doc = await openAt("~║\n");
    const started = performance.now();
    const result = await client.complete(doc.id, doc.line, doc.character, { cancelAfterMs: 300 }).catch((e: Error) => e);
    assert.ok(result === null || result instanceof Error, JSON.stringify(result));
    assert.ok(performance.now() - started < 1500);
    // The slot goes idle soon after the connection closes, well before 2,048 tokens could be generated.
    let idle = false;
    for (let i = 0; i < 20 && !idle; i++) {
      await sleep(50);
      idle = (await server.slots()).every((slot) => !slot.is_processing);
    }
    assert.ok(idle, "llama-server kept generating after the request was cancelled");
  });

  it("completes over the OpenAI-compatible /v1/completions with the family's FIM text", async () => {
    await client.changeSettings({ engine: "remote", remote: { url: server.url, api: "openai" } });
    const doc = await openAt("function add(a, b) {\n  ret║\n}\n");
    assert.equal(await client.completionText(doc.id, doc.line, doc.character), "urn a+b;");
    assert.equal(await client.completionText(doc.id, doc.line, doc.character, { explicit: true }), "urn a+b;");
    const result = await client.chat("c2", [user("hello")]);
    assert.equal(result.answer, "Hi!");
  });
});

describe("remote engine: llama-server failures and reasoning", function () {
  this.timeout(90_000);
  let binary: string;

  before(function () {
    this.timeout(30 * 60_000);
    binary = llamaServerBinary();
  });

  it("separates the thought from the answer the same way as locally", async () => {
    const server = await LlamaServerProcess.start(binary, bigramModelPath("qwen", "reasoning"));
    const client = await LspTestClient.start({ engine: "remote", remote: { url: server.url } });
    try {
      const result = await client.chat("r1", [user("is it?")]);
      assert.equal(result.thought, "go");
      assert.equal(result.answer, "Yes");
      assert.deepEqual(replay(client.chatDeltas.get("r1") ?? []), { thought: "go", answer: "Yes" });
    } finally {
      await client.stop();
      await server.stop();
    }
  });

  it("a chat-only model: chat works and stays ready; completions say the model can't fill in the middle", async () => {
    const server = await LlamaServerProcess.start(binary, bigramModelPath("none"));
    const client = await LspTestClient.start({ engine: "remote", remote: { url: server.url } });
    try {
      await client.open("file:///c.ts", "  ret\n");
      const completion = await client.waitForStatus((s) => s.role === "completion" && s.state === "error");
      assert.match(completion.message ?? "", /has no fill-in-the-middle tokens/);
      const result = await client.chat("n1", [user("hello")]);
      assert.equal(result.answer, "Hi!");
      const chatStatuses = client.statuses.filter((s) => s.role === "chat");
      assert.equal(chatStatuses.at(-1)?.state, "ready", JSON.stringify(chatStatuses));
      assert.ok(!chatStatuses.some((s) => s.state === "error"), "chat was never marked failed");
    } finally {
      await client.stop();
      await server.stop();
    }
  });

  it("llama-server --api-key: refused without the key, served with it", async () => {
    const server = await LlamaServerProcess.start(binary, bigramModelPath("qwen"), { extraArgs: ["--api-key", "team-key"] });
    const previous = process.env.HEARTH_REMOTE_API_KEY;
    let client = await LspTestClient.start({ engine: "remote", remote: { url: server.url } });
    try {
      await client.open("file:///k.ts", "  ret\n");
      const refused = await client.waitForStatus((s) => s.role === "completion" && s.state === "error");
      assert.match(refused.message ?? "", /refused the request \(401/);
      await client.stop();
      process.env.HEARTH_REMOTE_API_KEY = "team-key";
      client = await LspTestClient.start({ engine: "remote", remote: { url: server.url } });
      await client.open("file:///k.ts", "  ret\n");
      await client.waitForStatus(completionIs("ready"));
      assert.equal(await client.completionText("file:///k.ts", 0, 5), "urn a+b;");
    } finally {
      if (previous === undefined) delete process.env.HEARTH_REMOTE_API_KEY;
      else process.env.HEARTH_REMOTE_API_KEY = previous;
      await client.stop();
      await server.stop();
    }
  });

  it("a server killed mid-reply gives a clear error, and Hearth recovers when it returns", async () => {
    // A long context lets the reply run for seconds (16k tokens), so the kill lands mid-stream.
    const server = await LlamaServerProcess.start(binary, bigramModelPath("qwen", "endlessChat"), { contextSize: 32768 });
    const client = await LspTestClient.start({
      engine: "remote",
      remote: { url: server.url, timeoutSeconds: 5 },
      chat: { maxTokens: 16384 },
    });
    try {
      const reply = client.chat("k1", [user("go on")]);
      reply.catch(() => undefined);
      while ((client.chatDeltas.get("k1")?.length ?? 0) < 5) await sleep(5);
      await server.kill();
      await assert.rejects(reply, (error: Error & { data?: { fix?: string } }) => {
        assert.match(error.message, /connection to the remote engine .* (closed|failed)|Can't reach/i);
        assert.ok(error.data?.fix, "the error says what to do");
        return true;
      });
      assert.match(replay(client.chatDeltas.get("k1") ?? []).answer, /^z+$/, "what streamed before the crash is kept");
      await client.waitForStatus((s) => s.role === "chat" && s.state === "error");
      // The next request while it is down fails fast with the loopback hint.
      await assert.rejects(client.chat("k2", [user("again")]), /Can't reach the remote engine .*ECONNREFUSED/);

      await server.launch();
      // Backoff health checks notice the server is back without any request from the user.
      await client.waitForStatus((s) => s.role === "chat" && s.state === "ready", 20_000);
      const after = await client.chat("k3", [user("go on")], { cancelAfterMs: 300 });
      assert.match(after.stopReason, /aborted/);
      assert.match(replay(client.chatDeltas.get("k3") ?? []).answer, /^z+$/);
    } finally {
      await client.stop();
      await server.stop();
    }
  });
});
