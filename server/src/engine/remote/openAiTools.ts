/**
 * One agent step over an OpenAI-compatible `/v1/chat/completions` with `tools` (vLLM, llama-server with `--jinja`,
 * Ollama), streamed: text and thoughts as deltas, tool calls gathered from their `tool_calls` pieces. A call whose
 * arguments are not JSON is not guessed at: the step reports the parser's message so the loop can ask once more.
 * The server renders its template over the messages and parses special tokens in the result, so every text sent
 * (rules files, tool results, earlier answers, thoughts and calls, MCP tools' descriptions) has their spellings and
 * the templates' tags broken: a file the agent reads can't forge a turn or a call. The model's copies are restored.
 */
import { chatBudget } from "../../core/chatPrompt";
import { finishedReply } from "../../core/reasoning";
import { neutraliseChatJson, neutraliseChatText, restoreJson } from "../../core/textPrompt";
import type { AgentToolCall } from "../../shared/agentProtocol";
import { fitAgentMessages } from "../agentCompaction";
import { EngineError } from "../engineError";
import type { AgentMessage, AgentStepInput, AgentStepOptions, AgentStepResult, AgentToolSpec } from "../modelEngine";
import {
  type ChatCompletionChunk,
  type ChatRequestOptions,
  chatCompletionBody,
  finishReasonOf,
  StreamedReply,
} from "./chatCompletionStream";
import type { RemoteHttp } from "./remoteHttp";

/** `maxTokens` is the answer's limit already resolved (the request's, capped by hearth.chat.maxTokens). */
export interface RemoteAgentOptions extends Omit<AgentStepOptions, "maxTokens">, ChatRequestOptions {
  contextTokens: number;
}

/** Without the server's tokenizer, the same conservative estimate chat uses. */
const estimateTokens = (text: string) => Math.ceil(text.length / 3);

export async function openAiAgentStep(
  http: RemoteHttp,
  input: AgentStepInput,
  options: RemoteAgentOptions,
): Promise<AgentStepResult> {
  const { maxTokens, promptTokens } = chatBudget(options.contextTokens, options.maxTokens);
  const fixed = estimateTokens(input.system) + estimateTokens(JSON.stringify(input.tools));
  const fitted = fitAgentMessages(input.messages, promptTokens - fixed, estimateTokens);
  if (fitted.overBy > 0)
    throw new EngineError(
      `This agent turn needs about ${fitted.overBy} more tokens than the server's context has, even with every tool result compacted.`,
      "Start a new chat, or give the server a larger context (llama-server -c).",
    );
  const started = performance.now();
  const reply = new StreamedReply(started);
  let stopReason = "eog";
  let usage: ChatCompletionChunk["usage"];
  const pieces = new Map<number, { id: string; name: string; arguments: string }>();
  const events = http.events("/v1/chat/completions", {
    body: chatCompletionBody(
      { ...options, maxTokens },
      [{ role: "system", content: neutraliseChatText(input.system) }, ...fitted.messages.map(openAiMessage)],
      // One call at a time, as locally: small models do better, and each result informs the next call.
      {
        tools: input.tools.map(openAiTool),
        parallel_tool_calls: false,
        ...(options.requireToolCall ? { tool_choice: "required" } : {}),
      },
    ),
    signal: options.signal,
  });
  try {
    for await (const raw of events) {
      const chunk = raw as ChatCompletionChunk;
      usage = chunk.usage ?? usage;
      const choice = chunk.choices?.[0];
      // A call streams in pieces: its name first, its arguments split across chunks.
      for (const piece of choice?.delta?.tool_calls ?? []) {
        const index = piece.index ?? 0;
        const call = pieces.get(index) ?? { id: piece.id ?? `call_${index}`, name: "", arguments: "" };
        if (piece.id) call.id = piece.id;
        call.name += piece.function?.name ?? "";
        call.arguments += piece.function?.arguments ?? "";
        pieces.set(index, call);
      }
      reply.add(choice?.delta, options.onDelta);
      stopReason = finishReasonOf(choice?.finish_reason) ?? stopReason;
      if (options.signal.aborted) break;
    }
  } catch (error) {
    if (!options.signal.aborted) throw error;
  }
  if (options.signal.aborted) stopReason = "aborted";
  const toolCalls: AgentToolCall[] = [];
  let parseError: string | undefined;
  for (const call of [...pieces.values()]) {
    try {
      const parsed: unknown = call.arguments.trim() === "" ? {} : JSON.parse(call.arguments);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
        throw new Error("the arguments are not a JSON object");
      toolCalls.push({ id: call.id, name: call.name, arguments: restoreJson(parsed as Record<string, unknown>) });
    } catch (error) {
      parseError = `The arguments of ${call.name || "a tool call"} did not parse (${error instanceof Error ? error.message : String(error)}): ${call.arguments.slice(0, 200)}`;
    }
  }
  reply.finish(options.onDelta);
  const finished = finishedReply(reply.current, reply.thoughtMs, performance.now() - started);
  const cached = usage?.prompt_tokens_details?.cached_tokens;
  return {
    answer: finished.answer,
    thought: finished.thought,
    toolCalls: parseError ? [] : toolCalls,
    stopReason: parseError ? "parseError" : toolCalls.length > 0 && stopReason !== "aborted" ? "toolCalls" : stopReason,
    parseError,
    compacted: fitted.compacted,
    promptTokens: usage?.prompt_tokens ?? -1,
    evaluatedPromptTokens: usage?.prompt_tokens !== undefined && cached !== undefined ? usage.prompt_tokens - cached : -1,
    generatedTokens: usage?.completion_tokens ?? reply.chunks,
  };
}

/** A tool as the server is told about it: its name as it is (the model calls it so), the rest broken as text. */
function openAiTool(tool: AgentToolSpec): Record<string, unknown> {
  return {
    type: "function",
    function: {
      name: tool.name,
      description: neutraliseChatText(tool.description),
      parameters: neutraliseChatJson(tool.parameters),
    },
  };
}

function openAiMessage(message: AgentMessage): Record<string, unknown> {
  const content = neutraliseChatText(message.content);
  if (message.role === "tool") return { role: "tool", tool_call_id: message.callId, content };
  if (message.role === "user") return { role: "user", content };
  // llama-server, vLLM and Ollama hand `reasoning_content` to the template, which keeps or drops it as it requires.
  const thought = message.thought ? { reasoning_content: neutraliseChatText(message.thought) } : {};
  if (!message.toolCalls?.length) return { role: "assistant", content, ...thought };
  return {
    role: "assistant",
    content,
    ...thought,
    tool_calls: message.toolCalls.map((call) => ({
      id: call.id,
      type: "function",
      // Each string in the arguments, not their JSON text: the break goes inside strings only, and it stays JSON.
      function: { name: call.name, arguments: JSON.stringify(neutraliseChatJson(call.arguments)) },
    })),
  };
}
