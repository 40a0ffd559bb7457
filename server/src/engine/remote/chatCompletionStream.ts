/**
 * What chat and agent steps share on `/v1/chat/completions`: the request body, and turning streamed deltas into
 * thought and answer. Thoughts arrive as `reasoning_content` / `reasoning` (llama-server's and vLLM's reasoning
 * parsers, Ollama) or as `<think>` text in the content; both go through one tolerant splitter. The messages were sent
 * with special-token spellings broken (core/textPrompt.ts): the breaks the model copies are taken out of what it says.
 */
import { type ReasoningDelta, type ReasoningSplit, reasoningDeltas, splitReasoning } from "../../core/reasoning";
import { restoreStreamedText } from "../../core/textPrompt";

export interface ChatCompletionDelta {
  content?: string | null;
  reasoning_content?: string | null;
  reasoning?: string | null;
  tool_calls?: Array<{ index?: number; id?: string; function?: { name?: string; arguments?: string } }>;
}

export interface ChatCompletionChunk {
  choices?: { delta?: ChatCompletionDelta; finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } };
}

export interface ChatRequestOptions {
  model: string;
  maxTokens: number;
  temperature: number;
  /** llama-server only: the slot to use, so chat doesn't evict the completion slot's cache. */
  slot?: number;
}

export function chatCompletionBody(
  options: ChatRequestOptions,
  messages: unknown[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ...(options.model ? { model: options.model } : {}),
    messages,
    ...extra,
    max_tokens: options.maxTokens,
    temperature: options.temperature,
    stream: true,
    stream_options: { include_usage: true },
    ...(options.slot !== undefined && options.slot >= 0 ? { id_slot: options.slot } : {}),
  };
}

/** The reply as it streams: thought and answer split and restored, deltas passed on, when the thought ended. */
export class StreamedReply {
  private reasoning = "";
  private content = "";
  private shown: ReasoningSplit = { thought: "", answer: "", thinking: false };
  chunks = 0;
  thoughtMs = 0;

  constructor(private readonly started: number) {}

  /** The thought and answer passed on so far. */
  get current(): ReasoningSplit {
    return this.shown;
  }

  add(delta: ChatCompletionDelta | undefined, onDelta: (delta: ReasoningDelta) => void): void {
    const thought = delta?.reasoning_content ?? delta?.reasoning;
    if (typeof thought === "string" && thought !== "") this.reasoning += thought;
    if (typeof delta?.content === "string" && delta.content !== "") {
      if (this.reasoning !== "" && this.content === "" && this.thoughtMs === 0) this.thoughtMs = performance.now() - this.started;
      this.content += delta.content;
    }
    if (!thought && !delta?.content) return;
    this.chunks++;
    this.show(false, onDelta);
  }

  /** The stream ended: what was held back, a spelling's start whose end never came, is passed on too. */
  finish(onDelta: (delta: ReasoningDelta) => void): void {
    this.show(true, onDelta);
  }

  private show(ended: boolean, onDelta: (delta: ReasoningDelta) => void): void {
    // A server-side reasoning parser's thought is put back in tags so one splitter serves both forms.
    const combined =
      this.reasoning === "" ? this.content : `<think>${this.reasoning}${this.content === "" ? "" : `</think>${this.content}`}`;
    // Split first, restore after: a `<think>` the model copied from a message, broken, is text and opens no thought.
    const split = splitReasoning(combined);
    const next: ReasoningSplit = {
      thought: restoreStreamedText(split.thought, ended || !split.thinking),
      answer: restoreStreamedText(split.answer, ended),
      thinking: split.thinking,
    };
    for (const delta of reasoningDeltas(this.shown, next)) onDelta(delta);
    this.shown = next;
  }
}

/** The stop reason a chunk's `finish_reason` means, if it has one. */
export function finishReasonOf(reason: string | null | undefined): string | undefined {
  return reason ? (reason === "length" ? "maxTokens" : "eog") : undefined;
}
