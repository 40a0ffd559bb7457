/**
 * What an OpenAI-compatible server serves (`/v1/models`), and how Hearth offers it to another chat
 * (`hearth/lm/models`): the configured chat model first, then each other model but the embedding ones. Pure.
 */
import type { LmModelChoice } from "../modelEngine";
import { RemoteError } from "./remoteHttp";

/** Context assumed for chat budgeting when the server doesn't say (a lower bound: most serve more). */
export const DEFAULT_REMOTE_CONTEXT = 8192;

export interface ModelsResponse {
  data?: { id?: string; max_model_len?: number }[];
}

export interface ServedModel {
  id: string;
  /** vLLM's max_model_len; others don't say. */
  contextSize?: number;
}

export function servedModelsOf(models: ModelsResponse): ServedModel[] {
  return (models.data ?? []).flatMap((entry) =>
    typeof entry.id === "string" ? [{ id: entry.id, contextSize: positiveInteger(entry.max_model_len) }] : [],
  );
}

/** The context the server gave for a served model; `""` is the server's first model. */
export function servedContext(served: readonly ServedModel[], model: string): number | undefined {
  const id = model || served[0]?.id;
  return served.find((entry) => entry.id === id)?.contextSize;
}

/**
 * The chat model (`chatModel`, else the server's first, under `label` with `chatContext` where known), then the
 * other served models, less the embedding models by name (`embed`: Ollama's and LM Studio's lists don't say what a
 * model is for).
 */
export function lmChoices(
  served: readonly ServedModel[],
  chatModel: string,
  label: string,
  chatContext: number | undefined,
): LmModelChoice[] {
  const chat: LmModelChoice = { label, where: "remote", contextSize: chatContext ?? DEFAULT_REMOTE_CONTEXT };
  const chatId = chatModel || served[0]?.id;
  const others = served
    .filter((entry) => entry.id !== chatId && !/embed/i.test(entry.id))
    .map((entry) => ({
      served: entry.id,
      label: entry.id,
      where: "remote",
      contextSize: entry.contextSize ?? DEFAULT_REMOTE_CONTEXT,
    }));
  return [chat, ...others];
}

/** The error for a setting that names a model the server doesn't serve (a server that lists none serves any). */
export function unservedModel(
  served: readonly ServedModel[],
  wanted: string,
  url: string,
  setting: string,
): RemoteError | undefined {
  const ids = served.map((entry) => entry.id);
  if (wanted === "" || ids.length === 0 || ids.includes(wanted)) return undefined;
  return new RemoteError(
    `The server at ${url} does not serve “${wanted}”. It serves: ${ids.slice(0, 8).join(", ")}.`,
    `Set ${setting} to one of those names.`,
    "notFound",
    false,
    setting,
  );
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
}
