/**
 * The remote engine's failure handling, against a real HTTP server on 127.0.0.1 that misbehaves on purpose
 * (401, 404, 500, 503 while loading, a server that never answers, HTML instead of JSON, a closed port),
 * through the real language server: each gives a specific message and fix, and nothing hangs.
 */
import { strict as assert } from "node:assert";
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { freePort } from "../fixtures/llamaServer";
import { LspTestClient } from "../lsp/lspTestClient";

type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void;

/** An HTTP server whose answer per path is set by each test; it records the requests it saw. */
class MisbehavingServer {
  readonly seen: { path: string; authorization?: string; body: string }[] = [];
  handlers = new Map<string, Handler>();
  private readonly server: Server;

  constructor() {
    this.server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on("end", () => {
        const path = (request.url ?? "").split("?")[0] ?? "";
        this.seen.push({ path, authorization: request.headers.authorization, body });
        const handler = this.handlers.get(path);
        if (handler) handler(request, response, body);
        else json(response, 404, { error: { message: `no route ${path}` } });
      });
    });
  }

  async listen(): Promise<string> {
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): void {
    this.server.closeAllConnections();
    this.server.close();
  }
}

function json(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(value));
}

const OPENAI_MODELS: Handler = (_request, response) => json(response, 200, { data: [{ id: "coder" }, { id: "chat" }] });

function sse(response: ServerResponse, events: unknown[]): void {
  response.writeHead(200, { "content-type": "text/event-stream" });
  for (const event of events) response.write(`data: ${JSON.stringify(event)}\n\n`);
  response.end("data: [DONE]\n\n");
}

describe("remote engine: failures against a misbehaving HTTP server", function () {
  this.timeout(30_000);
  let server: MisbehavingServer;
  let url: string;
  let client: LspTestClient | undefined;

  beforeEach(async () => {
    server = new MisbehavingServer();
    url = await server.listen();
  });
  afterEach(async () => {
    await client?.stop();
    client = undefined;
    server.close();
  });

  async function start(remote: Record<string, unknown>, env: Record<string, string> = {}) {
    const previous = { ...process.env };
    Object.assign(process.env, env);
    try {
      client = await LspTestClient.start({ engine: "remote", remote: { api: "openai", url, ...remote } });
    } finally {
      process.env = previous;
    }
    await client.open("file:///w/a.ts", "  ret\n");
    return client;
  }

  const errorStatus = (c: LspTestClient, role: "completion" | "chat") =>
    c.waitForStatus((s) => s.role === role && s.state === "error", 10_000);

  it("401: says the key was refused and how to set it; the key is sent as a bearer token", async () => {
    server.handlers.set("/v1/models", (_request, response) => json(response, 401, { error: { message: "Invalid API Key" } }));
    const c = await start({}, { HEARTH_REMOTE_API_KEY: "sk-test-123" });
    const status = await errorStatus(c, "completion");
    assert.match(status.message ?? "", /refused the request \(401: Invalid API Key\)/);
    assert.match(status.fix ?? "", /Set Remote Engine API Key/);
    assert.equal(server.seen[0]?.authorization, "Bearer sk-test-123");
  });

  it("404: names the URL, the API and the model settings", async () => {
    const c = await start({ api: "llama-server" });
    const status = await errorStatus(c, "completion");
    assert.match(status.message ?? "", /has no \/health \(404/);
    assert.match(status.fix ?? "", /hearth\.remote\.url .*without \/v1/);
    assert.equal(status.setting, "hearth.remote.url");
  });

  it("a model name the server does not serve: lists the names it does", async () => {
    server.handlers.set("/v1/models", OPENAI_MODELS);
    const c = await start({ completionModel: "qwen-typo" });
    const status = await errorStatus(c, "completion");
    assert.match(status.message ?? "", /does not serve “qwen-typo”\. It serves: coder, chat/);
    assert.equal(status.setting, "hearth.remote.completionModel");
  });

  it("500: passes the server's own message on; 503 while loading is retried for chat until it works", async () => {
    server.handlers.set("/v1/models", OPENAI_MODELS);
    server.handlers.set("/v1/completions", (_request, response) =>
      json(response, 500, { error: { message: "CUDA out of memory" } }),
    );
    let chatCalls = 0;
    server.handlers.set("/v1/chat/completions", (_request, response) => {
      chatCalls++;
      if (chatCalls === 1) json(response, 503, { error: { message: "Loading model" } });
      else
        sse(response, [
          { choices: [{ delta: { content: "Hel" } }] },
          { choices: [{ delta: { content: "lo" }, finish_reason: "stop" }] },
        ]);
    });
    const c = await start({ completionModel: "coder" });
    await c.waitForStatus((s) => s.role === "completion" && s.state === "ready", 10_000);
    assert.equal(await c.complete("file:///w/a.ts", 0, 5, { explicit: true }), null);
    const status = await errorStatus(c, "completion");
    assert.match(status.message ?? "", /HTTP 500: CUDA out of memory/);
    const reply = await c.chat("c1", [{ role: "user", content: "hi" }]);
    assert.equal(reply.answer, "Hello");
    assert.equal(chatCalls, 2, "one retry after the transient 503");
  });

  it("a server that never answers: the request fails after the timeout instead of hanging", async () => {
    server.handlers.set("/v1/models", OPENAI_MODELS);
    server.handlers.set("/v1/chat/completions", () => {
      // never answers
    });
    const c = await start({ timeoutSeconds: 1 });
    await c.waitForStatus((s) => s.role === "chat" && s.state === "ready", 10_000);
    const started = performance.now();
    await assert.rejects(c.chat("slow", [{ role: "user", content: "hi" }]), /did not answer within 1 s/);
    // 1 s per attempt, plus the two retries' backoff (1 s, 2 s): bounded, never a hang.
    assert.ok(performance.now() - started < 8000);
  });

  it("HTML instead of the API: says the URL or API setting is wrong", async () => {
    server.handlers.set("/v1/models", (_request, response) => {
      response.writeHead(200, { "content-type": "text/html" });
      response.end("<html><body>Router login</body></html>");
    });
    const c = await start({});
    const status = await errorStatus(c, "completion");
    assert.match(status.message ?? "", /not the expected API \(text\/html: "<html><body>Router login/);
    assert.equal(status.setting, "hearth.remote.api");
  });

  it("garbage in an event stream is an error, not a silent empty suggestion", async () => {
    server.handlers.set("/v1/models", OPENAI_MODELS);
    server.handlers.set("/v1/completions", (_request, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.end("data: {not json\n\n");
    });
    const c = await start({});
    await c.waitForStatus((s) => s.role === "completion" && s.state === "ready", 10_000);
    await c.complete("file:///w/a.ts", 0, 5, { explicit: true });
    const status = await errorStatus(c, "completion");
    assert.match(status.message ?? "", /stream event that is not JSON/);
  });

  it("a closed loopback port: says the server is unreachable and where localhost is", async () => {
    const c = await start({ url: `http://127.0.0.1:${await freePort()}` });
    const status = await errorStatus(c, "completion");
    assert.match(status.message ?? "", /Can't reach the remote engine .*ECONNREFUSED/);
    assert.match(status.fix ?? "", /Remote-SSH, WSL or code-server, a loopback address is that machine/);
  });

  it("sends the FIM prompt in the model family's spelling with its stop strings", async () => {
    server.handlers.set("/v1/models", (_request, response) =>
      json(response, 200, { data: [{ id: "deepseek-coder-6.7b-base" }] }),
    );
    server.handlers.set("/v1/completions", (_request, response) =>
      sse(response, [{ choices: [{ text: "urn 1;" }] }, { choices: [{ text: "", finish_reason: "stop" }] }]),
    );
    const c = await start({ completionModel: "deepseek-coder-6.7b-base" });
    await c.waitForStatus((s) => s.role === "completion" && s.state === "ready", 10_000);
    assert.deepEqual(await c.complete("file:///w/a.ts", 0, 5, { explicit: true }), {
      items: [{ insertText: "urn 1;", range: { start: { line: 0, character: 5 }, end: { line: 0, character: 5 } } }],
    });
    const request = JSON.parse(server.seen.find((seen) => seen.path === "/v1/completions")?.body ?? "{}");
    assert.equal(request.model, "deepseek-coder-6.7b-base");
    assert.equal(request.prompt, "<｜fim▁begin｜><｜fim▁hole｜>\n<｜fim▁end｜>  ret");
    assert.ok(request.stop.includes("<｜end▁of▁sentence｜>"));
    assert.equal(request.stream, true);
  });
});
