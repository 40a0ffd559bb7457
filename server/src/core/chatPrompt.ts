/**
 * Fits a conversation and its attached context into the model's context window, and renders the context into
 * the last user message. Pure: token counting is passed in.
 */
import type { ChatContextItem, ChatMessage } from "../shared/chatProtocol";

export const SYSTEM_PROMPT =
  "You are Hearth, a coding assistant that runs on the user's own machine. Answer precisely and briefly. " +
  "Put code in fenced code blocks with the language name. When code is attached, refer to it by its label.";

/** Tokens each message costs beyond its text (role markers and separators of a chat template). */
const PER_MESSAGE_OVERHEAD = 8;

export interface BudgetedChat {
  system: string;
  /** The messages to send; the last is the user's, with the attached context rendered in. */
  messages: ChatMessage[];
  /** Labels of context items shortened or left out. */
  truncated: string[];
}

/** Tokens kept free besides the reply, for the template's own tokens around the conversation. */
const TEMPLATE_MARGIN_TOKENS = 16;

/**
 * How a context window is shared: the reply gets the setting's tokens but at most half the window; the
 * conversation and its attachments get the rest.
 */
export function chatBudget(contextTokens: number, maxTokensSetting: number): { maxTokens: number; promptTokens: number } {
  const maxTokens = Math.min(maxTokensSetting, Math.floor(contextTokens / 2));
  return { maxTokens, promptTokens: contextTokens - maxTokens - TEMPLATE_MARGIN_TOKENS };
}

export function renderContextItem(item: ChatContextItem, text = item.text): string {
  return `\`${item.label}\`:\n\`\`\`${item.languageId ?? ""}\n${text}\n\`\`\``;
}

export function budgetChat(
  messages: readonly ChatMessage[],
  context: readonly ChatContextItem[],
  budgetTokens: number,
  countTokens: (text: string) => number,
): BudgetedChat {
  const cost = (message: ChatMessage) => countTokens(message.content) + PER_MESSAGE_OVERHEAD;
  let kept = [...messages];
  let used = countTokens(SYSTEM_PROMPT) + PER_MESSAGE_OVERHEAD + kept.reduce((sum, message) => sum + cost(message), 0);
  // Drop the oldest turns first; the question being asked always stays.
  while (used > budgetTokens && kept.length > 1) {
    used -= cost(kept[0]);
    kept = kept.slice(1);
  }

  const truncated: string[] = [];
  const rendered: string[] = [];
  for (const item of context) {
    const remaining = budgetTokens - used;
    const full = renderContextItem(item);
    const fullCost = countTokens(full) + 2;
    if (fullCost <= remaining) {
      rendered.push(full);
      used += fullCost;
      continue;
    }
    truncated.push(item.label);
    // Keep as many leading lines as fit, if a useful part fits at all.
    const lines = item.text.split("\n");
    let keep = Math.floor((lines.length * Math.max(0, remaining - 16)) / fullCost);
    while (keep > 0 && countTokens(renderContextItem(item, lines.slice(0, keep).join("\n"))) + 2 > remaining) keep--;
    if (keep >= 3) {
      const partial = renderContextItem(item, `${lines.slice(0, keep).join("\n")}\n… (cut to fit the model's context)`);
      rendered.push(partial);
      used += countTokens(partial) + 2;
    }
  }

  const last = kept[kept.length - 1];
  if (rendered.length > 0 && last?.role === "user") {
    kept = [...kept.slice(0, -1), { role: "user", content: `${rendered.join("\n\n")}\n\n${last.content}` }];
  }
  return { system: SYSTEM_PROMPT, messages: kept, truncated };
}
