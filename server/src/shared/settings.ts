/**
 * Hearth's settings: their shape, defaults and a tolerant parser.
 * Every key here is contributed in package.json under the same name (`hearth.<section>.<key>`).
 */

import { isRecord, type McpServerSetting, mcpServers } from "./mcpServerSettings";

export type { McpServerSetting } from "./mcpServerSettings";

export type GpuSetting = "auto" | "cuda" | "vulkan" | "metal" | "off";
export type EngineKind = "local" | "remote";
export type RemoteApi = "llama-server" | "openai";
export type RemoteFimFormat = "auto" | "qwen" | "codegemma" | "starcoder" | "mellum" | "deepseek" | "seed" | "codestral";
/**
 * A next-edit model's prompt format: `auto` recognises it from the model's vocabulary and name (Sweep's
 * `sweep-next-edit-*`, Zed's Zeta 2 on Seed-Coder).
 */
export type NextEditFormat = "auto" | "sweep" | "zeta2";
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
  nextEdit: ["nextEdit.model", "models.directory", "local.threads", "local.gpu", "local.contextSize"],
} as const;

export type ModelRole = keyof typeof SETTINGS_NEEDING_MODEL_RELOAD;

/** What a catalog model is for: a model role, or the agent's code search (hearth.agent.embeddingModel). */
export type CatalogRole = ModelRole | "embedding";

const GPU_VALUES: readonly GpuSetting[] = ["auto", "cuda", "vulkan", "metal", "off"];

export interface ParsedSettings {
  settings: HearthSettings;
  /** One line per ignored value, saying which and why; the default was used instead. */
  problems: string[];
}

/** Reads the `hearth` section as the client sent it; anything missing or malformed falls back to its default. */
export function parseSettings(raw: unknown): ParsedSettings {
  const problems: string[] = [];
  const section = (name: string): Record<string, unknown> => {
    const value = isRecord(raw) ? raw[name] : undefined;
    return isRecord(value) ? value : {};
  };
  const completion = section("completion");
  const chat = section("chat");
  const models = section("models");
  const privacy = section("privacy");
  const nextEdit = section("nextEdit");
  const agent = section("agent");
  const strings = (from: Record<string, unknown>, key: string, fallback: string[], path: string, what: string): string[] => {
    const value = from[key];
    if (value === undefined || value === null) return fallback;
    if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value as string[];
    problems.push(`hearth.${path} must be a list of ${what}`);
    return fallback;
  };
  const local = section("local");
  const lm = section("lm");
  const remote = section("remote");
  const defaults = DEFAULT_SETTINGS;

  const boolean = (from: Record<string, unknown>, key: string, fallback: boolean, path: string): boolean => {
    const value = from[key];
    if (value === undefined) return fallback;
    if (typeof value === "boolean") return value;
    problems.push(`hearth.${path} must be true or false`);
    return fallback;
  };
  const number = (
    from: Record<string, unknown>,
    key: string,
    fallback: number,
    min: number,
    max: number,
    path: string,
    whole = false,
  ): number => {
    const value = from[key];
    if (value === undefined) return fallback;
    if (typeof value === "number" && (whole ? Number.isInteger(value) : Number.isFinite(value)) && value >= min && value <= max)
      return value;
    problems.push(`hearth.${path} must be a ${whole ? "whole number" : "number"} from ${min} to ${max}`);
    return fallback;
  };
  const integer = (from: Record<string, unknown>, key: string, fallback: number, min: number, max: number, path: string) =>
    number(from, key, fallback, min, max, path, true);
  const string = (from: Record<string, unknown>, key: string, fallback: string, path: string): string => {
    const value = from[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value === "string") return value.trim();
    problems.push(`hearth.${path} must be a string`);
    return fallback;
  };

  const choice = <T extends string>(value: unknown, allowed: readonly T[], fallback: T, path: string): T => {
    if (value === undefined || value === null) return fallback;
    if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
    problems.push(`hearth.${path} must be one of ${allowed.join(", ")}`);
    return fallback;
  };

  const gpuValue = local.gpu;
  let gpu = defaults.local.gpu;
  if (gpuValue !== undefined) {
    if (typeof gpuValue === "string" && (GPU_VALUES as readonly string[]).includes(gpuValue)) gpu = gpuValue as GpuSetting;
    else problems.push(`hearth.local.gpu must be one of ${GPU_VALUES.join(", ")}`);
  }

  return {
    settings: {
      completion: {
        enabled: boolean(completion, "enabled", defaults.completion.enabled, "completion.enabled"),
        model: string(completion, "model", defaults.completion.model, "completion.model"),
        maxTokens: integer(completion, "maxTokens", defaults.completion.maxTokens, 1, 2048, "completion.maxTokens"),
        prefixLines: integer(completion, "prefixLines", defaults.completion.prefixLines, 0, 2000, "completion.prefixLines"),
        suffixLines: integer(completion, "suffixLines", defaults.completion.suffixLines, 0, 2000, "completion.suffixLines"),
        timeoutMs: integer(completion, "timeoutMs", defaults.completion.timeoutMs, 50, 60000, "completion.timeoutMs"),
        speculate: boolean(completion, "speculate", defaults.completion.speculate, "completion.speculate"),
        crossFileContext: boolean(
          completion,
          "crossFileContext",
          defaults.completion.crossFileContext,
          "completion.crossFileContext",
        ),
        suggestionCache: boolean(
          completion,
          "suggestionCache",
          defaults.completion.suggestionCache,
          "completion.suggestionCache",
        ),
        disabledLanguages: strings(
          completion,
          "disabledLanguages",
          defaults.completion.disabledLanguages,
          "completion.disabledLanguages",
          "language ids",
        ),
      },
      chat: {
        model: string(chat, "model", defaults.chat.model, "chat.model"),
        maxTokens: integer(chat, "maxTokens", defaults.chat.maxTokens, 16, 32768, "chat.maxTokens"),
        temperature: number(chat, "temperature", defaults.chat.temperature, 0, 2, "chat.temperature"),
        draftModel: string(chat, "draftModel", defaults.chat.draftModel, "chat.draftModel"),
      },
      nextEdit: {
        enabled: boolean(nextEdit, "enabled", defaults.nextEdit.enabled, "nextEdit.enabled"),
        model: string(nextEdit, "model", defaults.nextEdit.model, "nextEdit.model"),
        format: choice(nextEdit.format, ["auto", "sweep", "zeta2"] as const, defaults.nextEdit.format, "nextEdit.format"),
        eagerness: choice(
          nextEdit.eagerness,
          ["low", "normal", "high"] as const,
          defaults.nextEdit.eagerness,
          "nextEdit.eagerness",
        ),
        maxTokens: integer(nextEdit, "maxTokens", defaults.nextEdit.maxTokens, 16, 4096, "nextEdit.maxTokens"),
        timeoutMs: integer(nextEdit, "timeoutMs", defaults.nextEdit.timeoutMs, 100, 60000, "nextEdit.timeoutMs"),
      },
      agent: {
        maxToolCalls: integer(agent, "maxToolCalls", defaults.agent.maxToolCalls, 1, 200, "agent.maxToolCalls"),
        autoApplyEdits: boolean(agent, "autoApplyEdits", defaults.agent.autoApplyEdits, "agent.autoApplyEdits"),
        allowedCommands: strings(
          agent,
          "allowedCommands",
          defaults.agent.allowedCommands,
          "agent.allowedCommands",
          "command lines",
        ),
        commandTimeoutSeconds: integer(
          agent,
          "commandTimeoutSeconds",
          defaults.agent.commandTimeoutSeconds,
          1,
          3600,
          "agent.commandTimeoutSeconds",
        ),
        embeddingModel: string(agent, "embeddingModel", defaults.agent.embeddingModel, "agent.embeddingModel"),
        mcpServers: mcpServers(agent.mcpServers, problems),
      },
      privacy: {
        excludedFiles: strings(
          privacy,
          "excludedFiles",
          defaults.privacy.excludedFiles,
          "privacy.excludedFiles",
          "glob patterns",
        ),
      },
      models: {
        directory: string(models, "directory", defaults.models.directory, "models.directory"),
        endpoint: string(models, "endpoint", defaults.models.endpoint, "models.endpoint"),
      },
      engine: choice(isRecord(raw) ? raw.engine : undefined, ["local", "remote"] as const, defaults.engine, "engine"),
      remote: {
        url: string(remote, "url", defaults.remote.url, "remote.url").replace(/\/+$/, "") || defaults.remote.url,
        api: choice(remote.api, ["llama-server", "openai"] as const, defaults.remote.api, "remote.api"),
        completionModel: string(remote, "completionModel", defaults.remote.completionModel, "remote.completionModel"),
        chatModel: string(remote, "chatModel", defaults.remote.chatModel, "remote.chatModel"),
        nextEditModel: string(remote, "nextEditModel", defaults.remote.nextEditModel, "remote.nextEditModel"),
        fimFormat: choice(
          remote.fimFormat,
          ["auto", "qwen", "codegemma", "starcoder", "mellum", "deepseek", "seed", "codestral"] as const,
          defaults.remote.fimFormat,
          "remote.fimFormat",
        ),
        timeoutSeconds: integer(remote, "timeoutSeconds", defaults.remote.timeoutSeconds, 1, 3600, "remote.timeoutSeconds"),
      },
      local: {
        threads: integer(local, "threads", defaults.local.threads, 0, 256, "local.threads"),
        gpu,
        contextSize: integer(local, "contextSize", defaults.local.contextSize, 256, 131072, "local.contextSize"),
      },
      lm: {
        contextSize: integer(lm, "contextSize", defaults.lm.contextSize, 2048, 131072, "lm.contextSize"),
        savePromptState: boolean(lm, "savePromptState", defaults.lm.savePromptState, "lm.savePromptState"),
      },
    },
    problems,
  };
}

/** Whether next edits can be asked for with these settings: a next-edit model is set for the engine in use. */
export function nextEditAvailable(settings: HearthSettings): boolean {
  if (!settings.nextEdit.enabled) return false;
  return settings.engine === "remote" ? settings.remote.nextEditModel !== "" : settings.nextEdit.model !== "";
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
  return SETTINGS_NEEDING_MODEL_RELOAD[role].some((path) => {
    const [section, key] = path.split(".") as [keyof HearthSettings, string];
    return (before[section] as Record<string, unknown>)[key] !== (after[section] as Record<string, unknown>)[key];
  });
}
