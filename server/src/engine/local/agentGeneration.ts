/**
 * One agent step through node-llama-cpp's LlamaChat with function calling: the model's own chat template renders
 * the tools and the calls (Qwen's `<tool_call>`, Llama 3.1's `<function=…>`, DeepSeek's, …), and once the model
 * starts a call, its name and arguments are grammar-constrained, so a call always parses and always matches the
 * tool's schema. Hearth's own agent runs on the chat sequence (compacting tool results to fit); VS Code's chat runs
 * in its own context (lmContext.ts), refused when it doesn't fit. The prompt is evaluated here first, in chunks that
 * yield to inline completions and stop on an abort; LlamaChat then finds it in the KV cache and evaluates only what
 * differs (measured against what the sequence held before).
 */
import type {
  ChatHistoryItem,
  ChatModelFunctions,
  ChatModelResponse,
  ChatWrapper,
  LlamaChat,
  LlamaContextSequence,
  Token,
} from "node-llama-cpp";
import { chatBudget } from "../../core/chatPrompt";
import { commonPrefixLength } from "../../core/prefixRouting";
import {
  neutraliseChatJson,
  neutraliseChatText,
  RestoredTextStream,
  restoreJson,
  restoreSpecialTokens,
} from "../../core/textPrompt";
import type { AgentToolCall } from "../../shared/agentProtocol";
import { fitAgentMessages } from "../agentCompaction";
import { EngineError } from "../engineError";
import type { AgentMessage, AgentStepInput, AgentStepOptions, AgentStepResult } from "../modelEngine";
import type { ChatModel } from "./chatModel";
import { isR1Template } from "./chatTemplateRules";
import { dropUnusedDrafts, generatedTokens as generatedTokensSince } from "./draftPredictor";
import { loadLlamaModule } from "./llamaRuntime";
import { LM_CONTEXT_SETTING, type LmContext } from "./lmContext";
import type { PriorityGate } from "./priorityGate";
import { evaluatePrompt } from "./promptEvaluation";
import { noDraftStats } from "./speculativeDecoding";

/** One LlamaChat per sequence: it keeps that sequence's KV cache between steps. */
const chats = new WeakMap<LlamaContextSequence, LlamaChat>();

async function llamaChatOf(sequence: LlamaContextSequence, wrapper: ChatWrapper): Promise<LlamaChat> {
  const existing = chats.get(sequence);
  if (existing && !existing.disposed && existing.chatWrapper === wrapper) return existing;
  // Another wrapper (a step that must call a tool, or the one after it): the KV cache stays with the sequence.
  existing?.dispose({ disposeSequence: false });
  const { LlamaChat } = await loadLlamaModule();
  // The sequence outlives the LlamaChat: plain chat turns use the chat sequence too, and its KV cache serves both.
  const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: wrapper, autoDisposeSequence: false });
  chats.set(sequence, chat);
  return chat;
}

export interface AgentGenerationOptions extends AgentStepOptions {
  /** The answer's tokens: the request's or the setting's, capped by the budget. */
  maxTokens: number;
  temperature: number;
  gate: PriorityGate;
  /** VS Code's chat's context (contextFor `lm`); Hearth's own agent uses the chat sequence. */
  lmContext?: LmContext;
}

export async function generateAgentStep(
  loaded: ChatModel,
  input: AgentStepInput,
  options: AgentGenerationOptions,
): Promise<AgentStepResult> {
  const { model, wrapper } = loaded;
  const lm = options.lmContext;
  const contextSize = lm?.contextSize ?? loaded.sequence.contextSize;
  // Counted as rendered: agentChatHistory breaks special-token spellings, which makes them longer.
  const count = (text: string) => model.tokenize(neutraliseChatText(text)).length;
  const { maxTokens, promptTokens: budget } = chatBudget(contextSize, options.maxTokens);
  // Hearth's own agent compacts old tool results to fit; VS Code owns its conversation and summarizes it itself.
  let messages = input.messages;
  let compacted: string[] = [];
  if (!lm) {
    const fixed = count(input.system) + count(JSON.stringify(input.tools));
    const fitted = fitAgentMessages(input.messages, budget - fixed, count);
    if (fitted.overBy > 0)
      throw new EngineError(
        `This agent turn needs ${fitted.overBy} more tokens than the chat model's context has, even with every tool result compacted.`,
        "Start a new chat, or raise hearth.local.contextSize.",
        "hearth.local.contextSize",
      );
    messages = fitted.messages;
    compacted = fitted.compacted;
  }
  const functions: ChatModelFunctions = Object.fromEntries(
    input.tools.map((tool) => [
      tool.name,
      { description: neutraliseChatText(tool.description), params: neutraliseChatJson(tool.parameters) as never },
    ]),
  );
  const history = agentChatHistory(wrapper, input.system, messages, input.tools);
  // The prompt as LlamaChat renders it (same history, functions and options).
  const render = (chatHistory: ChatHistoryItem[]) =>
    wrapper
      .generateContextState({ chatHistory, availableFunctions: functions, documentFunctionParams: true })
      .contextText.tokenize(model.tokenizer);
  const prompt = render(history);
  if (lm && prompt.length > budget) {
    throw new EngineError(
      `This request needs ${prompt.length + maxTokens} tokens (${prompt.length} of prompt, ${maxTokens} for the answer); Hearth's context for VS Code's Chat holds ${contextSize}.`,
      `Raise ${LM_CONTEXT_SETTING} (it costs memory), or start a new chat.`,
      LM_CONTEXT_SETTING,
    );
  }
  const sequence = lm ? await lm.sequenceFor(prompt) : loaded.sequence;
  const cachedBefore = sequence.contextTokens.slice();
  const outputBefore = sequence.tokenMeter.usedOutputTokens;
  const predictionsBefore = sequence.tokenPredictions;
  // A prompt that overflows is LlamaChat's to refuse below (its context shift throws), never the sequence's to cut.
  if (prompt.length < contextSize - 1) {
    try {
      const key = `${input.system}\n${JSON.stringify(functions)}`;
      const instructions = lm?.instructionTokens(key, () => sharedPrefix(render, history[0])) ?? [];
      await evaluatePrompt(sequence, prompt.slice(0, -1), options.signal, {
        beforeChunk: () => options.gate.whenClear(),
        checkpoint: lm?.prefixCheckpoint(sequence, prompt, instructions),
      });
    } catch (error) {
      if (!options.signal.aborted) throw error;
      // Stopped in the prompt, as LlamaChat stops in the answer: a result, not an error.
      const reused = commonPrefixLength(cachedBefore, sequence.contextTokens);
      return {
        answer: "",
        thought: "",
        toolCalls: [],
        stopReason: "aborted",
        compacted,
        promptTokens: prompt.length,
        evaluatedPromptTokens: sequence.contextTokens.length - reused,
        generatedTokens: 0,
      };
    }
  }
  const llamaChat = await llamaChatOf(
    sequence,
    options.requireToolCall && input.tools.length > 0 ? await requiringCall(wrapper) : wrapper,
  );
  let answer = "";
  let thought = "";
  // What streams out has the breaks the model copied from the prompt taken out, as the final texts do.
  const streamed = { thought: new RestoredTextStream(), answer: new RestoredTextStream() };
  // Drafts for this step: looked up in the prompt (an edit that repeats a file just read), else the draft model's.
  const predictor = lm ? lm.predictorFor(sequence) : loaded.predictor;
  const draftTokens = noDraftStats();
  predictor?.use({ sources: { lookup: true, model: loaded.draft }, stats: draftTokens });
  const response = await llamaChat
    .generateResponse(history, {
      functions,
      documentFunctionParams: true,
      maxParallelFunctionCalls: 1,
      maxTokens,
      temperature: options.temperature,
      signal: options.signal,
      stopOnAbortSignal: true,
      // The turn was fitted above; should the rendered prompt still overflow, nothing is dropped silently.
      contextShift: {
        strategy: () => {
          throw new EngineError(
            lm
              ? "This request no longer fits Hearth's context for VS Code's Chat."
              : "This agent turn no longer fits the chat model's context.",
            lm ? `Raise ${LM_CONTEXT_SETTING}, or start a new chat.` : "Start a new chat, or raise hearth.local.contextSize.",
            lm ? LM_CONTEXT_SETTING : "hearth.local.contextSize",
          );
        },
      },
      onResponseChunk: (chunk) => {
        if (chunk.text === "") return;
        // A commentary preamble (gpt-oss) is for the user, as in chat: only a thought segment is thought.
        const kind = chunk.type === "segment" && chunk.segmentType === "thought" ? "thought" : "answer";
        if (kind === "thought") thought += chunk.text;
        else answer += chunk.text;
        const text = streamed[kind].push(chunk.text);
        if (text !== "") options.onDelta({ kind, text });
      },
    })
    .finally(() => predictor?.use(undefined));
  for (const kind of ["thought", "answer"] as const) {
    const text = streamed[kind].end();
    if (text !== "") options.onDelta({ kind, text });
  }
  // Guesses verified but refuted, or never used, are in the meter but were never written.
  const generatedTokens = generatedTokensSince(sequence, outputBefore, predictionsBefore);
  // An unused guess stays in the KV cache past contextTokens: a prefix state saved with it would not load usefully.
  await dropUnusedDrafts(sequence);
  const after = sequence.contextTokens;
  // The prompt is the one rendered above when LlamaChat's context starts with it (the renderings agree): the context
  // less the meter's output tokens is off by the call tokens LlamaChat generated but didn't keep (6 on Qwen3's). Only
  // VS Code's steps count this way so far: Hearth's agent keeps the count its tests and bench:agent were set on.
  const renderedAsIs = lm !== undefined && commonPrefixLength(prompt, after) === prompt.length;
  const promptTokens = renderedAsIs ? prompt.length : after.length - generatedTokens;
  // What the KV cache held of this step's prompt before it (the rest was evaluated, here or by LlamaChat).
  const reused = Math.min(promptTokens, commonPrefixLength(cachedBefore, renderedAsIs ? prompt : after));
  const evaluatedPromptTokens = promptTokens - reused;
  const toolCalls: AgentToolCall[] = (response.functionCalls ?? []).map((call, index) => ({
    id: `call_${input.messages.length}_${index}`,
    name: call.functionName,
    arguments: restoreJson((call.params ?? {}) as Record<string, unknown>),
  }));
  const reason = response.metadata.stopReason;
  return {
    answer: restoreSpecialTokens(response.response || answer),
    thought: restoreSpecialTokens(thought),
    toolCalls,
    stopReason:
      toolCalls.length > 0 ? "toolCalls" : reason === "abort" ? "aborted" : reason === "maxTokens" ? "maxTokens" : "eog",
    compacted,
    promptTokens,
    evaluatedPromptTokens,
    generatedTokens,
    draftTokens: predictor ? draftTokens : undefined,
  };
}

/** Per wrapper, its variant for steps that must call a tool: one LlamaChat per sequence can then stay cached. */
const requiring = new WeakMap<ChatWrapper, ChatWrapper>();

/**
 * The wrapper for a step that must call a tool (VS Code's toolMode Required): its prompt ends with the template's
 * call prefix (`<tool_call>\n{"name": "` for Qwen; a parallel-call section's prefix first where the template has
 * one), and LlamaChat starts "initially engaged" in function calling, as node-llama-cpp's Functionary wrapper does:
 * the grammar then writes a call's name and arguments from the first token, so the answer is always a call.
 */
async function requiringCall(wrapper: ChatWrapper): Promise<ChatWrapper> {
  const known = requiring.get(wrapper);
  if (known) return known;
  const { LlamaText } = await loadLlamaModule();
  const { functions } = wrapper.settings;
  const prefix = LlamaText([functions.parallelism?.call.sectionPrefix ?? "", functions.call.prefix]);
  const variant: ChatWrapper = Object.create(wrapper);
  variant.generateContextState = (options) => {
    const state = wrapper.generateContextState(options);
    return {
      contextText: LlamaText([state.contextText, prefix]),
      stopGenerationTriggers: state.stopGenerationTriggers,
      ignoreStartText: state.ignoreStartText,
      functionCall: { initiallyEngaged: true, disengageInitiallyEngaged: [] },
    };
  };
  requiring.set(wrapper, variant);
  return variant;
}

/**
 * The tokens every conversation with these instructions and tools starts with: what two conversations that differ
 * only in their first question share. (A history of the system message alone renders differently: Qwen's template
 * puts the tools before the instructions there.)
 */
function sharedPrefix(render: (history: ChatHistoryItem[]) => readonly Token[], system: ChatHistoryItem): readonly Token[] {
  const conversation = (question: string): ChatHistoryItem[] => [system, { type: "user", text: question }];
  const first = render(conversation("A"));
  return first.slice(0, commonPrefixLength(first, render(conversation("B"))));
}

/**
 * The turn as node-llama-cpp's chat history: a tool result goes into the call it answers, as LlamaChat expects.
 * Thoughts go in as thought segments; the wrapper renders or drops them as the template requires (Qwen's and
 * DeepSeek's keep only the last response's). node-llama-cpp's generic Jinja wrapper renders every one it is given,
 * so for it only the thoughts after the last user message go in, which is what the templates it serves do by default
 * (GLM-4.7's, Mellum2's). R1 models get `<think>\n` opened at the start of a reply, as in chat.
 *
 * Every text in it has its special-token spellings broken (textPrompt.ts), as for a server: llama.cpp matches a
 * vocabulary's user-defined tokens even in plain text (Qwen's `<tool_call>`, Gemma 4's `<|channel>`, and gpt-oss's
 * `<|start|>`, `<|message|>` and `<|end|>`, with which a file the agent reads could write a developer message).
 */
export function agentChatHistory(
  wrapper: ChatWrapper,
  system: string,
  messages: readonly AgentMessage[],
  tools: AgentStepInput["tools"],
): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [{ type: "system", text: neutraliseChatText(system) }];
  const r1 = isR1Template(wrapper);
  const thinks = wrapper.settings.segments?.thought !== undefined;
  const lastUser = messages.map((message) => message.role).lastIndexOf("user");
  const keepsEveryThought = wrapper.wrapperName === "JinjaTemplate";
  const descriptions = new Map(tools.map((tool) => [tool.name, neutraliseChatText(tool.description)]));
  let open: ChatModelResponse | undefined;
  for (const [index, message] of messages.entries()) {
    if (message.role === "user") {
      history.push({ type: "user", text: neutraliseChatText(message.content) });
      open = undefined;
    } else if (message.role === "assistant") {
      // After a tool result the model goes on in the same response, as node-llama-cpp's own sessions do.
      if (!open) {
        open = { type: "model", response: [] };
        history.push(open);
      }
      // A template without thoughts (Llama 3.1) would render one as answer text: it goes only where it has a place.
      if (message.thought && thinks && (!keepsEveryThought || index > lastUser)) {
        // R1's first thought began with the `\n` forced below: the same text keeps the KV cache's prefix.
        const forced = r1 && open.response.length === 0 && !message.thought.startsWith("\n") ? "\n" : "";
        const text = forced + neutraliseChatText(message.thought);
        open.response.push({ type: "segment", segmentType: "thought", text, ended: true });
      }
      if (message.content !== "") open.response.push(neutraliseChatText(message.content));
      for (const call of message.toolCalls ?? [])
        open.response.push({
          type: "functionCall",
          name: call.name,
          description: descriptions.get(call.name),
          params: neutraliseChatJson(call.arguments),
          result: undefined,
        });
    } else {
      const call = open?.response.find(
        (item) => typeof item === "object" && item.type === "functionCall" && item.result === undefined,
      );
      if (call && typeof call === "object" && call.type === "functionCall") call.result = neutraliseChatText(message.content);
    }
  }
  // The reply to write next, or the one a tool result continues.
  if (!open)
    history.push({
      type: "model",
      response: r1 ? [{ type: "segment", segmentType: "thought", text: "\n", ended: false }] : [],
    });
  return history;
}
