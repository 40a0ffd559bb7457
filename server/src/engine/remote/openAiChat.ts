/**
 * Chat, explain and fix over an OpenAI-compatible `/v1/chat/completions`, streamed. Thoughts arrive either as
 * `reasoning_content` / `reasoning` deltas (llama-server's and vLLM's reasoning parsers, Ollama) or as `<think>` text
 * in the content; both go through the same tolerant split as local generation.
 */
import { budgetChat, chatBudget } from "../../core/chatPrompt";
import { finishedReply, ReasoningStream } from "../../core/reasoning";
import type { ChatGenerationOptions, ChatInput, ChatReply } from "../modelEngine";
import type { RemoteHttp } from "./remoteHttp";

interface ChatChunk {
  choices?: {
    delta?: { content?: string | null; reasoning_content?: string | null; reasoning?: string | null };
    finish_reason?: string | null;
  }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

export interface RemoteChatOptions extends ChatGenerationOptions {
  model: string;
  maxTokens: number;
  temperature: number;
  /** The server's context window, to budget the conversation and attachments. */
  contextTokens: number;
  /** llama-server only: the slot to use, so chat doesn't evict the completion slot's cache. */
  slot?: number;
}

/** Without the server's tokenizer, a conservative estimate: code averages more than 3 characters a token. */
const estimateTokens = (text: string) => Math.ceil(text.length / 3);

export async function openAiChat(http: RemoteHttp, input: ChatInput, options: RemoteChatOptions): Promise<ChatReply> {
  const { maxTokens, promptTokens } = chatBudget(options.contextTokens, options.maxTokens);
  const chat = budgetChat(input.messages, input.context, promptTokens, estimateTokens);
  const started = performance.now();
  const stream = new ReasoningStream();
  let reasoning = "";
  let content = "";
  let chunks = 0;
  let thoughtMs = 0;
  let stopReason = "maxTokens";
  let usage: ChatChunk["usage"];
  const events = http.events("/v1/chat/completions", {
    body: {
      ...(options.model ? { model: options.model } : {}),
      messages: [{ role: "system", content: chat.system }, ...chat.messages],
      max_tokens: maxTokens,
      temperature: options.temperature,
      stream: true,
      stream_options: { include_usage: true },
      ...(options.slot !== undefined && options.slot >= 0 ? { id_slot: options.slot } : {}),
    },
    signal: options.signal,
  });
  try {
    for await (const raw of events) {
      const chunk = raw as ChatChunk;
      usage = chunk.usage ?? usage;
      const choice = chunk.choices?.[0];
      const delta = choice?.delta;
      const thought = delta?.reasoning_content ?? delta?.reasoning;
      if (typeof thought === "string" && thought !== "") reasoning += thought;
      if (typeof delta?.content === "string" && delta.content !== "") {
        if (reasoning !== "" && content === "" && thoughtMs === 0) thoughtMs = performance.now() - started;
        content += delta.content;
      }
      if (thought || delta?.content) {
        chunks++;
        // A server-side reasoning parser's thought is put back in tags so one splitter serves both forms.
        const combined = reasoning === "" ? content : `<think>${reasoning}${content === "" ? "" : `</think>${content}`}`;
        for (const piece of stream.update(combined)) options.onDelta(piece);
      }
      if (choice?.finish_reason) stopReason = choice.finish_reason === "length" ? "maxTokens" : "eog";
      if (options.signal.aborted) {
        stopReason = "aborted";
        break;
      }
    }
  } catch (error) {
    if (!options.signal.aborted) throw error;
    stopReason = "aborted";
  }
  return {
    ...finishedReply(stream.current, thoughtMs, performance.now() - started),
    stopReason,
    truncated: chat.truncated,
    promptTokens: usage?.prompt_tokens ?? -1,
    evaluatedPromptTokens: -1,
    generatedTokens: usage?.completion_tokens ?? chunks,
    generationMs: performance.now() - started,
  };
}
