/**
 * Agent mode: the language-server messages of a chat turn in which the model may call tools. Part of the shared
 * contract (see protocol.ts); it imports nothing from `vscode` or node-llama-cpp.
 *
 * The server runs the loop and the tools that only read; what changes the user's machine (an edit, a command) is
 * asked of the client, which shows it and waits for the user. So an editor without these handlers gets an agent
 * that can read and search, and nothing it can't show.
 */
import { NotificationType, RequestType } from "vscode-languageserver-protocol";
import type { ChatContextItem, ChatMessage } from "./chatProtocol";

/** One tool call the model made, with its arguments as parsed JSON. */
export interface AgentToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

/** What a tool gave back (the text the model reads; `isError` when the call was refused or failed). */
export interface AgentToolResult {
  callId: string;
  name: string;
  content: string;
  isError?: boolean;
}

export interface AgentRunParams {
  /** Identifies the conversation, so deltas and events reach the right view. */
  chatId: string;
  messages: ChatMessage[];
  context: ChatContextItem[];
  /** Untrusted workspace: only the tools that read are offered (no edits, no commands, no MCP). */
  readOnly: boolean;
  /** Rules files the user turned off (workspace-relative paths); the others go into the system prompt. */
  disabledRules?: string[];
}

export interface AgentRunResult {
  answer: string;
  thought: string;
  /** `done`, `loopLimit`, `aborted`, `maxTokens`, `toolCallError` (a remote call that didn't parse twice). */
  stopReason: string;
  /** Every call of the turn, in order, with its result. */
  steps: Array<{ call: AgentToolCall; result: AgentToolResult }>;
  /** Files the turn's accepted edits changed, with their text before it (for "Undo this turn's edits"). */
  checkpoint: Array<{ uri: string; before: string | null }>;
  /** One line per tool result compacted to fit the context. */
  compacted: string[];
  /** Rules files that went into the system prompt (workspace-relative). */
  rules: string[];
  /** Per model step: the prompt's tokens, those evaluated (the rest came from the KV cache) and those generated; -1: not said. */
  /** Per step; `draftTokens` where the local engine drafted (prompt lookup, the draft model): drafted, and kept. */
  usage: Array<{
    promptTokens: number;
    evaluatedPromptTokens: number;
    generatedTokens: number;
    draftTokens?: { drafted: number; accepted: number };
  }>;
}

/**
 * Client → server request: run one agent turn. Answer text streams as `hearth/chat/delta` (the same as chat); tool
 * calls and their results as {@link AgentEventNotification}. Cancelling stops the model and the current tool.
 */
export namespace AgentRunRequest {
  export const method = "hearth/agent/run";
  export const type = new RequestType<AgentRunParams, AgentRunResult, void>(method);
}

export type AgentEvent =
  | { chatId: string; kind: "toolCall"; call: AgentToolCall }
  | { chatId: string; kind: "toolResult"; result: AgentToolResult }
  | { chatId: string; kind: "compacted"; summary: string }
  | { chatId: string; kind: "rules"; files: string[] };

/** Server → client notification: a tool call, its result, or a compaction during an agent turn. */
export namespace AgentEventNotification {
  export const method = "hearth/agent/event";
  export const type = new NotificationType<AgentEvent>(method);
}

export interface ProposeEditParams {
  chatId: string;
  uri: string;
  /** The file's text now (`null`: it doesn't exist yet, `create_file`). */
  before: string | null;
  after: string;
}

export interface ProposeEditResult {
  accepted: boolean;
  /** Why not, for the model (the user's words when they gave some). */
  reason?: string;
}

/** Server → client request: show a proposed edit of one file and apply it only if the user accepts. */
export namespace ProposeEditRequest {
  export const method = "hearth/agent/proposeEdit";
  export const type = new RequestType<ProposeEditParams, ProposeEditResult, void>(method);
}

export interface RunCommandParams {
  chatId: string;
  command: string;
  /** Absolute path of the folder it runs in (inside the workspace). */
  cwd: string;
  timeoutMs: number;
}

export interface RunCommandResult {
  /** False when the user declined; nothing ran. */
  approved: boolean;
  exitCode?: number;
  output?: string;
  timedOut?: boolean;
}

/** Server → client request: ask the user, then run a command in a terminal and return its output. */
export namespace RunCommandRequest {
  export const method = "hearth/agent/runCommand";
  export const type = new RequestType<RunCommandParams, RunCommandResult, void>(method);
}

export interface LanguageQueryParams {
  kind: "symbols" | "definition" | "references" | "diagnostics";
  uri: string;
  /** For definition and references: where the symbol is (0-based). */
  position?: { line: number; character: number };
}

/** Server → client request: ask VS Code's own language providers (any language VS Code understands). */
export namespace LanguageQueryRequest {
  export const method = "hearth/agent/languageQuery";
  export const type = new RequestType<LanguageQueryParams, { text: string }, void>(method);
}

export interface ApproveToolParams {
  chatId: string;
  /** The MCP server's name (hearth.agent.mcpServers) and the tool's own name there. */
  server: string;
  tool: string;
  arguments: Record<string, unknown>;
}

/** Server → client request: ask the user before an MCP tool runs (their tools may do anything). */
export namespace ApproveToolRequest {
  export const method = "hearth/agent/approveTool";
  export const type = new RequestType<ApproveToolParams, { approved: boolean }, void>(method);
}
