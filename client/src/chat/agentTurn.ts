/**
 * One Agent-mode turn from the chat view: the request, its tool steps as they happen (shown collapsed in the turn),
 * and the assistant turn it ends as, with the checkpoint that "Undo this turn's edits" uses.
 */
import type * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { AgentRunRequest } from "../../../server/src/shared/agentProtocol";
import type { ChatContextItem, ChatTurn, ExtensionToWebview, ToolStep } from "../../../server/src/shared/chatProtocol";
import type { HearthClient } from "../hearthClient";

export interface AgentTurnRequest {
  client: LanguageClient;
  hearth: HearthClient;
  chatId: string;
  messages: Array<{ role: "user" | "assistant"; content: string }>;
  context: ChatContextItem[];
  readOnly: boolean;
  disabledRules: string[];
  token: vscode.CancellationToken;
  post(message: ExtensionToWebview): void;
}

/** Runs the turn; a failure rejects (the view turns it into a note), a stop resolves with what was done. */
export async function runAgentTurn(request: AgentTurnRequest): Promise<{ turn: ChatTurn; notices: string[] }> {
  const steps: ToolStep[] = [];
  const byId = new Map<string, number>();
  const notices: string[] = [];
  const subscription = request.hearth.onAgentEvent((event) => {
    if (event.chatId !== request.chatId) return;
    if (event.kind === "toolCall") {
      byId.set(event.call.id, steps.length);
      steps.push({ name: event.call.name, arguments: JSON.stringify(event.call.arguments, null, 1), result: "" });
      request.post({ type: "tool", step: steps[steps.length - 1], index: steps.length - 1 });
    } else if (event.kind === "toolResult") {
      const index = byId.get(event.result.callId) ?? -1;
      if (index < 0) return;
      steps[index] = { ...steps[index], result: event.result.content, isError: event.result.isError };
      request.post({ type: "tool", step: steps[index], index });
    } else if (event.kind === "rules") {
      // What the server actually put in the prompt, whatever the chips show.
      notices.push(`Rules used: ${event.files.join(", ")}.`);
      request.post({ type: "notice", text: notices.join(" ") });
    } else if (event.kind === "compacted") {
      notices.push(`To fit the model's context, an older tool result was shortened: ${event.summary}.`);
      request.post({ type: "notice", text: notices.join(" ") });
    }
  });
  try {
    const result = await request.client.sendRequest(
      AgentRunRequest.type,
      {
        chatId: request.chatId,
        messages: request.messages,
        context: request.context,
        readOnly: request.readOnly,
        disabledRules: request.disabledRules,
      },
      request.token,
    );
    const note =
      result.stopReason === "aborted"
        ? "Stopped."
        : result.stopReason === "maxTokens"
          ? "Cut at hearth.chat.maxTokens."
          : result.stopReason === "loopLimit"
            ? "Stopped at hearth.agent.maxToolCalls."
            : undefined;
    return {
      turn: {
        role: "assistant",
        content: result.answer,
        thought: result.thought || undefined,
        note,
        tools: steps.length > 0 ? steps : undefined,
        checkpoint: result.checkpoint.length > 0 ? result.checkpoint : undefined,
      },
      notices,
    };
  } finally {
    subscription.dispose();
  }
}
