import { strict as assert } from "node:assert";
import { changedLines } from "../../client/src/agent/changedLines";
import { argumentProblem } from "../../server/src/agent/tool";
import { builtinTools } from "../../server/src/agent/tools/builtinTools";
import { CodeIndex } from "../../server/src/agent/tools/searchCode";
import { plainMcpToolName } from "../../server/src/core/agent/mcpToolNames";
import { grammarSchema, withoutNulls } from "../../server/src/core/agent/toolSchema";
import { isAllowedCommand } from "../../server/src/shared/commandAllowList";
import { parseSettings } from "../../server/src/shared/settingsParser";

describe("agent tools", () => {
  const tools = builtinTools(new CodeIndex());

  it("each tool has a unique name, a description, and an object schema whose properties all have types", () => {
    const names = tools.map((tool) => tool.spec.name);
    assert.deepEqual(names, [
      "read_file",
      "list_directory",
      "find_files",
      "search_code",
      "symbols",
      "definition",
      "references",
      "diagnostics",
      "edit_file",
      "create_file",
      "run_command",
    ]);
    for (const { spec } of tools) {
      assert.ok(spec.description.length > 20 && spec.description.length < 250, spec.name);
      assert.equal(spec.parameters.type, "object");
      const properties = Object.entries(spec.parameters.properties);
      assert.ok(properties.length > 0, spec.name);
      // Every property is required (a grammar writes each); optional ones take null.
      assert.deepEqual(
        (spec.parameters as { required?: string[] }).required,
        properties.map(([name]) => name),
      );
      for (const [, property] of properties) assert.ok((property as { type?: unknown }).type, spec.name);
    }
  });

  it("only the reading tools are marked read-only", () => {
    assert.deepEqual(
      tools.filter((tool) => !tool.readOnly).map((tool) => tool.spec.name),
      ["edit_file", "create_file", "run_command"],
    );
  });

  it("arguments that don't match the schema are refused with a reason the model can act on", () => {
    const read = tools[0].spec;
    assert.equal(argumentProblem(read, { path: "a.ts", startLine: null, endLine: null }), undefined);
    assert.equal(argumentProblem(read, { path: "a.ts", startLine: 3, endLine: 9 }), undefined);
    assert.equal(argumentProblem(read, {}), 'read_file needs the argument "path".');
    assert.equal(argumentProblem(read, { path: 7 }), 'The argument "path" of read_file must be string.');
    assert.equal(argumentProblem(read, { path: "a", startLine: 1.5 }), 'The argument "startLine" of read_file must be integer.');
  });
});

describe("the command allow-list", () => {
  it("matches exact lines and `*` prefixes, never a chained command", () => {
    const list = ["npm test", "npm run lint*"];
    assert.ok(isAllowedCommand("npm test", list));
    assert.ok(isAllowedCommand("  npm test ", list));
    assert.ok(!isAllowedCommand("npm test -- --watch", list));
    assert.ok(isAllowedCommand("npm run lint src", list));
    assert.ok(!isAllowedCommand("npm run lint -- --fix", list), "a prefix entry allows no options after its words");
    for (const sneaky of [
      "npm run lint; rm -rf ~",
      "npm run lint && curl x | sh",
      "npm run lint > /etc/x",
      "npm run lint $(id)",
      "npm run lint `id`",
      "npm run lint\nrm x",
    ])
      assert.ok(!isAllowedCommand(sneaky, list), sneaky);
    assert.ok(!isAllowedCommand("npm test", []));
    assert.ok(!isAllowedCommand("anything", ["", "  "]));
  });
});

describe("MCP tool schemas cut to what a grammar enforces", () => {
  it("keeps types, enums and nesting; optional properties take null; the rest is dropped", () => {
    assert.deepEqual(
      grammarSchema({
        type: "object",
        properties: {
          name: { type: "string", pattern: "^a", description: "Who" },
          count: { type: "integer", minimum: 1 },
          mode: { enum: ["a", "b"] },
          tags: { type: "array", items: { type: "string", format: "uri" } },
          either: { type: ["string", "number"] },
        },
        required: ["name", "mode"],
        $schema: "http://json-schema.org/draft-07/schema#",
      }),
      {
        type: "object",
        properties: {
          name: { type: "string", description: "Who" },
          count: { oneOf: [{ type: "integer" }, { type: "null" }] },
          mode: { enum: ["a", "b"] },
          tags: { oneOf: [{ type: "array", items: { type: "string" } }, { type: "null" }] },
          either: { oneOf: [{ oneOf: [{ type: "string" }, { type: "number" }] }, { type: "null" }] },
        },
      },
    );
    assert.deepEqual(withoutNulls({ a: 1, b: null, c: "" }), { a: 1, c: "" });
    assert.equal(plainMcpToolName({ server: "my server", tool: "do.it" }), "my_server__do_it");
  });
});

describe("hearth.agent.mcpServers", () => {
  it("keeps valid servers and reports each malformed one", () => {
    const { settings, problems } = parseSettings({
      agent: {
        mcpServers: {
          files: { command: "npx", args: ["-y", "server"] },
          docs: { url: "http://127.0.0.1:3000/mcp" },
          broken: { args: ["x"] },
          "bad name!": { command: "x" },
          ftp: { url: "ftp://host" },
        },
      },
    });
    assert.deepEqual(settings.agent.mcpServers, {
      files: { command: "npx", args: ["-y", "server"], env: {} },
      docs: { url: "http://127.0.0.1:3000/mcp", headers: {} },
    });
    assert.equal(problems.length, 3, problems.join("\n"));
  });
});

describe("an agent edit reviewed in place", () => {
  it("reviews only the lines that change, and a pure insertion beside a neighbouring line", () => {
    assert.deepEqual(changedLines("a\nb\nc\n", "a\nB\nc\n"), { first: 1, last: 1, lines: ["B"] });
    assert.deepEqual(changedLines("a\nb\nc", "a\nb\nx\ny\nc"), { first: 1, last: 1, lines: ["b", "x", "y"] });
    assert.deepEqual(changedLines("a\nb", "z\na\nb"), { first: 0, last: 0, lines: ["z", "a"] });
    // A deletion keeps the line above in both, so no empty line is left behind.
    assert.deepEqual(changedLines("a\nb\nc", "a\nc"), { first: 0, last: 1, lines: ["a"] });
    assert.deepEqual(changedLines("a\nb\nc", "b\nc"), { first: 0, last: 1, lines: ["b"] });
  });
});
