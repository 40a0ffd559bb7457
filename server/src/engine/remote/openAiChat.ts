/**
 * Chat, explain and fix over an OpenAI-compatible `/v1/chat/completions`, streamed. Thoughts arrive either as
 * `reasoning_content` / `reasoning` deltas (llama-server's and vLLM's reasoning parsers, Ollama) or as `<think>` text
 * in the content; both go through the same tolerant split as local generation. The server renders its template over
 * the messages and parses special tokens in the result, so every message's text has their spellings broken (an
 * attached file that spells `<|im_end|>` can't end the user's turn), and the answer gets them back.
 */
import { budgetChat, chatBudget } from "../../core/chatPrompt";
import { finishedReply } from "../../core/reasoning";
import { neutraliseChatText } from "../../core/textPrompt";
import type { ChatGenerationOptions, ChatInput, ChatReply } from "../modelEngine";
import {
  type ChatCompletionChunk,
  type ChatRequestOptions,
  chatCompletionBody,
  finishReasonOf,
  StreamedReply,
} from "./chatCompletionStream";
import type { RemoteHttp } from "./remoteHttp";

export interface RemoteChatOptions extends Omit<ChatGenerationOptions, "temperature">, ChatRequestOptions {
  /** The server's context window, to budget the conversation and attachments. */
  contextTokens: number;
}

/** Without the server's tokenizer, a conservative estimate: code averages more than 3 characters a token. */
const estimateTokens = (text: string) => Math.ceil(text.length / 3);

export async function openAiChat(http: RemoteHttp, input: ChatInput, options: RemoteChatOptions): Promise<ChatReply> {
  const { maxTokens, promptTokens } = chatBudget(options.contextTokens, options.maxTokens);
  const chat = budgetChat(input.messages, input.context, promptTokens, estimateTokens);
  const started = performance.now();
  const reply = new StreamedReply(started);
  let stopReason = "maxTokens";
  let usage: ChatCompletionChunk["usage"];
  // Hearth's system prompt spells no special token: broken with the rest, it is sent as it is.
  const messages = [{ role: "system", content: chat.system }, ...chat.messages].map((message) => ({
    role: message.role,
    content: neutraliseChatText(message.content),
  }));
  const events = http.events("/v1/chat/completions", {
    body: chatCompletionBody({ ...options, maxTokens }, messages),
    signal: options.signal,
  });
  try {
    for await (const raw of events) {
      const chunk = raw as ChatCompletionChunk;
      usage = chunk.usage ?? usage;
      const choice = chunk.choices?.[0];
      reply.add(choice?.delta, options.onDelta);
      stopReason = finishReasonOf(choice?.finish_reason) ?? stopReason;
      if (options.signal.aborted) {
        stopReason = "aborted";
        break;
      }
    }
  } catch (error) {
    if (!options.signal.aborted) throw error;
    stopReason = "aborted";
  }
  reply.finish(options.onDelta);
  return {
    ...finishedReply(reply.current, reply.thoughtMs, performance.now() - started),
    stopReason,
    truncated: chat.truncated,
    promptTokens: usage?.prompt_tokens ?? -1,
    evaluatedPromptTokens: -1,
    generatedTokens: usage?.completion_tokens ?? reply.chunks,
    generationMs: performance.now() - started,
  };
}
