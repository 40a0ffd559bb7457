/**
 * Agent turns through the real language server against a scripted OpenAI-compatible engine on 127.0.0.1 that emits
 * `tool_calls`: read → edit → run drives a whole turn exactly; secrets, ignored files and links out of the workspace
 * are refused; untrusted workspaces get only the reading tools; a call that doesn't parse gets one repair; the loop
 * limit holds; old tool results are compacted to fit, and the turn says so.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { CancellationTokenSource } from "vscode-languageserver-protocol";
import {
  type AgentEvent,
  AgentEventNotification,
  AgentRunRequest,
  type AgentRunResult,
  ApproveToolRequest,
  type ProposeEditParams,
  ProposeEditRequest,
  type RunCommandParams,
  RunCommandRequest,
} from "../../server/src/shared/agentProtocol";
import { embeddingModelPath } from "../fixtures/gguf/testModels";
import { type ScriptedReply, type ScriptedRequest, ScriptedToolEngine, toolResultsIn } from "../fixtures/scriptedToolEngine";
import { LspTestClient, until } from "./lspTestClient";

const MATH = "export function add(a: number, b: number): number {\n  return a - b;\n}\n";
const SECRET = "sk-live-0123456789abcdef";

interface Harness {
  client: LspTestClient;
  engine: ScriptedToolEngine;
  folder: string;
  events: AgentEvent[];
  proposals: ProposeEditParams[];
  commands: RunCommandParams[];
  run(text: string, options?: { readOnly?: boolean }): Promise<AgentRunResult>;
  stop(): Promise<void>;
}

async function harness(
  script: (request: ScriptedRequest, index: number) => ScriptedReply,
  options: { accept?: boolean; contextTokens?: number; agent?: Record<string, unknown> } = {},
): Promise<Harness> {
  const folder = mkdtempSync(join(tmpdir(), "hearth-agent-"));
  mkdirSync(join(folder, "src"));
  mkdirSync(join(folder, "build"));
  writeFileSync(join(folder, "src", "math.ts"), MATH);
  writeFileSync(join(folder, ".env"), `API_KEY=${SECRET}\n`);
  writeFileSync(join(folder, ".gitignore"), "build/\n");
  writeFileSync(join(folder, "build", "out.js"), `// ${SECRET}\n`);
  writeFileSync(join(folder, "AGENTS.md"), "Always run npm test after a change.\n");
  const outside = mkdtempSync(join(tmpdir(), "hearth-outside-"));
  writeFileSync(join(outside, "notes.txt"), `${SECRET}\n`);
  symlinkSync(outside, join(folder, "linked"));
  const engine = new ScriptedToolEngine(script, options.contextTokens);
  const url = await engine.listen();
  const client = await LspTestClient.start(
    { engine: "remote", remote: { url, api: "openai", chatModel: "chat" }, agent: options.agent },
    "pull",
    pathToFileURL(folder).toString(),
  );
  const events: AgentEvent[] = [];
  const proposals: ProposeEditParams[] = [];
  const commands: RunCommandParams[] = [];
  client.connection.onNotification(AgentEventNotification.type, (event) => {
    events.push(event);
  });
  // The client's part, as VS Code's would do it after the user's answer: apply on Accept, run on approval.
  client.connection.onRequest(ProposeEditRequest.type, (params) => {
    proposals.push(params);
    if (options.accept === false) return { accepted: false, reason: "not like that" };
    writeFileSync(new URL(params.uri), params.after);
    return { accepted: true };
  });
  client.connection.onRequest(RunCommandRequest.type, (params) => {
    commands.push(params);
    return { approved: true, exitCode: 0, output: "1 passing" };
  });
  return {
    client,
    engine,
    folder,
    events,
    proposals,
    commands,
    run: (text, runOptions = {}) =>
      client.connection.sendRequest(AgentRunRequest.type, {
        chatId: "a1",
        messages: [{ role: "user", content: text }],
        context: [],
        readOnly: runOptions.readOnly ?? false,
      }),
    async stop() {
      await client.stop();
      engine.close();
      rmSync(folder, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    },
  };
}

const call = (name: string, args: Record<string, unknown>): ScriptedReply => ({
  toolCalls: [{ name, arguments: JSON.stringify(args) }],
});

describe("agent mode (scripted OpenAI tool_calls engine)", function () {
  this.timeout(30_000);

  it("read → edit → run: a whole turn, exactly", async () => {
    const h = await harness(
      (request) =>
        [
          call("read_file", { path: "src/math.ts", startLine: null, endLine: null }),
          call("edit_file", { path: "src/math.ts", search: "  return a - b;", replace: "  return a + b;" }),
          call("run_command", { command: "npm test" }),
          { content: "Fixed add: it subtracted." },
        ][toolResultsIn(request)],
    );
    try {
      const result = await h.run("add is wrong, fix it");
      assert.equal(result.stopReason, "done");
      assert.equal(result.answer, "Fixed add: it subtracted.");
      assert.deepEqual(
        result.steps.map((step) => step.call.name),
        ["read_file", "edit_file", "run_command"],
      );
      assert.ok(
        result.steps.every((step) => !step.result.isError),
        JSON.stringify(result.steps),
      );
      // The read result went back to the model as the tool message answering its call.
      const second = h.engine.requests[1].messages;
      const toolMessage = second.find((m) => m.role === "tool");
      assert.equal(toolMessage?.tool_call_id, "call_0");
      assert.match(toolMessage?.content ?? "", /^src\/math\.ts \(lines 1-4 of 4\)\n1: export function add/);
      assert.equal(readFileSync(join(h.folder, "src", "math.ts"), "utf8"), MATH.replace("a - b", "a + b"));
      assert.equal(h.proposals.length, 1);
      assert.equal(h.proposals[0].before, MATH);
      assert.deepEqual(result.checkpoint, [{ uri: h.proposals[0].uri, before: MATH }]);
      assert.deepEqual(
        h.commands.map((c) => [c.command, c.cwd]),
        [["npm test", h.folder]],
      );
      assert.match(h.engine.requests[3].messages.at(-1)?.content ?? "", /exit code 0\n1 passing/);
      // Rules files go into the system prompt, and the view is told which.
      assert.match(h.engine.requests[0].messages[0].content ?? "", /Rules from AGENTS\.md[^\n]*\nAlways run npm test/);
      assert.deepEqual(result.rules, ["AGENTS.md"]);
      assert.deepEqual(
        h.events.map((event) => event.kind),
        ["rules", "toolCall", "toolResult", "toolCall", "toolResult", "toolCall", "toolResult"],
      );
    } finally {
      await h.stop();
    }
  });

  it("secrets, ignored files, links out and paths outside are refused, and never reach the model", async () => {
    const paths = [".env", "build/out.js", "linked/notes.txt", "../../etc/passwd"];
    const h = await harness((request) => {
      const index = toolResultsIn(request);
      if (index < paths.length) return call("read_file", { path: paths[index], startLine: null, endLine: null });
      if (index === paths.length) return call("search_code", { query: "sk-live" });
      if (index === paths.length + 1) return call("find_files", { glob: "**/*" });
      if (index === paths.length + 2) return call("create_file", { path: "linked/planted.txt", content: "x" });
      return { content: "done" };
    });
    try {
      const result = await h.run("show me the keys");
      const reasons = result.steps.map((step) => step.result.content);
      assert.match(reasons[0], /secrets file/);
      assert.match(reasons[1], /ignored by \.gitignore/);
      assert.match(reasons[2], /link to a place outside the workspace/);
      assert.match(reasons[3], /outside the workspace folders/);
      assert.match(reasons[4], /Nothing in the workspace matches sk-live/);
      assert.deepEqual(reasons[5].split("\n").sort(), [".gitignore", "AGENTS.md", "src/math.ts"]);
      assert.ok(result.steps.slice(0, 4).every((step) => step.result.isError));
      // A new file under a link that leads out is judged by the link's real place.
      assert.match(reasons[6], /link to a place outside the workspace/);
      assert.equal(h.proposals.length, 0);
      for (const body of h.engine.bodies) assert.ok(!body.includes(SECRET), "a secret reached the model");
    } finally {
      await h.stop();
    }
  });

  it("an untrusted workspace is offered only the tools that read", async () => {
    const h = await harness(() => ({ content: "ok" }));
    try {
      await h.run("hi", { readOnly: true });
      const names = (h.engine.requests[0].tools ?? []).map((tool) => tool.function.name);
      assert.ok(names.includes("read_file") && names.includes("search_code"));
      for (const name of ["edit_file", "create_file", "run_command"]) assert.ok(!names.includes(name), name);
      assert.match(h.engine.requests[0].messages[0].content ?? "", /not trusted/);
    } finally {
      await h.stop();
    }
  });

  it("a call that doesn't parse gets one repair attempt with the parser's message", async () => {
    const broken: ScriptedReply = { toolCalls: [{ name: "read_file", arguments: '{"path": "src/math.ts"' }] };
    const h = await harness((_request, index) => (index === 0 ? broken : { content: "Read it." }));
    try {
      const result = await h.run("read math");
      assert.equal(result.stopReason, "done");
      assert.match(h.engine.requests[1].messages.at(-1)?.content ?? "", /did not parse/);
    } finally {
      await h.stop();
    }
    const twice = await harness(() => broken);
    try {
      const result = await twice.run("read math");
      assert.equal(result.stopReason, "toolCallError");
      assert.equal(twice.engine.requests.length, 2);
      assert.match(result.answer, /did not parse twice/);
    } finally {
      await twice.stop();
    }
  });

  it("a rejected edit leaves the file as it was, and the model is told", async () => {
    const h = await harness(
      (request) =>
        toolResultsIn(request) === 0
          ? call("edit_file", { path: "src/math.ts", search: "return a - b;", replace: "return a + b;" })
          : { content: "ok" },
      { accept: false },
    );
    try {
      const result = await h.run("fix add");
      assert.match(result.steps[0].result.content, /rejected this change: not like that/);
      assert.equal(readFileSync(join(h.folder, "src", "math.ts"), "utf8"), MATH);
      assert.deepEqual(result.checkpoint, []);
    } finally {
      await h.stop();
    }
  });

  it("an edit whose search block isn't in the file is refused with the nearest line", async () => {
    const h = await harness((request) =>
      toolResultsIn(request) === 0
        ? call("edit_file", { path: "src/math.ts", search: "return a minus b;", replace: "x" })
        : { content: "ok" },
    );
    try {
      const result = await h.run("fix add");
      assert.match(result.steps[0].result.content, /not in the file\. The nearest line is 2: return a - b;/);
      assert.equal(h.proposals.length, 0);
    } finally {
      await h.stop();
    }
  });

  it("Stop cancels the tool in flight: the dialog is withdrawn and nothing is applied", async () => {
    const h = await harness((request) =>
      toolResultsIn(request) === 0
        ? call("edit_file", { path: "src/math.ts", search: "return a - b;", replace: "return a + b;" })
        : { content: "should not be asked" },
    );
    let withdrawn = false;
    let asked = false;
    // An edit the user hasn't answered yet: the client learns of the Stop through the request's cancellation.
    h.client.connection.onRequest(ProposeEditRequest.type, (_params, token) => {
      asked = true;
      return new Promise((resolve) =>
        token.onCancellationRequested(() => {
          withdrawn = true;
          resolve({ accepted: false });
        }),
      );
    });
    try {
      const source = new CancellationTokenSource();
      const running = h.client.connection.sendRequest(
        AgentRunRequest.type,
        { chatId: "a1", messages: [{ role: "user", content: "fix" }], context: [], readOnly: false },
        source.token,
      );
      await until(async () => asked);
      source.cancel();
      const result = await running;
      assert.equal(result.stopReason, "aborted");
      assert.deepEqual(result.checkpoint, []);
      await until(async () => withdrawn);
      assert.equal(h.engine.requests.length, 1, "the model is not asked again after Stop");
      assert.equal(readFileSync(join(h.folder, "src", "math.ts"), "utf8"), MATH);
    } finally {
      await h.stop();
    }
  });

  it("with an embedding model, search_code also ranks by meaning (fused with BM25)", async () => {
    const search = (request: ScriptedRequest) =>
      toolResultsIn(request) === 0 ? call("search_code", { query: "xyzzy" }) : { content: "done" };
    const plain = await harness(search);
    const withEmbeddings = await harness(search, { agent: { embeddingModel: embeddingModelPath() } });
    try {
      for (const h of [plain, withEmbeddings])
        writeFileSync(join(h.folder, "src", "puzzle.ts"), 'export const riddle = "zyx yzx xzy zzz";\n');
      // No line contains "xyzzy" and no term starts with it: BM25 alone finds nothing.
      assert.match((await plain.run("find it")).steps[0].result.content, /Nothing in the workspace matches xyzzy/);
      // The fixture's vectors are byte histograms, so the chunk made of x, y and z is nearest.
      const found = (await withEmbeddings.run("find it")).steps[0].result.content;
      assert.match(found, /^No line contains that exactly; the most relevant code:\n--- src\/puzzle\.ts:1\n/, found);
    } finally {
      await plain.stop();
      await withEmbeddings.stop();
    }
  });

  it("the loop limit ends the turn and says so", async () => {
    const h = await harness(() => call("list_directory", { path: "." }), { agent: { maxToolCalls: 3 } });
    try {
      const result = await h.run("look around");
      assert.equal(result.stopReason, "loopLimit");
      assert.equal(result.steps.length, 3);
      assert.match(result.answer, /Stopped after 3 tool calls \(hearth\.agent\.maxToolCalls\)/);
    } finally {
      await h.stop();
    }
  });

  it("old tool results are compacted to fit the context, and the view is told", async () => {
    const h = await harness(
      (request) =>
        toolResultsIn(request) < 2 ? call("read_file", { path: "big.ts", startLine: null, endLine: null }) : { content: "ok" },
      { contextTokens: 8000 },
    );
    writeFileSync(
      join(h.folder, "big.ts"),
      Array.from({ length: 190 }, (_, i) => `export const value${i} = "${"x".repeat(30)}";`).join("\n"),
    );
    try {
      const result = await h.run("read big twice");
      assert.equal(result.stopReason, "done");
      assert.deepEqual(result.compacted, ["read_file big.ts: lines 1-190 of 190"]);
      assert.ok(h.events.some((event) => event.kind === "compacted"));
      const last = h.engine.requests.at(-1)?.messages.filter((m) => m.role === "tool") ?? [];
      assert.match(last[0].content ?? "", /^\(compacted to fit the context\) read_file big\.ts/);
      assert.match(last[1].content ?? "", /value189/);
    } finally {
      await h.stop();
    }
  });
});

describe("agent mode with MCP servers (the official SDK, stdio and streamable HTTP)", function () {
  this.timeout(60_000);
  const serverScript = join(__dirname, "..", "fixtures", "mcpServer.mjs");

  async function mcpHarness(mcpServers: Record<string, unknown>, approve: boolean) {
    const h = await harness(
      (request) =>
        toolResultsIn(request) === 0
          ? call("demo__shout", { text: "hello", times: null })
          : toolResultsIn(request) === 1
            ? call("demo__fail", {})
            : { content: "done" },
      { agent: { mcpServers } },
    );
    const approvals: unknown[] = [];
    h.client.connection.onRequest(ApproveToolRequest.type, (params) => {
      approvals.push(params);
      return { approved: approve };
    });
    return { h, approvals };
  }

  it("offers a stdio server's tools, asks before each call, and returns its results and errors", async () => {
    const { h, approvals } = await mcpHarness({ demo: { command: process.execPath, args: [serverScript] } }, true);
    try {
      const result = await h.run("shout hello");
      const tools = h.engine.requests[0].tools ?? [];
      const shout = tools.find((tool) => tool.function.name === "demo__shout");
      assert.match(shout?.function.description ?? "", /Upper-cases text \(from the MCP server demo\)/);
      // An optional property becomes "or null", so a grammar can always write it.
      assert.ok(shout, "the MCP tool is offered");
      assert.deepEqual((shout.function.parameters as { properties: Record<string, unknown> }).properties.times, {
        oneOf: [{ type: "integer" }, { type: "null" }],
      });
      assert.equal(result.steps[0].result.content, "HELLO");
      assert.deepEqual(approvals[0], { chatId: "a1", server: "demo", tool: "shout", arguments: { text: "hello" } });
      assert.equal(result.steps[1].result.isError, true);
      assert.match(result.steps[1].result.content, /it broke/);
    } finally {
      await h.stop();
    }
  });

  it("runs nothing the user declines, and offers no MCP tool in an untrusted workspace", async () => {
    const { h } = await mcpHarness({ demo: { command: process.execPath, args: [serverScript] } }, false);
    try {
      const result = await h.run("shout hello");
      assert.match(result.steps[0].result.content, /declined/);
      await h.run("again", { readOnly: true });
      const names = (h.engine.requests.at(-1)?.tools ?? []).map((tool) => tool.function.name);
      assert.ok(!names.some((name) => name.startsWith("demo__")), names.join(", "));
    } finally {
      await h.stop();
    }
  });

  it("uses a streamable HTTP server the same way", async () => {
    const child = spawn(process.execPath, [serverScript, "--http"], { stdio: ["ignore", "pipe", "inherit"] });
    const [line] = (await once(child.stdout, "data")) as [Buffer];
    const { h, approvals } = await mcpHarness({ demo: { url: line.toString().trim() } }, true);
    try {
      const result = await h.run("shout hello");
      assert.equal(result.steps[0].result.content, "HELLO");
      assert.equal(approvals.length, 2);
    } finally {
      await h.stop();
      child.kill();
    }
  });
});
