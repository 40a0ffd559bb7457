/**
 * Runs one chat reply on the chat sequence: the model's own template (node-llama-cpp's chat wrapper), abortable
 * prompt chunks, streaming with thoughts separated from the answer, and yielding to inline completions between tokens.
 */
import type { ChatHistoryItem, Token } from "node-llama-cpp";
import { budgetChat, chatBudget } from "../../core/chatPrompt";
import { finishedReply, type ReasoningDelta, ReasoningStream } from "../../core/reasoning";
import type { ChatInput, ChatReply } from "../modelEngine";
import type { ChatModel } from "./chatModel";
import type { PriorityGate } from "./priorityGate";
import { evaluatePrompt } from "./promptEvaluation";

export interface ChatOptions {
  /** `fix` uses the sequence with prompt-lookup decoding. Default `chat`. */
  purpose?: "chat" | "fix";
  maxTokens: number;
  temperature: number;
  signal: AbortSignal;
  gate: PriorityGate;
  onDelta(delta: ReasoningDelta): void;
}

export async function generateChat(loaded: ChatModel, input: ChatInput, options: ChatOptions): Promise<ChatReply> {
  const { model, wrapper } = loaded;
  const sequence = options.purpose === "fix" ? loaded.fixSequence : loaded.sequence;
  const { maxTokens, promptTokens: budget } = chatBudget(sequence.contextSize, options.maxTokens);
  const chat = budgetChat(input.messages, input.context, budget, (text) => model.tokenize(text).length);
  const history: ChatHistoryItem[] = [
    { type: "system", text: chat.system },
    ...chat.messages.map(
      (message): ChatHistoryItem =>
        message.role === "user" ? { type: "user", text: message.content } : { type: "model", response: [message.content] },
    ),
    { type: "model", response: [] },
  ];
  const state = wrapper.generateContextState({ chatHistory: history });
  const promptText = state.contextText.toString();
  // R1-distill templates pre-fill "<think>": the reply then starts inside a thought.
  const startsInThought = /<think>\s*$/.test(promptText);
  const stopStrings = state.stopGenerationTriggers
    .filter((trigger) => trigger.values.every((value) => typeof value === "string"))
    .map((trigger) => trigger.values.join(""))
    .filter((text) => text !== "");
  const prompt = state.contextText.tokenize(model.tokenizer).slice(-budget - maxTokens);
  const head = prompt.slice(0, -1);
  const last = prompt[prompt.length - 1];

  // The prompt-lookup predictor drafts from these tokens (a no-op on a sequence without a predictor).
  sequence.tokenPredictor?.updateInputTokens?.(prompt.slice());
  // Completions go first: the chat prompt waits for the gate before each chunk.
  const evaluatedPromptTokens = await evaluatePrompt(sequence, head, options.signal, () => options.gate.whenClear());

  const stream = new ReasoningStream(startsInThought);
  const started = performance.now();
  let thoughtMs = 0;
  const generated: Token[] = [];
  let raw = "";
  let stopReason = "maxTokens";
  if (!options.signal.aborted) {
    for await (const token of sequence.evaluate([last], { temperature: options.temperature, yieldEogToken: true })) {
      if (model.isEogToken(token)) {
        stopReason = "eog";
        break;
      }
      generated.push(token);
      raw = model.detokenize(generated);
      const stop = stopStrings.find((text) => raw.endsWith(text));
      if (stop !== undefined) raw = raw.slice(0, raw.length - stop.length);
      if (!raw.endsWith("\uFFFD")) {
        const wasThinking = stream.current.thinking || stream.current.answer === "";
        for (const delta of stream.update(raw)) options.onDelta(delta);
        if (wasThinking && thoughtMs === 0 && stream.current.thought !== "" && !stream.current.thinking) {
          thoughtMs = performance.now() - started;
        }
      }
      if (stop !== undefined) {
        stopReason = "stopTrigger";
        break;
      }
      if (options.signal.aborted) {
        stopReason = "aborted";
        break;
      }
      if (generated.length >= maxTokens) break;
      // Ghost text goes first: wait here while an inline completion runs.
      await options.gate.whenClear();
    }
  } else {
    stopReason = "aborted";
  }
  return {
    ...finishedReply(stream.current, thoughtMs, performance.now() - started),
    stopReason,
    truncated: chat.truncated,
    promptTokens: prompt.length,
    evaluatedPromptTokens,
    generatedTokens: generated.length,
    generationMs: performance.now() - started,
  };
}
