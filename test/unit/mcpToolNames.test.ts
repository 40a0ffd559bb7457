/**
 * MCP tool names as the model sees them: every tool gets a unique, valid name that doesn't depend on the order the
 * servers answered in, so a call always reaches the tool the model chose.
 */
import { strict as assert } from "node:assert";
import { hashedMcpToolName, type McpToolId, mcpToolNames, plainMcpToolName } from "../../server/src/core/agent/mcpToolNames";

const BUILTIN = ["read_file", "edit_file", "run_command"];
const VALID = /^[A-Za-z0-9_-]{1,64}$/;

function namesOf(tools: McpToolId[], reserved = BUILTIN): Array<string | undefined> {
  return mcpToolNames(tools, reserved).names;
}

describe("MCP tool names", () => {
  it("keeps the plain server__tool name where nothing else would have it", () => {
    assert.deepEqual(
      namesOf([
        { server: "demo", tool: "shout" },
        { server: "demo", tool: "do.it" },
        { server: "files", tool: "shout" },
      ]),
      ["demo__shout", "demo__do_it", "files__shout"],
    );
  });

  const collisions: Array<[string, McpToolId[]]> = [
    [
      "a `__` in a tool's name and in a server's",
      [
        { server: "a", tool: "b__c" },
        { server: "a__b", tool: "c" },
      ],
    ],
    [
      "characters made `_`",
      [
        { server: "x", tool: "do.it" },
        { server: "x", tool: "do_it" },
        { server: "x", tool: "do it" },
      ],
    ],
    [
      "long names that share their first 64 characters",
      [
        { server: "s", tool: `${"t".repeat(70)}_read` },
        { server: "s", tool: `${"t".repeat(70)}_write` },
      ],
    ],
  ];
  for (const [what, tools] of collisions)
    it(`gives tools whose plain names collide (${what}) distinct, valid names`, () => {
      assert.equal(new Set(tools.map(plainMcpToolName)).size, 1, "the case really collides");
      const names = namesOf(tools);
      assert.equal(new Set(names).size, tools.length, names.join(", "));
      for (const [index, name] of names.entries()) {
        assert.match(name ?? "", VALID);
        assert.equal(name, hashedMcpToolName(tools[index]));
      }
    });

  it("names the same tools the same way whatever order the servers answered in", () => {
    const tools: McpToolId[] = [
      { server: "a", tool: "b__c" },
      { server: "a__b", tool: "c" },
      { server: "z", tool: "only" },
    ];
    const forward = namesOf(tools);
    const backward = namesOf([...tools].reverse()).reverse();
    assert.deepEqual(backward, forward);
    // And a tool's name doesn't change because an unrelated one was added.
    assert.equal(namesOf([...tools, { server: "q", tool: "new" }])[2], "z__only");
  });

  it("never gives an MCP tool a built-in tool's name", () => {
    // Built-in names have no `__`, so this reserves an MCP tool's plain name to show a reserved name is never given.
    const tool = { server: "demo", tool: "shout" };
    const [name] = namesOf([tool], [...BUILTIN, "demo__shout"]);
    assert.equal(name, hashedMcpToolName(tool));
    assert.notEqual(name, "demo__shout");
  });

  it("leaves out, and reports, what still can't be told apart (the same tool listed twice, a forged hashed name)", () => {
    const twice = namesOf([
      { server: "demo", tool: "shout" },
      { server: "demo", tool: "shout" },
    ]);
    assert.equal(twice.filter((name) => name !== undefined).length, 1);
    // A hostile server lists a tool whose plain name is another tool's hashed name: one is dropped, not shadowed.
    const victims: McpToolId[] = [
      { server: "x", tool: "do.it" },
      { server: "x", tool: "do_it" },
    ];
    const forged = hashedMcpToolName(victims[0]).slice("x__".length);
    const tools = [...victims, { server: "x", tool: forged }];
    const { names, dropped } = mcpToolNames(tools, BUILTIN);
    const offered = names.filter((name): name is string => name !== undefined);
    assert.equal(new Set(offered).size, offered.length, "offered names are unique");
    assert.equal(dropped.length, 1);
    assert.equal(names[tools.indexOf(dropped[0])], undefined);
  });
});
