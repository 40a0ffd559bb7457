/**
 * `hearth/lm/step`'s messages as an agent step (server/src/lm/lmMessages.ts): what VS Code's chat sends, in the shape
 * both engines render through the model's template.
 */
import { strict as assert } from "node:assert";
import { agentStepInputOf } from "../../server/src/lm/lmMessages";

describe("hearth/lm/step messages as an agent step", () => {
  it("joins system messages into the system prompt and keeps the turn's order", () => {
    const input = agentStepInputOf(
      [
        { role: "system", text: "You are an agent." },
        { role: "system", text: "Be brief." },
        { role: "user", text: "List the folder." },
      ],
      [],
    );
    assert.equal(input.system, "You are an agent.\n\nBe brief.");
    assert.deepEqual(input.messages, [{ role: "user", content: "List the folder." }]);
  });

  it("puts each tool result after its call, named after it, before the user's text", () => {
    const call = { id: "c1", name: "list_dir", arguments: { path: "." } };
    const input = agentStepInputOf(
      [
        { role: "user", text: "List it." },
        { role: "assistant", text: "", toolCalls: [call] },
        { role: "user", text: "And then?", toolResults: [{ callId: "c1", content: "a.ts", isError: false }] },
      ],
      [],
    );
    assert.deepEqual(
      input.messages.map((message) => [message.role, message.role === "tool" ? message.name : message.content]),
      [
        ["user", "List it."],
        ["assistant", ""],
        ["tool", "list_dir"],
        ["user", "And then?"],
      ],
    );
    const tool = input.messages[2];
    assert.ok(tool.role === "tool" && tool.callId === "c1" && tool.content === "a.ts");
  });

  it("marks a failed tool's result as an error for the model", () => {
    const input = agentStepInputOf(
      [
        { role: "assistant", text: "", toolCalls: [{ id: "c1", name: "run", arguments: {} }] },
        { role: "user", text: "", toolResults: [{ callId: "c1", content: "no such file", isError: true }] },
      ],
      [],
    );
    assert.deepEqual(input.messages.at(-1), {
      role: "tool",
      callId: "c1",
      name: "run",
      content: "Error: no such file",
      summary: "run returned 19 characters (left out to fit the context).",
    });
  });

  it("cuts tool schemas to what a grammar enforces: optional properties may be null, no schema is an empty object", () => {
    const [withSchema, without] = agentStepInputOf(
      [],
      [
        {
          name: "read_file",
          description: "Reads a file.",
          inputSchema: {
            type: "object",
            properties: { filePath: { type: "string", pattern: "^src/" }, startLine: { type: "number" } },
            required: ["filePath"],
          },
        },
        { name: "get_changes", description: "The changes." },
      ],
    ).tools;
    assert.deepEqual(withSchema.parameters, {
      type: "object",
      properties: { filePath: { type: "string" }, startLine: { oneOf: [{ type: "number" }, { type: "null" }] } },
    });
    assert.deepEqual(without.parameters, { type: "object", properties: {} });
  });
});
