/**
 * Hearth's settings: their shape and defaults (the parser is settingsParser.ts).
 * Every key here is contributed in package.json under the same name (`hearth.<section>.<key>`).
 */

import type { McpServerSetting } from "./mcpServerSettings";

export type { McpServerSetting } from "./mcpServerSettings";

export type GpuSetting = "auto" | "cuda" | "vulkan" | "metal" | "off";
export type EngineKind = "local" | "remote";
export type RemoteApi = "llama-server" | "openai";
export type RemoteFimFormat = "auto" | "qwen" | "codegemma" | "starcoder" | "mellum" | "deepseek" | "seed" | "codestral";
/**
 * A next-edit model's prompt format: `auto` recognises it from the model's vocabulary and name (Sweep's
 * `sweep-next-edit-*`, Zed's Zeta 2 on Seed-Coder).
 */
export type NextEditFormat = "auto" | "sweep" | "zeta2" | "instruct";
/** How soon next edits are asked for after typing (see hearth.nextEdit.eagerness). */
export type NextEditEagerness = "low" | "normal" | "high";

export interface HearthSettings {
  completion: {
    /** Inline completions on or off. Default true. */
    enabled: boolean;
    /** A catalog id, an `hf:user/repo/file.gguf` URI, a local `.gguf` path, or `auto` (the catalog's pick). Default "auto". */
    model: string;
    /** Most tokens generated for one suggestion. Default 128. */
    maxTokens: number;
    /** Lines before the cursor's line sent as context. Default 64. */
    prefixLines: number;
    /** Lines after the cursor sent as context. Default 16. */
    suffixLines: number;
    /** Generation stops after this many milliseconds, keeping what it has. Default 3000. */
    timeoutMs: number;
    /** While a suggestion is shown and the model is idle, compute the one after accepting it. Default true. */
    speculate: boolean;
    /** Code from other recently viewed or edited files in the prompt. Default true. */
    crossFileContext: boolean;
    /** Reuse suggestions already computed (typing through, deleting back, after Tab). Off only to compare. Default true. */
    suggestionCache: boolean;
    /** Language ids that never get inline completions (the client filters; any LSP client may). Default ["plaintext"]. */
    disabledLanguages: string[];
  };
  chat: {
    /** Like completion.model, for an instruct or reasoning model. Default "auto". The same file as the completion model is loaded once. */
    model: string;
    /** Most tokens in one reply, thoughts included. Default 2048. */
    maxTokens: number;
    /** Sampling temperature; 0 is greedy. Default 0.6 (what DeepSeek-R1 distills are tuned for). */
    temperature: number;
    /**
     * A small model of the chat model's family that drafts tokens for it to verify several at a time (speculative
     * decoding): a catalog id, `hf:` URI or `.gguf` path; `auto` takes the catalog's pair for the chat model when
     * both fit in memory; "" (the default) none.
     */
    draftModel: string;
  };
  nextEdit: {
    /** Next-edit suggestions (edits away from the cursor) on or off. Default true; they need a next-edit model. */
    enabled: boolean;
    /**
     * The next-edit model, like completion.model (a catalog id, `hf:` URI or `.gguf` path); "" (the default) means
     * none: the completion model's ghost text is the only suggestion.
     */
    model: string;
    /** The model's prompt format. Default "auto". */
    format: NextEditFormat;
    /**
     * How soon VS Code asks after typing: `low` after a 750 ms pause, `normal` (default) after 250 ms, `high` after
     * 100 ms and also when the cursor moves to another line after an edit.
     */
    eagerness: NextEditEagerness;
    /** Most tokens generated for one rewrite of the window. Default 512. */
    maxTokens: number;
    /** Generation stops after this many milliseconds and the suggestion is dropped. Default 5000. */
    timeoutMs: number;
  };
  agent: {
    /** Most tool calls in one agent turn; the turn then stops and says so. Default 25. */
    maxToolCalls: number;
    /** Apply the agent's edits inside the workspace without asking (they still show, and Undo this turn works). Default false. */
    autoApplyEdits: boolean;
    /** Commands the agent may run without asking: exact command lines, or prefixes ending in `*`. Machine-scoped. Default []. */
    allowedCommands: string[];
    /** A command the agent runs is stopped after this many seconds, and the model told so. Default 120. */
    commandTimeoutSeconds: number;
    /** An embedding model for search_code's ranking (with BM25): a catalog id, `hf:` URI or `.gguf` path; "" (the default): BM25 only. Machine-scoped. */
    embeddingModel: string;
    /** MCP servers whose tools the agent may use (each call asked first), by name. User settings only. Default {}. */
    mcpServers: Record<string, McpServerSetting>;
  };
  privacy: {
    /** Globs of files never completed in nor attached to chat, on top of the built-in list (.env, keys, .aws/…). Default []. */
    excludedFiles: string[];
  };
  models: {
    /** Where downloaded models go. Default "": the extension's storage (or ~/.cache/hearth/models standalone). */
    directory: string;
    /** The Hugging Face Hub endpoint (a mirror, or a test server). Default "": HF_ENDPOINT, else huggingface.co. */
    endpoint: string;
  };
  /** Where models run: "local" (node-llama-cpp in the language server, the default) or "remote" (an HTTP server). */
  engine: EngineKind;
  remote: {
    /** The serving engine's base URL, e.g. http://gpu-box:8080. Default http://127.0.0.1:8080. */
    url: string;
    /** "llama-server" (token prompts on /completion, KV cache kept per slot) or "openai" (vLLM, Ollama, LM Studio…). */
    api: RemoteApi;
    /** Model name sent for completions, for servers hosting several. Default "": the server's default. */
    completionModel: string;
    /** Model name sent for chat, explain and fix. Default "": the server's default. */
    chatModel: string;
    /** Model name sent for next-edit predictions. Default "": the server's default. */
    nextEditModel: string;
    /** FIM spelling for the openai API. "auto" guesses from the model name. llama-server is asked instead. */
    fimFormat: RemoteFimFormat;
    /** Longest wait for a reply to start, or between two streamed chunks, in seconds. Default 30. */
    timeoutSeconds: number;
  };
  local: {
    /** CPU threads; 0 means the machine's real parallelism (node-llama-cpp's own default is far too high on small machines). */
    threads: number;
    /** GPU backend. Default "auto": the best one available, falling back to CPU. */
    gpu: GpuSetting;
    /** Context window in tokens. Default 4096. */
    contextSize: number;
  };
  lm: {
    /**
     * Tokens per request of VS Code's own chat (the provider's context, made on its first request, two sequences of
     * this size). Default 16384: VS Code's agent prompt alone is ~10k tokens.
     */
    contextSize: number;
    /**
     * Save the cached agent prompt (VS Code's instructions and tools, with the first request that carried them) to
     * Hearth's storage, so a restart doesn't evaluate it again. Default true; false deletes what was saved.
     */
    savePromptState: boolean;
  };
}

export const DEFAULT_SETTINGS: HearthSettings = {
  completion: {
    enabled: true,
    model: "auto",
    maxTokens: 128,
    prefixLines: 64,
    suffixLines: 16,
    timeoutMs: 3000,
    speculate: true,
    crossFileContext: true,
    suggestionCache: true,
    disabledLanguages: ["plaintext"],
  },
  chat: { model: "auto", maxTokens: 2048, temperature: 0.6, draftModel: "" },
  nextEdit: { enabled: true, model: "", format: "auto", eagerness: "normal", maxTokens: 512, timeoutMs: 5000 },
  agent: {
    maxToolCalls: 25,
    autoApplyEdits: false,
    allowedCommands: [],
    commandTimeoutSeconds: 120,
    embeddingModel: "",
    mcpServers: {},
  },
  privacy: { excludedFiles: [] },
  models: { directory: "", endpoint: "" },
  engine: "local",
  remote: {
    url: "http://127.0.0.1:8080",
    api: "llama-server",
    completionModel: "",
    chatModel: "",
    nextEditModel: "",
    fimFormat: "auto",
    timeoutSeconds: 30,
  },
  local: { threads: 0, gpu: "auto", contextSize: 4096 },
  lm: { contextSize: 16384, savePromptState: true },
};

/** Settings whose change means a model must be loaded again, per role. */
export const SETTINGS_NEEDING_MODEL_RELOAD = {
  completion: ["completion.model", "models.directory", "local.threads", "local.gpu", "local.contextSize"],
  chat: ["chat.model", "chat.draftModel", "models.directory", "local.threads", "local.gpu", "local.contextSize"],
  // The model itself is compared as nextEditModelSetting resolves it (the chat model's, with the instruct format).
  nextEdit: ["nextEdit.format", "models.directory", "local.threads", "local.gpu", "local.contextSize"],
} as const;

export type ModelRole = keyof typeof SETTINGS_NEEDING_MODEL_RELOAD;

/** What a catalog model is for: a model role, or the agent's code search (hearth.agent.embeddingModel). */
export type CatalogRole = ModelRole | "embedding";

/**
 * The model next edits use on the engine in use: the next-edit model setting, or, with the instruct format and none
 * set, the chat model's (locally its weights are shared, with a context of the role's own). "" when there is none.
 */
export function nextEditModelSetting(settings: HearthSettings): string {
  const instruct = settings.nextEdit.format === "instruct";
  if (settings.engine === "remote") {
    const { nextEditModel, chatModel } = settings.remote;
    return nextEditModel !== "" || !instruct ? nextEditModel : chatModel;
  }
  return settings.nextEdit.model !== "" || !instruct ? settings.nextEdit.model : settings.chat.model;
}

/**
 * Whether next edits can be asked for with these settings: a next-edit model is set for the engine in use, or the
 * instruct format lets the chat model serve them (a server's default model when it names none).
 */
export function nextEditAvailable(settings: HearthSettings): boolean {
  if (!settings.nextEdit.enabled) return false;
  if (settings.nextEdit.format === "instruct") return settings.engine === "remote" || nextEditModelSetting(settings) !== "";
  return nextEditModelSetting(settings) !== "";
}

/**
 * Whether next-edit requests get the completion model's suggestion as an edit at the cursor: next edits are on but
 * no next-edit model is set (the degenerate case, for editors that only ask for next edits; VS Code shows ghost text).
 */
export function nextEditFromCompletion(settings: HearthSettings): boolean {
  return settings.nextEdit.enabled && settings.completion.enabled && !nextEditAvailable(settings);
}

/** Whether two settings differ in any key that needs the role's model loaded again. */
export function needsModelReload(before: HearthSettings, after: HearthSettings, role: ModelRole = "completion"): boolean {
  if (role === "nextEdit" && nextEditModelSetting(before) !== nextEditModelSetting(after)) return true;
  return SETTINGS_NEEDING_MODEL_RELOAD[role].some((path) => {
    const [section, key] = path.split(".") as [keyof HearthSettings, string];
    return (before[section] as Record<string, unknown>)[key] !== (after[section] as Record<string, unknown>)[key];
  });
}
