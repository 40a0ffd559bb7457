/**
 * Malformed JSON-RPC and LSP messages written straight to the real server's stdin: each gets the proper JSON-RPC
 * error (or is ignored, for notifications), and the server keeps answering.
 */
import { strict as assert } from "node:assert";
import { type ChildProcess, spawn } from "node:child_process";
import { SERVER_PATH } from "./lspTestClient";

interface Reply {
  id?: number;
  result?: unknown;
  error?: { code: number; message: string };
  method?: string;
}

class RawServer {
  readonly replies: Reply[] = [];
  private buffer = Buffer.alloc(0);
  readonly process: ChildProcess;

  constructor() {
    this.process = spawn(process.execPath, [SERVER_PATH, "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
    this.process.stdout!.on("data", (data: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, data]);
      for (;;) {
        const headerEnd = this.buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0) return;
        const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())?.[1]);
        if (this.buffer.length < headerEnd + 4 + length) return;
        this.replies.push(JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString()));
        this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      }
    });
  }

  writeBody(body: string): void {
    this.process.stdin!.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }

  send(message: object): void {
    this.writeBody(JSON.stringify({ jsonrpc: "2.0", ...message }));
  }

  async reply(id: number): Promise<Reply> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = this.replies.find((reply) => reply.id === id && reply.method === undefined);
      if (found) return found;
      if (this.process.exitCode !== null) throw new Error(`the server exited (${this.process.exitCode})`);
      if (Date.now() > deadline) throw new Error(`no reply to ${id}; got ${JSON.stringify(this.replies)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

describe("malformed messages", function () {
  this.timeout(30_000);
  let server: RawServer;

  before(async () => {
    server = new RawServer();
    server.send({
      id: 1,
      method: "initialize",
      params: { processId: null, rootUri: null, capabilities: {}, initializationOptions: {} },
    });
    await server.reply(1);
    server.send({ method: "initialized", params: {} });
  });
  after(() => server.process.kill("SIGKILL"));

  it("a body that is not JSON is dropped and the server goes on", async () => {
    server.writeBody("{not json");
    server.writeBody('{"jsonrpc": "2.0", "id": ');
    server.send({ id: 2, method: "hearth/debug/engineLoad" });
    assert.equal((await server.reply(2)).error, undefined);
  });

  it("an unknown method gets MethodNotFound; an unknown notification is ignored", async () => {
    server.send({ method: "hearth/no/such/notification", params: { x: 1 } });
    server.send({ id: 3, method: "hearth/no/such/method", params: {} });
    assert.equal((await server.reply(3)).error?.code, -32601);
  });

  it("malformed params get InvalidParams naming the field", async () => {
    server.send({ id: 4, method: "textDocument/inlineCompletion", params: {} });
    server.send({
      id: 5,
      method: "textDocument/inlineCompletion",
      params: { textDocument: { uri: "file:///a" }, position: { line: -1, character: 0 }, context: { triggerKind: 1 } },
    });
    server.send({ id: 6, method: "textDocument/codeAction", params: { textDocument: { uri: 5 } } });
    server.send({ id: 7, method: "hearth/chat/send", params: { chatId: 7, messages: "hi" } });
    server.send({ id: 8, method: "hearth/fix/compute", params: { uri: "file:///a", version: "1" } });
    const expected: [number, RegExp][] = [
      [4, /params\.textDocument/],
      [5, /params\.position/],
      [6, /params\.textDocument/],
      [7, /params\.chatId/],
      [8, /params\.version/],
    ];
    for (const [id, message] of expected) {
      const reply = await server.reply(id);
      assert.equal(reply.error?.code, -32602, JSON.stringify(reply));
      assert.match(reply.error?.message ?? "", message);
    }
  });

  it("null params where the protocol library itself reads them: an error reply, not a crash", async () => {
    server.send({ id: 12, method: "textDocument/codeAction", params: null });
    assert.ok((await server.reply(12)).error);
  });

  it("a message that is neither request nor notification is logged, not fatal", async () => {
    server.writeBody(JSON.stringify({ jsonrpc: "1.0", id: 9 }));
    server.writeBody(JSON.stringify([1, 2, 3]));
    server.send({
      id: 10,
      method: "textDocument/inlineCompletion",
      params: { textDocument: { uri: "file:///none" }, position: { line: 0, character: 0 }, context: { triggerKind: 1 } },
    });
    assert.deepEqual(await server.reply(10), { jsonrpc: "2.0", id: 10, result: null });
  });

  it("still shuts down cleanly afterwards", async () => {
    server.send({ id: 11, method: "shutdown" });
    assert.equal((await server.reply(11)).result, null);
    assert.equal(server.process.exitCode, null, "still running until exit");
  });
});
