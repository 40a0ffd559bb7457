/**
 * Agent turns through the real language server against a scripted OpenAI-compatible engine on 127.0.0.1 that emits
 * `tool_calls`: read → edit → run drives a whole turn exactly; secrets, ignored files and links out of the workspace
 * are refused; untrusted workspaces get only the reading tools; a call that doesn't parse gets one repair; the loop
 * limit holds; old tool results are compacted to fit, and the turn says so; embedders by path or catalog id;
 * thoughts carried back as reasoning_content; the command timeout setting.
 */
import { strict as assert } from "node:assert";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { CancellationTokenSource } from "vscode-languageserver-protocol";
import { AgentRunRequest, ProposeEditRequest } from "../../server/src/shared/agentProtocol";
import { embeddingModelPath } from "../fixtures/gguf/testModels";
import { type ScriptedReply, type ScriptedRequest, toolResultsIn } from "../fixtures/scriptedToolEngine";
import { call, harness, MATH, SECRET } from "./agentHarness";
import { until } from "./lspTestClient";

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
        h.commands.map((c) => [c.command, c.cwd, c.timeoutMs]),
        [["npm test", h.folder, 120_000]],
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
      for (const h of [plain, withEmbeddings]) {
        writeFileSync(join(h.folder, "src", "puzzle.ts"), 'export const riddle = "zyx yzx xzy zzz";\n');
        // A chunk longer than the embedder's context is cut to fit it, start and end tokens included.
        writeFileSync(join(h.folder, "src", "long.ts"), `// ${"a".repeat(120)}\n`.repeat(40));
      }
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

  it("an embedder named by its catalog id is found in the models directory, or said to need downloading", async () => {
    const search = (request: ScriptedRequest) =>
      toolResultsIn(request) === 0 ? call("search_code", { query: "xyzzy" }) : { content: "done" };
    const models = mkdtempSync(join(tmpdir(), "hearth-models-"));
    const missing = await harness(search, { agent: { embeddingModel: "bge-small-en-v1.5" }, models: { directory: models } });
    try {
      writeFileSync(join(missing.folder, "src", "puzzle.ts"), 'export const riddle = "zyx yzx xzy zzz";\n');
      assert.match(
        (await missing.run("find it")).steps[0].result.content,
        /search by meaning is unavailable: The embedding model bge-small-en-v1\.5 is not downloaded\. Download it with Hearth: Select Model… → Embedding model/,
      );
      // Downloaded (the fixture in the catalog file's place), the same setting ranks by meaning.
      const file = join(models, "CompendiumLabs__bge-small-en-v1.5-gguf", "bge-small-en-v1.5-q8_0.gguf");
      mkdirSync(dirname(file));
      copyFileSync(embeddingModelPath(), file);
      const found = (await missing.run("find it")).steps[0].result.content;
      assert.match(found, /^No line contains that exactly; the most relevant code:\n--- src\/puzzle\.ts:1\n/, found);
    } finally {
      await missing.stop();
      rmSync(models, { recursive: true, force: true });
    }
  });

  it("a command is given hearth.agent.commandTimeoutSeconds, and the model is told it timed out", async () => {
    const h = await harness(
      (request) => [call("run_command", { command: "npm run watch" }), { content: "It never ends." }][toolResultsIn(request)],
      { agent: { commandTimeoutSeconds: 7 }, commandResult: { approved: true, timedOut: true, output: "watching…" } },
    );
    try {
      await h.run("build it");
      assert.equal(h.commands[0].timeoutMs, 7000);
      assert.match(
        h.engine.requests[1].messages.at(-1)?.content ?? "",
        /timed out after 7 s \(hearth\.agent\.commandTimeoutSeconds\)\nwatching…/,
      );
    } finally {
      await h.stop();
    }
  });

  it("a thought before a call goes back with it as reasoning_content, for the template to keep or drop", async () => {
    const h = await harness(
      (request) =>
        [{ thought: "List it first.", ...call("list_directory", { path: "." }) }, { content: "A src folder." }][
          toolResultsIn(request)
        ],
    );
    try {
      const result = await h.run("what is here?");
      assert.equal(result.answer, "A src folder.");
      const assistant = h.engine.requests[1].messages.find((m) => m.role === "assistant");
      assert.equal(assistant?.reasoning_content, "List it first.");
      assert.equal(assistant?.tool_calls?.length, 1);
    } finally {
      await h.stop();
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
