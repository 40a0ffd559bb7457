/**
 * An agent step's messages fitted to the prompt budget, counted with the engine's tokenizer: the oldest tool
 * results give way to their one-line summaries first (core/agent/compaction.ts). Both engines use it.
 */
import { compactToFit } from "../core/agent/compaction";
import type { AgentMessage } from "./modelEngine";

/** What the template adds around each message, roughly; the real prompt is measured again once rendered. */
const MESSAGE_OVERHEAD_TOKENS = 8;

export interface FittedMessages {
  messages: AgentMessage[];
  compacted: string[];
  /** Tokens the messages still need beyond the budget (0 when they fit). */
  overBy: number;
}

export function fitAgentMessages(
  messages: readonly AgentMessage[],
  budget: number,
  countTokens: (text: string) => number,
): FittedMessages {
  const parts = messages.map((message) => {
    const text =
      message.role === "assistant"
        ? (message.thought ?? "") + message.content + JSON.stringify(message.toolCalls ?? [])
        : message.content;
    const tokens = countTokens(text) + MESSAGE_OVERHEAD_TOKENS;
    return message.role === "tool"
      ? {
          message,
          tokens,
          compactable: { summary: message.summary, tokens: countTokens(message.summary) + MESSAGE_OVERHEAD_TOKENS },
        }
      : { message, tokens };
  });
  const fitted = compactToFit(parts, budget);
  return {
    messages: fitted.parts.map((part) =>
      "compacted" in part && part.message.role === "tool"
        ? { ...part.message, content: `(compacted to fit the context) ${part.compacted}` }
        : part.message,
    ),
    compacted: fitted.compacted.map((index) => (messages[index] as { summary: string }).summary),
    overBy: fitted.overBy,
  };
}
