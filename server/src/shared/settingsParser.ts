/**
 * The tolerant parser of Hearth's settings (settings.ts has their shape and defaults): the `hearth` section as a
 * client sent it, anything missing or malformed replaced by its default and named in `problems`.
 */
import { isRecord, mcpServers } from "./mcpServerSettings";
import { DEFAULT_SETTINGS, type GpuSetting, type HearthSettings } from "./settings";

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
        format: choice(
          nextEdit.format,
          ["auto", "sweep", "zeta2", "instruct"] as const,
          defaults.nextEdit.format,
          "nextEdit.format",
        ),
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
