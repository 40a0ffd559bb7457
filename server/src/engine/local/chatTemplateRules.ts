/**
 * What a chat template asks of code that evaluates its prompt directly (Hearth does, for abortable chunks and the
 * priority gate), which node-llama-cpp's LlamaChat would otherwise do: the thought's own tags, a thought opened
 * at the response start (Qwen3.5's wrapper, and R1 models, for which DeepSeek advises forcing `<think>\n` and
 * sending no system prompt), and stop triggers that are special tokens, matched as token ids.
 */
import type { ChatHistoryItem, ChatModelResponse, ChatWrapper, LlamaText, Token, Tokenizer } from "node-llama-cpp";
import type { BudgetedChat } from "../../core/chatPrompt";
import { HARMONY_SENTINELS, HARMONY_SPELLINGS, type HarmonyMarkers, splitHarmony } from "../../core/harmonyReply";
import { type ReplySplitter, THINK_TAGS, type ThoughtTags, tagSplitter } from "../../core/reasoning";
import { neutraliseChatText, restoreStreamedText } from "../../core/textPrompt";

/** R1-family templates: node-llama-cpp resolves them (R1-Distill, R1-0528) to its DeepSeek wrapper. */
export function isR1Template(wrapper: ChatWrapper): boolean {
  return wrapper.wrapperName === "DeepSeek";
}

function plain(text: string | LlamaText | { type: "openedOnStart" } | undefined): string | undefined {
  if (text === undefined || (typeof text === "object" && "type" in text)) return undefined;
  return text.toString().trim();
}

/** The thought's tags as the template writes them (whitespace around them aside), `<think>` when it says nothing. */
export function thoughtTags(wrapper: ChatWrapper): ThoughtTags {
  const thought = wrapper.settings.segments?.thought;
  const open = plain(thought?.prefix);
  const close = plain(thought?.suffix);
  return open && close ? { open, close } : THINK_TAGS;
}

/**
 * Qwen3.5's and 3.6's templates open the thought at the start of every reply, after a tool's result too (their
 * generation prompt ends `<think>\n`); node-llama-cpp's Qwen wrapper opens it only at the reply's start, so in an
 * agent step after a call the model's thought and its `</think>` would be read as answer. LlamaChat reopens it after
 * calls where the wrapper says so: this says so for those templates. Changes the wrapper given.
 */
export function reopenThoughtAfterCalls(wrapper: ChatWrapper): void {
  const thought = wrapper.settings.segments?.thought;
  if (wrapper.wrapperName === "Qwen" && thought?.openOnResponseStart === true)
    (thought as { reopenAfterFunctionCalls?: boolean }).reopenAfterFunctionCalls = true;
}

/** Whether the reply starts inside a thought that the prompt opens (the template's prefix, or ours for R1). */
export function opensThoughtOnResponse(wrapper: ChatWrapper): boolean {
  const thought = wrapper.settings.segments?.thought;
  return isR1Template(wrapper) || thought?.openOnResponseStart === true;
}

export function isHarmonyTemplate(wrapper: ChatWrapper): boolean {
  return wrapper.wrapperName === "Harmony";
}

/**
 * The generated tokens as the text `replySplitter` reads. For harmony, its markers are told by token id, each
 * written as a sentinel character, so the same spelling written as text (`<|start|>` in code) stays text.
 */
export function replyText(
  wrapper: ChatWrapper,
  model: { tokenize(text: string, specialTokens: boolean): Token[]; detokenize(tokens: readonly Token[]): string },
): (tokens: readonly Token[]) => string {
  if (!isHarmonyTemplate(wrapper)) return (tokens) => model.detokenize(tokens);
  const markers = new Map<Token, string>();
  for (const key of Object.keys(HARMONY_SPELLINGS) as Array<keyof HarmonyMarkers>) {
    const ids = model.tokenize(HARMONY_SPELLINGS[key], true);
    if (ids.length === 1) markers.set(ids[0], HARMONY_SENTINELS[key]);
  }
  return (tokens) => {
    let text = "";
    let run: Token[] = [];
    for (const token of tokens) {
      const marker = markers.get(token);
      if (marker === undefined) run.push(token);
      else {
        text += model.detokenize(run) + marker;
        run = [];
      }
    }
    return text + model.detokenize(run);
  };
}

/**
 * How the reply divides into thought and answer. gpt-oss (node-llama-cpp's Harmony wrapper) writes channels, whose
 * thought "suffix" `<|end|>` also ends the answer, so tags can't split it; others write tags.
 * @param promptText the rendered prompt, which may open the thought itself (a Jinja template's pre-filled tag)
 */
export function replySplitter(wrapper: ChatWrapper, promptText: string): ReplySplitter {
  const tags = thoughtTags(wrapper);
  const split: ReplySplitter = isHarmonyTemplate(wrapper)
    ? (raw) => splitHarmony(raw, HARMONY_SENTINELS)
    : tagSplitter(opensThoughtOnResponse(wrapper) || promptText.trimEnd().endsWith(tags.open), tags);
  // Split first, then restore what the model copied of the prompt's broken spellings (chatHistory breaks them): a
  // copied broken `<think>` is the user's text, never a tag. A tail that may still become a broken spelling waits.
  return (raw, ended) => {
    const parts = split(raw, ended);
    return {
      ...parts,
      thought: restoreStreamedText(parts.thought, ended || !parts.thinking),
      answer: restoreStreamedText(parts.answer, ended),
    };
  };
}

/** The history to render: R1 gets no system item (its text leads the first user turn), and the open thought. */
export function chatHistory(wrapper: ChatWrapper, chat: BudgetedChat): ChatHistoryItem[] {
  const r1 = isR1Template(wrapper);
  // llama.cpp matches user-defined tokens (`<tool_call>`, gpt-oss's `<|start|>`) even in plain text: the context's
  // files and the messages have those spellings broken, as for a server (textPrompt.ts).
  const system = neutraliseChatText(chat.system);
  const messages = chat.messages.map((message, index): ChatHistoryItem => {
    const content = neutraliseChatText(message.content);
    if (message.role !== "user") return { type: "model", response: [content] };
    const text = r1 && index === 0 && system !== "" ? `${system}\n\n${content}` : content;
    return { type: "user", text };
  });
  // An empty, unended thought segment: the wrapper renders its own opening (R1's with the line break DeepSeek uses).
  const reply: ChatModelResponse["response"] = opensThoughtOnResponse(wrapper)
    ? [{ type: "segment", segmentType: "thought", text: r1 ? "\n" : "", ended: false }]
    : [];
  return [...(r1 ? [] : [{ type: "system", text: system } as const]), ...messages, { type: "model", response: reply }];
}

export interface StopTriggers {
  /** Triggers made of plain text, matched against the generated text. */
  texts: string[];
  /** Triggers with special tokens in them (`<｜User｜>`, EOS), matched against the generated token ids. */
  tokens: Token[][];
}

export function stopTriggers(triggers: readonly LlamaText[], tokenizer: Tokenizer): StopTriggers {
  const texts: string[] = [];
  const tokens: Token[][] = [];
  for (const trigger of triggers) {
    if (trigger.values.every((value) => typeof value === "string")) {
      const text = trigger.values.join("");
      if (text !== "") texts.push(text);
    } else {
      const ids = trigger.tokenize(tokenizer);
      if (ids.length > 0) tokens.push(ids);
    }
  }
  return { texts, tokens };
}

/** Whether the generated tokens end with one of the token triggers; returns its length in tokens. */
export function endsWithTokenTrigger(generated: readonly Token[], triggers: readonly Token[][]): number {
  for (const trigger of triggers) {
    if (trigger.length > generated.length) continue;
    const offset = generated.length - trigger.length;
    if (trigger.every((token, i) => generated[offset + i] === token)) return trigger.length;
  }
  return 0;
}
