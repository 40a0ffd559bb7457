/**
 * Agent mode with MCP servers: a real server built with the official SDK (`test/fixtures/mcpServer.mjs`), over stdio
 * and streamable HTTP; its tools are offered, every call is asked first, and none is offered read-only; two servers
 * whose tools would get the same name each get a distinct one, and a call reaches (and names) the right server.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { hashedMcpToolName } from "../../server/src/core/agent/mcpToolNames";
import { ApproveToolRequest } from "../../server/src/shared/agentProtocol";
import { toolResultsIn } from "../fixtures/scriptedToolEngine";
import { call, harness } from "./agentHarness";

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

  it("names colliding tools of two servers apart, and each call reaches the server it names", async () => {
    // `a` + `b__shout` and `a__b` + `shout` are both `a__b__shout` joined: today's first-come lookup would pick one.
    const first = { server: "a", tool: "b__shout" };
    const second = { server: "a__b", tool: "shout" };
    const h = await harness(
      (request) =>
        [
          call(hashedMcpToolName(second), { text: "hi", times: null }),
          call(hashedMcpToolName(first), { text: "hi", times: null }),
          { content: "done" },
        ][toolResultsIn(request)],
      {
        agent: {
          mcpServers: {
            a: { command: process.execPath, args: [serverScript], env: { MCP_TOOL_PREFIX: "b__", MCP_LABEL: "first" } },
            a__b: { command: process.execPath, args: [serverScript], env: { MCP_LABEL: "second" } },
          },
        },
      },
    );
    const approvals: unknown[] = [];
    h.client.connection.onRequest(ApproveToolRequest.type, (params) => {
      approvals.push(params);
      return { approved: true };
    });
    try {
      const result = await h.run("shout hi on both");
      const names = (h.engine.requests[0].tools ?? []).map((tool) => tool.function.name);
      assert.ok(!names.includes("a__b__shout"), names.join(", "));
      assert.equal(new Set(names).size, names.length, `tool names are unique: ${names.join(", ")}`);
      assert.deepEqual(
        result.steps.map((step) => step.result.content),
        ["second: HI", "first: HI"],
      );
      assert.deepEqual(approvals, [
        { chatId: "a1", server: "a__b", tool: "shout", arguments: { text: "hi" } },
        { chatId: "a1", server: "a", tool: "b__shout", arguments: { text: "hi" } },
      ]);
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
