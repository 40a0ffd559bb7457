/**
 * One agent step on the chat sequence through node-llama-cpp's LlamaChat with function calling: the model's own
 * chat template renders the tools and the calls (Qwen's `<tool_call>`, Llama 3.1's `<function=…>`, DeepSeek's, …),
 * and once the model starts a call, its name and arguments are grammar-constrained, so a call always parses and
 * always matches the tool's schema. LlamaChat keeps the sequence's KV cache and evaluates only what the last step
 * didn't (measured with the sequence's token meter).
 */
import type { ChatHistoryItem, ChatModelFunctions, ChatModelResponse, ChatWrapper, LlamaChat } from "node-llama-cpp";
import { chatBudget } from "../../core/chatPrompt";
import type { AgentToolCall } from "../../shared/agentProtocol";
import { fitAgentMessages } from "../agentCompaction";
import { EngineError } from "../engineError";
import type { AgentMessage, AgentStepInput, AgentStepOptions, AgentStepResult } from "../modelEngine";
import type { ChatModel } from "./chatModel";
import { isR1Template } from "./chatTemplateRules";
import { loadLlamaModule } from "./llamaRuntime";

const chats = new WeakMap<ChatModel, LlamaChat>();

async function llamaChatOf(loaded: ChatModel): Promise<LlamaChat> {
  const existing = chats.get(loaded);
  if (existing && !existing.disposed) return existing;
  const { LlamaChat } = await loadLlamaModule();
  // The sequence stays the chat role's: plain chat turns use it too, and its KV cache serves both.
  const chat = new LlamaChat({ contextSequence: loaded.sequence, chatWrapper: loaded.wrapper, autoDisposeSequence: false });
  chats.set(loaded, chat);
  return chat;
}

export interface AgentGenerationOptions extends AgentStepOptions {
  maxTokens: number;
  temperature: number;
}

export async function generateAgentStep(
  loaded: ChatModel,
  input: AgentStepInput,
  options: AgentGenerationOptions,
): Promise<AgentStepResult> {
  const llamaChat = await llamaChatOf(loaded);
  const { model, sequence } = loaded;
  const count = (text: string) => model.tokenize(text).length;
  const { maxTokens, promptTokens: budget } = chatBudget(sequence.contextSize, options.maxTokens);
  const fixed = count(input.system) + count(JSON.stringify(input.tools));
  const fitted = fitAgentMessages(input.messages, budget - fixed, count);
  if (fitted.overBy > 0)
    throw new EngineError(
      `This agent turn needs ${fitted.overBy} more tokens than the chat model's context has, even with every tool result compacted.`,
      "Start a new chat, or raise hearth.local.contextSize.",
      "hearth.local.contextSize",
    );
  const functions: ChatModelFunctions = Object.fromEntries(
    input.tools.map((tool) => [tool.name, { description: tool.description, params: tool.parameters as never }]),
  );
  const history = agentChatHistory(loaded.wrapper, input.system, fitted.messages, input.tools);
  const cachedBefore = sequence.contextTokens.slice();
  const outputBefore = sequence.tokenMeter.usedOutputTokens;
  let answer = "";
  let thought = "";
  const response = await llamaChat.generateResponse(history, {
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
          "This agent turn no longer fits the chat model's context.",
          "Start a new chat, or raise hearth.local.contextSize.",
          "hearth.local.contextSize",
        );
      },
    },
    onResponseChunk: (chunk) => {
      if (chunk.text === "") return;
      const kind = chunk.type === "segment" ? "thought" : "answer";
      if (kind === "thought") thought += chunk.text;
      else answer += chunk.text;
      options.onDelta({ kind, text: chunk.text });
    },
  });
  const generatedTokens = sequence.tokenMeter.usedOutputTokens - outputBefore;
  const promptTokens = sequence.contextTokens.length - generatedTokens;
  // What the KV cache held of this step's prompt (LlamaChat keeps the common prefix and evaluates the rest).
  const after = sequence.contextTokens;
  let reused = 0;
  while (reused < cachedBefore.length && reused < promptTokens && cachedBefore[reused] === after[reused]) reused++;
  const evaluatedPromptTokens = promptTokens - reused;
  const toolCalls: AgentToolCall[] = (response.functionCalls ?? []).map((call, index) => ({
    id: `call_${input.messages.length}_${index}`,
    name: call.functionName,
    arguments: (call.params ?? {}) as Record<string, unknown>,
  }));
  const reason = response.metadata.stopReason;
  return {
    answer: response.response || answer,
    thought,
    toolCalls,
    stopReason:
      toolCalls.length > 0 ? "toolCalls" : reason === "abort" ? "aborted" : reason === "maxTokens" ? "maxTokens" : "eog",
    compacted: fitted.compacted,
    promptTokens,
    evaluatedPromptTokens,
    generatedTokens,
  };
}

/**
 * The turn as node-llama-cpp's chat history: a tool result goes into the call it answers, as LlamaChat expects.
 * Thoughts go in as thought segments; the wrapper renders or drops them as the template requires (Qwen's and
 * DeepSeek's keep only the last response's). R1 models get `<think>\n` opened at the start of a reply, as in chat.
 */
export function agentChatHistory(
  wrapper: ChatWrapper,
  system: string,
  messages: readonly AgentMessage[],
  tools: AgentStepInput["tools"],
): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [{ type: "system", text: system }];
  const r1 = isR1Template(wrapper);
  const thinks = wrapper.settings.segments?.thought !== undefined;
  const descriptions = new Map(tools.map((tool) => [tool.name, tool.description]));
  let open: ChatModelResponse | undefined;
  for (const message of messages) {
    if (message.role === "user") {
      history.push({ type: "user", text: message.content });
      open = undefined;
    } else if (message.role === "assistant") {
      // After a tool result the model goes on in the same response, as node-llama-cpp's own sessions do.
      if (!open) {
        open = { type: "model", response: [] };
        history.push(open);
      }
      // A template without thoughts (Llama 3.1) would render one as answer text: it goes only where it has a place.
      if (message.thought && thinks) {
        // R1's first thought began with the `\n` forced below: the same text keeps the KV cache's prefix.
        const forced = r1 && open.response.length === 0 && !message.thought.startsWith("\n") ? "\n" : "";
        open.response.push({ type: "segment", segmentType: "thought", text: forced + message.thought, ended: true });
      }
      if (message.content !== "") open.response.push(message.content);
      for (const call of message.toolCalls ?? [])
        open.response.push({
          type: "functionCall",
          name: call.name,
          description: descriptions.get(call.name),
          params: call.arguments,
          result: undefined,
        });
    } else {
      const call = open?.response.find(
        (item) => typeof item === "object" && item.type === "functionCall" && item.result === undefined,
      );
      if (call && typeof call === "object" && call.type === "functionCall") call.result = message.content;
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
