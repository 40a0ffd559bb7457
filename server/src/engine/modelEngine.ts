/**
 * The model engine as the features see it. The local implementation runs node-llama-cpp in this process;
 * a remote one (HTTP to llama-server, vLLM, Ollama) can stand behind the same interface.
 */

import type { FimInput } from "../core/fimInput";
import type { AnswerFrame } from "../core/nextEdit/earlyStop";
import type { NextEditPromptFormat } from "../core/nextEdit/nextEditFormat";
import type { ReasoningDelta } from "../core/reasoning";
import type { Segment } from "../core/repoContext";
import type { AgentToolCall } from "../shared/agentProtocol";
import type { ChatContextItem, ChatMessage } from "../shared/chatProtocol";
import type { CompletionMetrics, EngineStatus } from "../shared/protocol";
import type { HearthSettings, ModelRole } from "../shared/settings";

export type { FimInput, RepoContextInput } from "../core/fimInput";

/** Where a model setting points: a file on disk, or a hub file that is not downloaded yet (at `path` once it is). */
export interface LocatedModel {
  path: string;
  missingDownload?: { repo: string; file: string; sizeBytes?: number };
  /** For an embedding model the catalog names: what it wants before a search query and before a document. */
  embeddingPrefixes?: { query: string; document: string };
}

/** Resolves a role's model setting (a path, catalog id, `hf:` URI or `auto`) for the local engine. */
export type LocateModel = (role: ModelRole, settings: HearthSettings) => Promise<LocatedModel>;

/** Resolves hearth.chat.draftModel the same way (`auto`: the catalog's pair for the chat model); undefined: none. */
export type LocateDraftModel = (settings: HearthSettings) => Promise<LocatedModel | undefined>;

/** Resolves hearth.agent.embeddingModel the same way. */
export type LocateEmbeddingModel = (settings: HearthSettings) => Promise<LocatedModel>;

export interface FimGenerationOptions {
  maxTokens: number;
  /** Generation stops after this long, keeping what it has. */
  timeoutMs: number;
  /** Aborts prompt evaluation (between chunks) and generation (between tokens). */
  signal: AbortSignal;
  /** A guess at a suggestion nobody asked for yet (speculation): it doesn't set the reported metrics. */
  speculative?: boolean;
  /** Only bring the KV cache up to date with the prompt (context that just changed); generate nothing. */
  evaluateOnly?: boolean;
  /** Called with the text so far after each token; true ends generation early (e.g. the code block has closed). */
  isComplete?: (textSoFar: string) => boolean;
  /** Up to this many other suggestions besides the greedy one (explicit requests; local engine only). */
  alternatives?: number;
  /** The greedy suggestion is known already (cached): generate only the alternatives; `text` is then "". */
  alternativesOnly?: boolean;
}

/**
 * A first token below this probability is not offered as an alternative: it is rarely what the user wants, and
 * each alternative costs a whole generation.
 */
export const MIN_ALTERNATIVE_PROBABILITY = 0.03;

export interface FimResult {
  text: string;
  metrics: CompletionMetrics;
  /** Other suggestions, raw, most likely first (when asked for and the engine can). */
  alternatives?: string[];
  /** The prompt as text, special tokens spelled out (for tests, through a debug request). */
  promptText?: () => string;
}

/** A next-edit prediction: the model rewrites the window around the cursor (see core/nextEdit/). */
export interface NextEditInput {
  /** The prompt, special tokens as segments of their own. */
  prompt: readonly Segment[];
  /**
   * Instead of `prompt`, a conversation for an instruct model (format `instruct`): the engine renders it with the
   * model's chat template (`prompt` is then its text, for the record).
   */
  chat?: { system: string; user: string };
  /** The window as it is: prompt-lookup decoding drafts from it, and the early stop compares with it. */
  currentWindow: string;
  /** Text that ends the rewrite (special tokens among them are matched as tokens). */
  stops: readonly string[];
  /**
   * The answer is the whole window rewritten, so it may end early once back in step with the window (earlyStop.ts).
   * Default true; false for a format whose answer is only the changed blocks (Zeta 2).
   */
  earlyStop?: boolean;
  /** Where the rewrite sits in a longer answer, for the early stop (the instruct format's region markers). */
  answerFrame?: AnswerFrame;
}

export interface NextEditOptions {
  maxTokens: number;
  /** A guess nobody asked for yet: it runs on a sequence of its own, so the request path's KV cache stays warm. */
  speculative?: boolean;
  /** Only bring the KV cache up to date with the prompt (an edit just settled); generate nothing. */
  evaluateOnly?: boolean;
  /** Generation stops after this long; the rewrite is then incomplete. */
  timeoutMs: number;
  signal: AbortSignal;
}

export interface NextEditMetrics {
  promptTokens: number;
  /** Prompt tokens evaluated for this request (the rest came from the KV cache); -1 when the server doesn't say. */
  evaluatedPromptTokens: number;
  generatedTokens: number;
  durationMs: number;
  /**
   * `stop`: the model ended the rewrite; `rejoined`: it was back in step with the window, the rest is a copy.
   */
  stopReason: "stop" | "rejoined" | "maxTokens" | "timeout" | "aborted" | "evaluateOnly";
  /** Locally, what prompt lookup drafted: tokens drafted, kept, and the longest draft verified at once. */
  draftTokens?: { drafted: number; accepted: number; longest: number };
}

export interface NextEditResult {
  /** The model's rewrite of the window (complete when the stop reason is `stop` or `rejoined`). */
  rewrite: string;
  complete: boolean;
  metrics: NextEditMetrics;
  /** The prompt as the model read it, where the engine rendered it (an instruct conversation in a chat template). */
  promptText?: string;
}

export interface ChatGenerationOptions {
  /** `fix` answers on a sequence with prompt-lookup decoding, since fixes mostly copy their input. */
  purpose?: "chat" | "fix";
  /** Overrides hearth.chat.temperature (fixes use 0). */
  temperature?: number;
  signal: AbortSignal;
  onDelta(delta: ReasoningDelta): void;
}

export interface ModelEngine {
  /** The current status of each role's model. */
  status(role: ModelRole): EngineStatus;
  /** Subscribes to status changes of either role; returns the unsubscribe function. */
  onStatus(listener: (status: EngineStatus) => void): () => void;
  /** Applies new settings; a model whose settings changed is loaded again. */
  configure(settings: HearthSettings): void;
  /** Starts loading a role's model in the background if it is not loaded or loading. Never throws. */
  warmUp(role: ModelRole): void;
  /** Answers a conversation, streaming deltas. Aborting ends it early with what it has. */
  chat(input: ChatInput, options: ChatGenerationOptions): Promise<ChatReply>;
  /** Fills in the middle. Rejects with an AbortError when aborted, or an EngineError the user can act on. */
  fillInMiddle(input: FimInput, options: FimGenerationOptions): Promise<FimResult>;
  /**
   * Rewrites the window around the cursor with the next-edit model. Rejects with an AbortError when aborted, or an
   * EngineError the user can act on (no next-edit model, one whose vocabulary lacks the format's tokens).
   */
  predictEdit(input: NextEditInput, options: NextEditOptions): Promise<NextEditResult>;
  /**
   * The next-edit model's prompt format, recognised from its vocabulary and name (hearth.nextEdit.format `auto`):
   * loads the local model if needed, asks a server. Rejects as predictEdit does, or when the model speaks no format
   * Hearth knows.
   */
  nextEditFormat(signal: AbortSignal): Promise<NextEditPromptFormat>;
  /**
   * One step of an agent turn: the model answers or calls tools. Locally a call is grammar-constrained (it always
   * parses and matches the tool's schema); a remote call that doesn't parse comes back as `parseError`.
   */
  agentStep(input: AgentStepInput, options: AgentStepOptions): Promise<AgentStepResult>;
  /**
   * The chat model's own count of the tokens of `text` where that costs no model load (a loaded local chat model,
   * llama-server's /tokenize); undefined otherwise, for the caller to estimate. Cheap: VS Code asks for every message.
   */
  countChatTokens(text: string, signal: AbortSignal): Promise<number | undefined>;
  /**
   * The models another chat may choose for its steps (`contextFor: "lm"`), the chat model Hearth's settings name
   * first, each with the context a step gets in tokens: the one made for it once it exists, else what it will be
   * asked for (the setting, capped to what the model was trained for, or what the server says). Empty while chat
   * has no model.
   */
  lmModels(signal: AbortSignal): Promise<LmModelChoice[]>;
  /**
   * Another chat lists Hearth's models, so it may soon send a step: where a prefix state was saved for the chat
   * model, load the model now, and the state with it, in the background (the local engine; a no-op remotely).
   */
  warmUpLm(): void;
  /**
   * Embedding vectors with the local embedding model (hearth.agent.embeddingModel), whichever engine serves the
   * other roles: it is small and the code never leaves the machine. Rejects with an EngineError when none is set.
   */
  embed(texts: readonly string[], kind: "query" | "document", signal: AbortSignal): Promise<number[][]>;
  /** The measurements of the last fill-in-the-middle run. */
  readonly lastMetrics: CompletionMetrics | null;
  dispose(): Promise<void>;
}

export interface ChatInput {
  messages: ChatMessage[];
  context: ChatContextItem[];
}

export interface ChatReply {
  answer: string;
  thought: string;
  thoughtMs: number;
  stopReason: string;
  truncated: string[];
  promptTokens: number;
  evaluatedPromptTokens: number;
  generatedTokens: number;
  /** Time spent generating (after the prompt), in milliseconds. */
  generationMs: number;
  /** Speculative decoding (a draft model, or lookup for a fix): tokens drafted, and how many the model kept. */
  draftTokens?: { drafted: number; accepted: number };
}

/** A tool as the model is told about it: JSON Schema parameters (an object whose properties are all required). */
export interface AgentToolSpec {
  name: string;
  description: string;
  parameters: { type: "object"; properties: Record<string, unknown> };
}

export type AgentMessage =
  | { role: "user"; content: string }
  /**
   * `thought`: what a reasoning model thought before this step's answer or call, carried to the next step so its
   * template can keep it or drop it as it requires (Qwen3 and R1 keep the current turn's thoughts).
   */
  | { role: "assistant"; content: string; thought?: string; toolCalls?: AgentToolCall[] }
  /** A tool's result; `summary` is what it is compacted to when the turn would not fit. */
  | { role: "tool"; callId: string; name: string; content: string; summary: string };

export interface AgentStepInput {
  /** The system prompt, rules files included. */
  system: string;
  messages: AgentMessage[];
  tools: AgentToolSpec[];
}

/** A model another chat may choose (hearth/lm/models). */
export interface LmModelChoice {
  /** A remote server's model other than the configured chat model, by the name the server serves it under. */
  served?: string;
  /** What runs: the model's file or served name. */
  label: string;
  /** Where it runs: `local, cuda`, `remote`. */
  where: string;
  /** Tokens a step gets (prompt and answer). */
  contextSize: number;
}

export interface AgentStepOptions {
  /**
   * Whose conversation: Hearth's own agent (`chat`, the default: the chat model's context, compacted to fit) or
   * another chat's (`lm`, VS Code's through the provider: a context of its own sized by hearth.lm.contextSize, kept
   * apart from Hearth's chat, never compacted: a prompt that does not fit is refused).
   */
  contextFor?: "chat" | "lm";
  /** Another served model than the configured chat model (a remote server's, from lmModels' `served`). */
  servedModel?: string;
  /** The answer must call a tool: forced by the grammar locally, `tool_choice: "required"` remotely. */
  requireToolCall?: boolean;
  /** At most this many tokens in the answer (the budget still caps it). */
  maxTokens?: number;
  signal: AbortSignal;
  onDelta(delta: ReasoningDelta): void;
}

export interface AgentStepResult {
  answer: string;
  thought: string;
  toolCalls: AgentToolCall[];
  /** `eog`, `toolCalls`, `maxTokens`, `aborted`, `parseError`. */
  stopReason: string;
  /** A remote tool call that wasn't valid JSON: the parser's message, for one repair attempt. */
  parseError?: string;
  /** Summaries of the tool results compacted so the step fits the context. */
  compacted: string[];
  promptTokens: number;
  /** Prompt tokens evaluated for this step (the rest came from the KV cache); -1 when the server doesn't say. */
  evaluatedPromptTokens: number;
  generatedTokens: number;
  /** Speculative decoding on the local engine (prompt lookup, then the draft model): tokens drafted, and kept. */
  draftTokens?: { drafted: number; accepted: number };
}
