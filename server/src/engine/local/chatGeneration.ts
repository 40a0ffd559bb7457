/**
 * Runs one chat reply on the chat sequence: the model's own template (node-llama-cpp's chat wrapper), abortable
 * prompt chunks, streaming with thoughts separated from the answer, and yielding to inline completions between tokens.
 */
import type { Token } from "node-llama-cpp";
import { budgetChat, chatBudget } from "../../core/chatPrompt";
import { finishedReply, type ReasoningDelta, ReasoningStream } from "../../core/reasoning";
import { neutraliseChatText } from "../../core/textPrompt";
import type { ChatInput, ChatReply } from "../modelEngine";
import type { ChatModel } from "./chatModel";
import { chatHistory, endsWithTokenTrigger, replySplitter, replyText, stopTriggers } from "./chatTemplateRules";
import { canSpeculate, DRAFT_CONTEXT_TOKENS } from "./draftModel";
import type { PriorityGate } from "./priorityGate";
import { evaluatePrompt } from "./promptEvaluation";
import { type DraftSources, noDraftStats, speculativeTokens } from "./speculativeDecoding";

export interface ChatOptions {
  /** `fix` runs on a sequence of its own and drafts by prompt lookup too (a fix mostly copies). Default `chat`. */
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
  // Counted as rendered: chatHistory breaks special-token spellings, which makes them longer.
  const count = (text: string) => model.tokenize(neutraliseChatText(text)).length;
  const chat = budgetChat(input.messages, input.context, budget, count);
  const history = chatHistory(wrapper, chat);
  const state = wrapper.generateContextState({ chatHistory: history });
  // The prompt may open the thought: R1 (forced, as DeepSeek advises), Qwen3.5's template, or a Jinja template's
  // own pre-filled tag (llama-server's path for R1 distills); the reply then starts inside it.
  const split = replySplitter(wrapper, state.contextText.toString());
  const textOf = replyText(wrapper, model);
  const stops = stopTriggers(state.stopGenerationTriggers, model.tokenizer);
  const prompt = state.contextText.tokenize(model.tokenizer).slice(-budget - maxTokens);
  const head = prompt.slice(0, -1);
  const last = prompt[prompt.length - 1];

  // Completions go first: the chat prompt waits for the gate before each chunk.
  const whenClear = () => options.gate.whenClear();
  const evaluatedPromptTokens = await evaluatePrompt(sequence, head, options.signal, { beforeChunk: whenClear });
  // A fix drafts from its prompt; a chat reply from the draft model, which reads the prompt's last tokens first.
  const fix = options.purpose === "fix";
  const draft = fix ? undefined : loaded.draft;
  const modelFrom = Math.max(0, prompt.length - DRAFT_CONTEXT_TOKENS);
  if (draft && !options.signal.aborted)
    await evaluatePrompt(draft.sequence, head.slice(modelFrom), options.signal, { beforeChunk: whenClear });
  const sources: DraftSources = { lookup: fix && canSpeculate(model), model: draft, modelFrom };
  const stats = noDraftStats();
  const speculating = sources.lookup || sources.model !== undefined;

  const stream = new ReasoningStream(split);
  const started = performance.now();
  let thoughtMs = 0;
  const generated: Token[] = [];
  let raw = "";
  let stopReason = "maxTokens";
  if (!options.signal.aborted) {
    const tokens = speculating
      ? speculativeTokens(sequence, prompt, { temperature: options.temperature, sources, stats })
      : sequence.evaluate([last], { temperature: options.temperature, yieldEogToken: true });
    for await (const token of tokens) {
      if (model.isEogToken(token)) {
        stopReason = "eog";
        break;
      }
      generated.push(token);
      // A special-token trigger (`<｜User｜>`) is never part of the reply; a text one is cut from its end.
      const tokenStop = endsWithTokenTrigger(generated, stops.tokens);
      raw = textOf(tokenStop > 0 ? generated.slice(0, -tokenStop) : generated);
      const textStop = stops.texts.find((text) => raw.endsWith(text));
      if (textStop !== undefined) raw = raw.slice(0, raw.length - textStop.length);
      const stop = tokenStop > 0 || textStop !== undefined ? true : undefined;
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
  // The whole reply: a tail held back while it might still have become a broken spelling comes out now.
  if (!raw.endsWith("\uFFFD")) for (const delta of stream.update(raw, true)) options.onDelta(delta);
  return {
    ...finishedReply(stream.current, thoughtMs, performance.now() - started),
    stopReason,
    truncated: chat.truncated,
    promptTokens: prompt.length,
    evaluatedPromptTokens,
    generatedTokens: generated.length,
    generationMs: performance.now() - started,
    draftTokens: speculating ? stats : undefined,
  };
}
