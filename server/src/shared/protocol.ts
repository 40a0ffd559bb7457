/**
 * The contract between Hearth's VS Code client and its language server: settings and custom messages.
 * Both bundles inline this file, so the two sides cannot drift. It imports nothing from `vscode` or node-llama-cpp.
 *
 * Standard LSP carries the main features (`textDocument/inlineCompletion`); the namespaces below are
 * Hearth's own additions, each named `hearth/<area>/<verb>`.
 */
import {
  type Command,
  type Diagnostic,
  NotificationType,
  NotificationType0,
  type Position,
  ProgressType,
  type Range,
  RequestType,
  RequestType0,
  type VersionedTextDocumentIdentifier,
  type WorkspaceEdit,
} from "vscode-languageserver-protocol";

import type { CatalogRole, ModelRole } from "./settings";

export * from "./chatProtocol";
export {
  DEFAULT_SETTINGS,
  type EngineKind,
  type GpuSetting,
  type HearthSettings,
  type ModelRole,
  SETTINGS_NEEDING_MODEL_RELOAD,
} from "./settings";
export { parseSettings } from "./settingsParser";

/**
 * `initialize`'s initializationOptions: one object for both kinds of client. A client that can't answer
 * `workspace/configuration` puts the `hearth` settings section here (`completion`, `chat`, … as in settings.json);
 * the VS Code client, which answers it, names its storage folder as the default home of downloaded models.
 */
export interface InitializationOptions {
  defaultModelsDirectory?: string;
  /** The `hearth` settings section's keys, read only from a client that can't answer workspace/configuration. */
  [section: string]: unknown;
}

/** What the model engine is doing, for the status bar. */
export type EngineState = "idle" | "loading" | "ready" | "error" | "disabled";

export interface EngineStatus {
  /** Which model this is about: the completion (FIM) model, the chat model or the next-edit model. */
  role: ModelRole;
  state: EngineState;
  /** File name of the model, when one is configured. */
  model?: string;
  /** `cuda`, `vulkan`, `metal` or `cpu` once loaded. */
  backend?: string;
  /** 0..1 while loading. */
  progress?: number;
  /** For `error`: what went wrong, in a sentence. */
  message?: string;
  /** For `error`: what the user can do about it. */
  fix?: string;
  /** For `error`: the setting that fixes it, so the client can open it. */
  setting?: string;
  /** For `error`: the model is in the catalog or on the hub but not downloaded; the client may offer to download it. */
  download?: ModelDownloadParams & { sizeBytes?: number };
}

/**
 * Server → client notification: a model's state changed (one per role).
 * Sent whenever loading starts, progresses, finishes or fails.
 */
export namespace StatusNotification {
  export const method = "hearth/engine/status";
  export const type = new NotificationType<EngineStatus>(method);
}

/** How much completion work the engine holds, for the fuzz test's "no backlog" check. */
export interface EngineLoad {
  /** fillInMiddle calls started and neither finished nor aborted. */
  liveCompletions: number;
  /** The most there ever were at once. */
  maxLiveCompletions: number;
  /** fillInMiddle calls for requests so far. */
  completions: number;
  /** fillInMiddle calls for speculation (the suggestion after accepting the shown one). */
  speculativeCompletions: number;
}

/** Client → server request (tests and benchmarks): the engine's completion load. */
export namespace EngineLoadRequest {
  export const method = "hearth/debug/engineLoad";
  export const type = new RequestType0<EngineLoad, void>(method);
}

/** The server's memory right after a full garbage collection, for the soak test's leak check. */
export interface ServerMemory {
  /** Live JavaScript objects: what a leaked listener, cache entry or closure adds to. */
  heapUsedBytes: number;
  /** The whole process, native allocations (llama.cpp's contexts and sequences) included. */
  rssBytes: number;
}

/** Client → server request (tests; only with HEARTH_DEBUG_MEMORY=1): collects garbage, then measures (`ServerMemory`). */
export namespace ServerMemoryRequest {
  export const method = "hearth/debug/memory";
  export const type = new RequestType0<ServerMemory, void>(method);
}

/** Measurements of one completion, for tests and benchmarks (not telemetry: they never leave the machine). */
export interface CompletionMetrics {
  /** Tokens in the prompt sent to the model. */
  promptTokens: number;
  /** Prompt tokens actually evaluated; the rest were reused from the KV cache. */
  evaluatedPromptTokens: number;
  generatedTokens: number;
  /** Wall time from the request reaching the engine to the answer, in milliseconds. */
  durationMs: number;
  /** Why generation ended: `eog`, `maxTokens`, `timeout`, `scopeEnd`, `aborted`. */
  stopReason: string;
  /** The model's raw text before post-processing. */
  rawText: string;
  /** Remote engines that report it (llama-server): the server's own prompt + generation time, without HTTP. */
  serverComputeMs?: number;
}

/**
 * Client → server request: metrics of the last completion the engine ran (null before the first one).
 * Used by the LSP tests to assert KV-cache reuse and by `bench/`.
 */
export namespace LastCompletionMetricsRequest {
  export const method = "hearth/debug/lastCompletionMetrics";
  export const type = new RequestType0<CompletionMetrics | null, void>(method);
}

/** What to fix: a range of a document at a known version, with the diagnostic or the user's instruction. */
export interface FixParams {
  uri: string;
  /** The version the fix is computed for; a document edited since is refused rather than clobbered. */
  version: number;
  range: Range;
  diagnostic?: string;
  instruction?: string;
  /**
   * LSP's partial-result token: while the model writes, the server reports the fix so far as `$/progress` with a
   * FixProgress value, so an editor can show it streaming. Such an editor may write the fix into the document as
   * it streams, so with a token the server does not refuse the answer for a version changed meanwhile (the edit
   * still names `version`).
   */
  partialResultToken?: string | number;
}

/** The fix so far: the text that will replace `range` as far as the model has written it, fitted like the final edit. */
export interface FixProgress {
  range: Range;
  replacement: string;
}

/** The `$/progress` type of a fix's partial results. */
export const FixProgressType = new ProgressType<FixProgress>();

/**
 * Client → server request: computes a fix with the chat model and returns it as a WorkspaceEdit whose change is
 * annotated `needsConfirmation`, so VS Code shows it for review before anything changes; with a
 * `partialResultToken`, the fix so far streams as `$/progress` (FixProgress) meanwhile. Errors: the document
 * changed since `version` (`HearthErrorCodes.staleDocument`), or the chat model is unusable (`chatModel`).
 */
export namespace FixRequest {
  export const method = "hearth/fix/compute";
  export const type = new RequestType<FixParams, WorkspaceEdit, void>(method);
}

/** Arguments of the `hearth.explain` and `hearth.fixWithInstruction` commands that code actions carry. */
export interface CodeTargetArguments {
  uri: string;
  range: Range;
  diagnostic?: string;
}

/** A model file on the hub. */
export interface ModelDownloadParams {
  repo: string;
  file: string;
  /** A Hugging Face token for gated models (kept by the client in SecretStorage). */
  token?: string;
}

export interface ModelDownloadProgress {
  repo: string;
  file: string;
  receivedBytes: number;
  totalBytes: number;
  bytesPerSecond: number;
}

/**
 * Client → server request: downloads a model into the models directory (resumable, SHA-256 verified), with
 * {@link ModelDownloadProgressNotification}s; cancelling the request stops it and keeps the part for resuming.
 * Only ever sent after the user agreed to the download.
 */
export namespace ModelDownloadRequest {
  export const method = "hearth/models/download";
  export const type = new RequestType<ModelDownloadParams, { path: string }, void>(method);
}

/** Server → client notification: download progress. */
export namespace ModelDownloadProgressNotification {
  export const method = "hearth/models/downloadProgress";
  export const type = new NotificationType<ModelDownloadProgress>(method);
}

/** What the machine offers local models. */
export interface Hardware {
  /** `cuda`, `vulkan`, `metal` or `cpu`. */
  backend: string;
  /** Free GPU memory in bytes (0 on CPU). */
  freeVramBytes: number;
  /** Free system memory in bytes. */
  freeRamBytes: number;
}

/** The hardware to assume when the GPU can't be asked (no runtime yet, or it failed): the CPU and its free memory. */
export function cpuOnlyHardware(freeRamBytes: number): Hardware {
  return { backend: "cpu", freeVramBytes: 0, freeRamBytes };
}

export interface CatalogListing {
  hardware: Hardware;
  recommended: { completion?: string; chat?: string; chatOnDemand: boolean };
  models: Array<{
    id: string;
    role: CatalogRole;
    repo: string;
    file: string;
    parameters: number;
    sizeBytes: number;
    /** Memory it needs with a 4k context: the file's own estimate once downloaded, else one from its size. */
    memoryBytes: number;
    why: string;
    license: string;
    fit: "gpu" | "partial" | "cpu" | "too-large";
    downloaded: boolean;
    /** Chat models: the catalog id of the draft model that speeds them up (hearth.chat.draftModel `auto`). */
    draft?: string;
    /** Chat models with a draft: whether both fit this machine together, beside the completion model (`auto` asks). */
    draftFits?: boolean;
  }>;
  modelsDirectory: string;
  endpoint: string;
}

/** Client → server request: the catalog with each model's fit for this machine and whether it is downloaded. */
export namespace CatalogRequest {
  export const method = "hearth/models/catalog";
  export const type = new RequestType0<CatalogListing, void>(method);
}

/**
 * Server → client request: the remote engine's API key, from the editor's secret storage (null when none is set).
 * Asked when the remote engine connects; a client without it (any editor but VS Code) answers "method not found",
 * and the server then uses the HEARTH_REMOTE_API_KEY environment variable instead.
 */
export namespace RemoteApiKeyRequest {
  export const method = "hearth/remote/apiKey";
  export const type = new RequestType0<string | null, void>(method);
}

/** Client → server notification: the user set or removed the remote engine's API key; the server asks again. */
export namespace RemoteApiKeyChangedNotification {
  export const method = "hearth/remote/apiKeyChanged";
  export const type = new NotificationType0(method);
}

/** A piece of another file the user viewed or edited recently, offered as completion context. */
export interface ContextChunkParams {
  uri: string;
  /** Workspace-relative path, as the model will see it. */
  path: string;
  /** At most 64 lines. */
  text: string;
  /** First line of the chunk in its file (0-based). */
  startLine: number;
}

/**
 * Client → server notification: code the user recently viewed, edited or jumped to a definition of, for cross-file
 * completion context. The server keeps the 16 most recent distinct chunks and never keeps secrets files' chunks.
 */
export namespace ContextChunkNotification {
  export const method = "hearth/context/chunk";
  export const type = new NotificationType<ContextChunkParams>(method);
}

/** Client → server request (tests): the last completion prompt as text, special tokens spelled out; null before any. */
export namespace LastPromptRequest {
  export const method = "hearth/debug/lastPrompt";
  export const type = new RequestType0<string | null, void>(method);
}

/** The next-edit prompt formats Hearth speaks (hearth.nextEdit.format, `auto` resolved). */
export type NextEditFormatName = "sweep" | "zeta2" | "instruct";

/** `textDocument/copilotInlineEdit`'s params: where the cursor is, in which version of the document. */
export interface InlineEditParams {
  textDocument: VersionedTextDocumentIdentifier;
  position: Position;
  /**
   * Hearth's addition, optional: errors and warnings the editor shows near the position, from every provider it has
   * (a language server can't ask another for them). A prompt format with a place for them lists them, so the model
   * can fix what an edit broke. The client sends at most NEXT_EDIT_MAX_DIAGNOSTICS, nearest first.
   */
  diagnostics?: Diagnostic[];
  /**
   * Hearth's addition, optional: the client can take edits for files it hasn't open (InlineEdit.textSha256). Without
   * it, edits come only for the document asked about and the other open ones, as Copilot's server sends them.
   */
  unopenedFiles?: boolean;
}

/** Diagnostics a next-edit request carries at most, and how far from the position (in lines) they are taken. */
export const NEXT_EDIT_MAX_DIAGNOSTICS = 20;
export const NEXT_EDIT_DIAGNOSTIC_LINES = 40;

/** The version an edit for a file the client hadn't open names: none (an open document's versions start at 1). */
export const UNOPENED_FILE_VERSION = 0;

/** One next edit: replace `range` (in the document version named) with `text`. */
export interface InlineEdit {
  range: Range;
  text: string;
  textDocument: VersionedTextDocumentIdentifier;
  /**
   * Hearth's addition, only when the request set `unopenedFiles`: the edit is for a file the client hadn't open (one the
   * user viewed, read from disk), and this is the SHA-256 (hex) of the whole text it was predicted on, as UTF-8. The
   * version is then UNOPENED_FILE_VERSION. The client opens the file and applies the edit only while its text still
   * hashes the same: a file changed since gets no edit.
   */
  textSha256?: string;
  /** Run by the client (workspace/executeCommand) after accepting; Hearth's edits carry none. */
  command?: Command;
}

/**
 * Client → server request: next-edit suggestions, the edits the user is likely to make next anywhere in the window
 * around the cursor (not only at it). The method and shapes are the ones Copilot's language server answers, which
 * Neovim's sidekick.nvim and copilot-lsp already speak, so any editor gets Hearth's next edits unchanged. An empty
 * list when there is nothing to suggest; error ContentModified (-32801) when the version named is not the
 * document's current one (the edit would land in the wrong place). The server notices on its own when the user
 * accepts an edit (the document changes into what it proposed) and suggests the next one on the next request.
 */
export namespace InlineEditRequest {
  export const method = "textDocument/copilotInlineEdit";
  export const type = new RequestType<InlineEditParams, InlineEditResult, void>(method);
}

/**
 * `textDocument/copilotInlineEdit`'s answer. `format` is Hearth's addition (other clients ignore it): the prompt format
 * the edits came from, which the client's local suggestion record counts them under; absent when no model was asked.
 */
export interface InlineEditResult {
  edits: InlineEdit[];
  format?: NextEditFormatName;
}

/** Client → server notification: an edit from InlineEditRequest is on screen (accepted for compatibility; no telemetry). */
export namespace DidShowInlineEditNotification {
  export const method = "textDocument/didShowInlineEdit";
  export const type = new NotificationType<{ item: Partial<InlineEdit> }>(method);
}

/** What the last next-edit prediction cost, and its prompt as text (special tokens spelled out). */
export interface NextEditReport {
  promptText: string;
  promptTokens: number;
  /** -1 when the server doesn't say. */
  evaluatedPromptTokens: number;
  generatedTokens: number;
  durationMs: number;
  stopReason: string;
  /** Why its edits were not offered (unchanged, revertsLatestEdit, whitespaceOnly, truncated), if they weren't. */
  dropped?: string;
  /** It was computed ahead, while the previous edits were on screen, and served from there. */
  speculative?: boolean;
  /** The prompt format it was asked in. */
  format?: NextEditFormatName;
  /** Locally, what prompt lookup drafted: tokens drafted, kept, and the longest draft verified at once. */
  draftTokens?: { drafted: number; accepted: number; longest: number };
}

/** Client → server request (tests, benchmarks): the last next-edit prediction's report; null before any. */
export namespace LastNextEditRequest {
  export const method = "hearth/debug/lastNextEdit";
  export const type = new RequestType0<NextEditReport | null, void>(method);
}
