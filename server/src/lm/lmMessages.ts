/**
 * The caller's conversation (VS Code's chat, through `hearth/lm/step`) as one agent step's input: system messages
 * become the system prompt, a tool result goes right after the call it answers, with that call's name; each tool's
 * schema is cut to what a grammar can enforce, its optional properties "or null" (the feature drops those nulls).
 */
import { grammarSchema } from "../core/agent/toolSchema";
import type { AgentMessage, AgentStepInput, AgentToolSpec } from "../engine/modelEngine";
import type { LmMessage, LmTool } from "../shared/lmProtocol";

export function agentStepInputOf(messages: readonly LmMessage[], tools: readonly LmTool[]): AgentStepInput {
  const system: string[] = [];
  const turn: AgentMessage[] = [];
  const callNames = new Map<string, string>();
  for (const message of messages) {
    if (message.role === "system") {
      if (message.text !== "") system.push(message.text);
    } else if (message.role === "assistant") {
      for (const call of message.toolCalls ?? []) callNames.set(call.id, call.name);
      turn.push({
        role: "assistant",
        content: message.text,
        toolCalls: message.toolCalls?.length ? message.toolCalls : undefined,
      });
    } else {
      for (const result of message.toolResults ?? []) {
        const name = callNames.get(result.callId) ?? "tool";
        const content = result.isError ? `Error: ${result.content}` : result.content;
        // What compaction leaves of it when the turn would not fit the context.
        turn.push({
          role: "tool",
          callId: result.callId,
          name,
          content,
          summary: `${name} returned ${content.length} characters (left out to fit the context).`,
        });
      }
      if (message.text !== "") turn.push({ role: "user", content: message.text });
    }
  }
  return {
    system: system.join("\n\n"),
    messages: turn,
    tools: tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      // Cut to what a grammar can enforce (as for MCP tools), so a local call always matches it.
      parameters: grammarSchema({ type: "object", properties: {}, ...tool.inputSchema }) as AgentToolSpec["parameters"],
    })),
  };
}
