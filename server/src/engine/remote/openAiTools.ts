/**
 * One agent step over an OpenAI-compatible `/v1/chat/completions` with `tools` (vLLM, llama-server with `--jinja`,
 * Ollama), streamed: text and thoughts as deltas, tool calls gathered from their `tool_calls` pieces. A call whose
 * arguments are not JSON is not guessed at: the step reports the parser's message so the loop can ask once more.
 */
import { chatBudget } from "../../core/chatPrompt";
import { finishedReply, ReasoningStream } from "../../core/reasoning";
import type { AgentToolCall } from "../../shared/agentProtocol";
import { fitAgentMessages } from "../agentCompaction";
import { EngineError } from "../engineError";
import type { AgentMessage, AgentStepInput, AgentStepOptions, AgentStepResult } from "../modelEngine";
import type { RemoteHttp } from "./remoteHttp";

interface ToolCallPiece {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

interface ToolChunk {
  choices?: {
    delta?: {
      content?: string | null;
      reasoning_content?: string | null;
      reasoning?: string | null;
      tool_calls?: ToolCallPiece[];
    };
    finish_reason?: string | null;
  }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } };
}

export interface RemoteAgentOptions extends AgentStepOptions {
  model: string;
  maxTokens: number;
  temperature: number;
  contextTokens: number;
  slot?: number;
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
  const stream = new ReasoningStream();
  let reasoning = "";
  let content = "";
  let chunks = 0;
  let stopReason = "eog";
  let usage: ToolChunk["usage"];
  const pieces = new Map<number, { id: string; name: string; arguments: string }>();
  const started = performance.now();
  const events = http.events("/v1/chat/completions", {
    body: {
      ...(options.model ? { model: options.model } : {}),
      messages: [{ role: "system", content: input.system }, ...fitted.messages.map(openAiMessage)],
      tools: input.tools.map((tool) => ({ type: "function", function: tool })),
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
      const chunk = raw as ToolChunk;
      usage = chunk.usage ?? usage;
      const choice = chunk.choices?.[0];
      const delta = choice?.delta;
      for (const piece of delta?.tool_calls ?? []) {
        const index = piece.index ?? 0;
        const call = pieces.get(index) ?? { id: piece.id ?? `call_${index}`, name: "", arguments: "" };
        if (piece.id) call.id = piece.id;
        call.name += piece.function?.name ?? "";
        call.arguments += piece.function?.arguments ?? "";
        pieces.set(index, call);
      }
      const thought = delta?.reasoning_content ?? delta?.reasoning;
      if (typeof thought === "string" && thought !== "") reasoning += thought;
      if (typeof delta?.content === "string" && delta.content !== "") content += delta.content;
      if (thought || delta?.content) {
        chunks++;
        const combined = reasoning === "" ? content : `<think>${reasoning}${content === "" ? "" : `</think>${content}`}`;
        for (const piece of stream.update(combined)) options.onDelta(piece);
      }
      if (choice?.finish_reason) stopReason = choice.finish_reason === "length" ? "maxTokens" : "eog";
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
      toolCalls.push({ id: call.id, name: call.name, arguments: parsed as Record<string, unknown> });
    } catch (error) {
      parseError = `The arguments of ${call.name || "a tool call"} did not parse (${error instanceof Error ? error.message : String(error)}): ${call.arguments.slice(0, 200)}`;
    }
  }
  const reply = finishedReply(stream.current, 0, performance.now() - started);
  const cached = usage?.prompt_tokens_details?.cached_tokens;
  return {
    answer: reply.answer,
    thought: reply.thought,
    toolCalls: parseError ? [] : toolCalls,
    stopReason: parseError ? "parseError" : toolCalls.length > 0 && stopReason !== "aborted" ? "toolCalls" : stopReason,
    parseError,
    compacted: fitted.compacted,
    promptTokens: usage?.prompt_tokens ?? -1,
    evaluatedPromptTokens: usage?.prompt_tokens !== undefined && cached !== undefined ? usage.prompt_tokens - cached : -1,
    generatedTokens: usage?.completion_tokens ?? chunks,
  };
}

function openAiMessage(message: AgentMessage): Record<string, unknown> {
  if (message.role === "tool") return { role: "tool", tool_call_id: message.callId, content: message.content };
  if (message.role === "user" || !message.toolCalls?.length) return { role: message.role, content: message.content };
  return {
    role: "assistant",
    content: message.content,
    tool_calls: message.toolCalls.map((call) => ({
      id: call.id,
      type: "function",
      function: { name: call.name, arguments: JSON.stringify(call.arguments) },
    })),
  };
}
