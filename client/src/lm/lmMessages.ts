/**
 * VS Code's chat messages as `hearth/lm/step` messages: text parts joined, tool-call parts as calls, tool-result parts
 * as results. A role outside the stable enum (VS Code's agent sends its system prompt with 3) is a system message.
 */
import * as vscode from "vscode";
import type { AgentToolCall } from "../../../server/src/shared/agentProtocol";
import {
  estimateTokens as estimateTextTokens,
  type LmMessage,
  type LmTool,
  type LmToolResult,
} from "../../../server/src/shared/lmProtocol";

export function lmMessagesOf(messages: readonly vscode.LanguageModelChatRequestMessage[]): LmMessage[] {
  return messages.map((message) => {
    const text: string[] = [];
    const toolCalls: AgentToolCall[] = [];
    const toolResults: LmToolResult[] = [];
    for (const part of message.content) {
      if (part instanceof vscode.LanguageModelTextPart) text.push(part.value);
      else if (part instanceof vscode.LanguageModelToolCallPart)
        toolCalls.push({ id: part.callId, name: part.name, arguments: objectOf(part.input) });
      else if (part instanceof vscode.LanguageModelToolResultPart)
        toolResults.push({ callId: part.callId, content: resultText(part.content) });
      // Other parts (images, data, proposed APIs' thinking parts) have no place in the prompt: left out.
    }
    const joined = text.join("");
    if (message.role === vscode.LanguageModelChatMessageRole.Assistant)
      return { role: "assistant", text: joined, ...(toolCalls.length ? { toolCalls } : {}) };
    if (message.role === vscode.LanguageModelChatMessageRole.User)
      return { role: "user", text: joined, ...(toolResults.length ? { toolResults } : {}) };
    return { role: "system", text: joined };
  });
}

export function lmToolsOf(tools: readonly vscode.LanguageModelChatTool[] | undefined): LmTool[] {
  return (tools ?? []).map((tool) => ({
    name: tool.name,
    description: tool.description,
    ...(tool.inputSchema === undefined ? {} : { inputSchema: objectOf(tool.inputSchema) }),
  }));
}

/** A stand-in for the model's tokenizer, which the client doesn't have (shared/lmProtocol.ts's estimate). */
export function estimateTokens(input: string | vscode.LanguageModelChatRequestMessage): number {
  return estimateTextTokens(typeof input === "string" ? input : JSON.stringify(lmMessagesOf([input])[0]));
}

function resultText(content: readonly unknown[]): string {
  return content
    .map((part) =>
      part instanceof vscode.LanguageModelTextPart
        ? part.value
        : part instanceof vscode.LanguageModelPromptTsxPart
          ? JSON.stringify(part.value)
          : "",
    )
    .join("");
}

function objectOf(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
