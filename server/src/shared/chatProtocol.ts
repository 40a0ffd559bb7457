/**
 * Chat: the language-server messages and the webview message maps. Part of the shared contract (see protocol.ts);
 * it imports nothing from `vscode` or node-llama-cpp.
 */
import { NotificationType, RequestType } from "vscode-languageserver-protocol";

export interface ChatMessage {
  role: "user" | "assistant";
  /** For assistant turns, the answer only: thoughts are never fed back into the next prompt. */
  content: string;
}

/** Code or text attached to a chat request (the selection, the active file, files picked with @). */
export interface ChatContextItem {
  /** What the user sees on the chip, e.g. `main.ts:10-24`. */
  label: string;
  uri?: string;
  languageId?: string;
  text: string;
}

export interface ChatSendParams {
  /** Identifies the conversation, so deltas reach the right view. */
  chatId: string;
  messages: ChatMessage[];
  context: ChatContextItem[];
}

export interface ChatSendResult {
  answer: string;
  thought: string;
  /** How long the model spent thinking, in milliseconds (0 when it did not think). */
  thoughtMs: number;
  /** `eog`, `maxTokens`, `aborted`, `stopTrigger`. */
  stopReason: string;
  /** Labels of context items cut or left out to fit the model's context. */
  truncated: string[];
  /**
   * Speculative decoding, when it ran (a draft model, or prompt lookup for a fix): tokens guessed, and how many of
   * them the model kept (each kept token is one it would have written itself).
   */
  draftTokens?: { drafted: number; accepted: number };
}

/**
 * Client → server request: answer the conversation. Deltas stream as {@link ChatDeltaNotification}s while it runs;
 * the result is the whole reply. Cancelling the request ($/cancelRequest) stops generation at once and resolves
 * with what was generated so far (stopReason `aborted`).
 */
export namespace ChatSendRequest {
  export const method = "hearth/chat/send";
  export const type = new RequestType<ChatSendParams, ChatSendResult, void>(method);
}

export type ChatDelta =
  | { chatId: string; kind: "thought" | "answer"; text: string }
  | { chatId: string; kind: "reset"; thought: string; answer: string };

/** Server → client notification: more of the reply being generated for `chatId`. */
export namespace ChatDeltaNotification {
  export const method = "hearth/chat/delta";
  export const type = new NotificationType<ChatDelta>(method);
}

/** One conversation as the chat view and its history store keep it. */
export interface ChatTurn {
  role: "user" | "assistant";
  content: string;
  /** Assistant turns: the thought, shown collapsed, never sent back to the model. */
  thought?: string;
  thoughtMs?: number;
  /** Context labels attached to a user turn. */
  context?: string[];
  /** Assistant turns that were stopped or failed. */
  note?: string;
  /** Agent turns: each tool call with its arguments (JSON) and result, shown collapsed. */
  tools?: ToolStep[];
  /** Agent turns: the files its accepted edits changed, with their text before, for "Undo this turn's edits". */
  checkpoint?: Array<{ uri: string; before: string | null }>;
  /** Set once the turn's edits were undone. */
  undone?: boolean;
}

export interface ToolStep {
  name: string;
  arguments: string;
  /** Empty while the tool runs. */
  result: string;
  isError?: boolean;
}

/** Ask answers; Agent may also call tools (read, search, edit with review, run commands with approval). */
export type ChatMode = "ask" | "agent";

export interface Conversation {
  id: string;
  title: string;
  createdAt: number;
  turns: ChatTurn[];
}

/** Messages from the chat webview to the extension. */
export type WebviewToExtension =
  | { type: "ready" }
  | { type: "send"; text: string }
  | { type: "stop" }
  | { type: "newChat" }
  | { type: "openChat"; id: string }
  | { type: "deleteHistory" }
  | { type: "removeContext"; label: string }
  | { type: "pickContext" }
  | { type: "insertCode"; code: string }
  | { type: "applyCode"; code: string }
  | { type: "copyCode"; code: string }
  | { type: "openSetting"; setting: string }
  | { type: "setMode"; mode: ChatMode }
  | { type: "undoTurn"; index: number }
  | { type: "toggleRule"; path: string }
  | { type: "downloadModel" };

/** Messages from the extension to the chat webview. */
export type ExtensionToWebview =
  | {
      type: "state";
      conversation: Conversation;
      history: Array<{ id: string; title: string; createdAt: number }>;
      context: string[];
      busy: boolean;
      /** The chat model's file name and state, for the toolbar. */
      model?: string;
      /** Set when chat can't work yet (no chat model): what to say and which setting fixes it. */
      problem?: { message: string; setting?: string; download?: boolean };
      mode: ChatMode;
      /** Rules files of the workspace (AGENTS.md…), and whether each goes into the agent's prompt. */
      rules: Array<{ path: string; enabled: boolean }>;
      /** Untrusted workspace: Agent mode only reads. */
      readOnly: boolean;
    }
  | { type: "tool"; step: ToolStep; index: number }
  | { type: "delta"; delta: ChatDelta }
  | { type: "context"; labels: string[] }
  | { type: "notice"; text: string };
