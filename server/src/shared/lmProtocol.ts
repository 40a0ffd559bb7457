/**
 * Hearth's model behind another chat: the language-server messages VS Code's own Chat, Agent and inline chat use
 * through Hearth's language model chat provider (`client/src/lm/`). Part of the shared contract (see protocol.ts);
 * it imports nothing from `vscode` or node-llama-cpp.
 *
 * The caller owns the conversation and the tools: the server only runs one model step (answer or call tools) and
 * runs no tool itself. The messages come from VS Code's chat and its tools, which decide what goes in them, so the
 * server does not check them for secrets as it does Hearth's own chat context.
 */
import { NotificationType, RequestType, RequestType0 } from "vscode-languageserver-protocol";
import type { AgentToolCall } from "./agentProtocol";

/**
 * A token count where the model's tokenizer isn't at hand (the client; the server before the model loads): about
 * four characters a token, rounded up (code and English with BPE vocabularies), so a budget errs a little high.
 * One rule for both sides, so the counts VS Code sees don't change with who answered.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** What a tool gave back for one call, as the caller ran it. */
export interface LmToolResult {
  callId: string;
  content: string;
  isError?: boolean;
}

/**
 * One message of the caller's conversation. A user message may carry results of the calls of the assistant message
 * before it (VS Code sends them as a user message); they go to the model before its text.
 */
export type LmMessage =
  | { role: "system"; text: string }
  | { role: "user"; text: string; toolResults?: LmToolResult[] }
  | { role: "assistant"; text: string; toolCalls?: AgentToolCall[] };

/** A tool the model may call: its parameters as a JSON Schema object. */
export interface LmTool {
  name: string;
  description: string;
  inputSchema?: Record<string, unknown>;
}

export interface LmStepParams {
  /** Chosen by the caller, so the deltas of concurrent steps reach the right one. */
  stepId: string;
  /** The model's id as {@link LmModelsRequest} listed it; absent: `chat`, the chat model Hearth's settings name. */
  model?: string;
  messages: LmMessage[];
  tools: LmTool[];
  /** At most this many answer tokens (VS Code's `modelOptions.maxOutputTokens`); the model's share caps it. */
  maxOutputTokens?: number;
  /**
   * `required`: the answer must call a tool (VS Code's `LanguageModelChatToolMode.Required`). Locally the prompt
   * ends with the template's call prefix and the grammar writes the call from the first token; a remote server is
   * sent `tool_choice: "required"`.
   */
  toolMode?: "auto" | "required";
}

export interface LmStepResult {
  /** The answer; a reasoning model's thought is never part of it. */
  text: string;
  /** The calls the model made, with their arguments as parsed JSON (locally they always match the tool's schema). */
  toolCalls: AgentToolCall[];
  /** `eog`, `toolCalls`, `maxTokens`, `aborted`, `parseError` (a remote call that wasn't valid JSON). */
  stopReason: string;
  promptTokens: number;
  /** Prompt tokens evaluated for this step (the rest came from the KV cache); -1 when the server doesn't say. */
  evaluatedPromptTokens: number;
  generatedTokens: number;
  /** Speculative decoding on the local engine (prompt lookup, the draft model): tokens drafted, and kept. */
  draftTokens?: { drafted: number; accepted: number };
}

/**
 * Client → server request: one step of the chat model over the caller's conversation, in a context of its own
 * (hearth.lm.contextSize; Hearth's own chat never evicts it). A prompt that doesn't fit that context is refused with
 * `HearthErrorCodes.chatModel` saying how many tokens it needs and the context holds, never cut: the caller owns the
 * conversation and summarizes it from `maxInputTokens`. Answer text streams as
 * {@link LmDeltaNotification}s; the result is the whole step. Cancelling ($/cancelRequest) stops the model, in the
 * prompt or in generation, and resolves with what it had (stopReason `aborted`). An unusable model fails with
 * `HearthErrorCodes.chatModel` and data saying what to do (shared/errors.ts).
 */
export namespace LmStepRequest {
  export const method = "hearth/lm/step";
  export const type = new RequestType<LmStepParams, LmStepResult, void>(method);
}

/**
 * Server → client notification: more answer text of step `stepId`, to append. Thoughts are not sent. Should the
 * model's text change retroactively in a way appending can't show (a late closing thought tag), nothing more is sent
 * and the result's `text` is the truth.
 */
export namespace LmDeltaNotification {
  export const method = "hearth/lm/delta";
  export const type = new NotificationType<{ stepId: string; text: string }>(method);
}

/** The id of the chat model Hearth's settings name; a remote server's other models are `served:` + its name for them. */
export const LM_CHAT_MODEL_ID = "chat";
export const LM_SERVED_MODEL_PREFIX = "served:";

/** A model as another chat lists it. */
export interface LmModelInfo {
  /** {@link LM_CHAT_MODEL_ID}, or {@link LM_SERVED_MODEL_PREFIX} and a remote server's model name. */
  id: string;
  /** What runs, e.g. `Hearth · Qwen3-4B-Instruct-2507-Q4_K_M.gguf (local, cuda)`, `Hearth · qwen3:8b (remote)`. */
  name: string;
  family: string;
  /**
   * The prompt tokens Hearth will give a step: the context steps get (locally the one made for them, or what
   * hearth.lm.contextSize will make; remotely what the server says it serves, else 8,192) less the answer's share
   * and the template's margin.
   */
  maxInputTokens: number;
  /** The answer's share of the context (hearth.chat.maxTokens, at most half the context). */
  maxOutputTokens: number;
  toolCalling: boolean;
}

/**
 * Client → server request: the models another chat may use now: the chat model as it is configured, then, on a
 * remote OpenAI-compatible server, each other model it serves (not its embedding models); none when chat has no
 * model. Listing them also warms the local chat model when VS Code's chat used it before (a prefix state is saved).
 */
export namespace LmModelsRequest {
  export const method = "hearth/lm/models";
  export const type = new RequestType0<LmModelInfo[], void>(method);
}

export interface LmTokenCountParams {
  text: string;
}

export interface LmTokenCountResult {
  tokens: number;
  /**
   * True when the chat model's own tokenizer counted (a loaded local model, llama-server's /tokenize); false for
   * the estimate of four characters a token (a model not loaded yet is not loaded for a count; other servers).
   */
  exact: boolean;
}

/** Client → server request: the chat model's token count of a text (VS Code's provideTokenCount). Cheap. */
export namespace LmTokenCountRequest {
  export const method = "hearth/lm/tokenCount";
  export const type = new RequestType<LmTokenCountParams, LmTokenCountResult, void>(method);
}
