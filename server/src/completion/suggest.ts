/**
 * One suggestion for one document window: the engine call with the scope-aware stop, then the post-processing
 * filters. Shared by the request path and by speculation.
 */
import type { FimResult, ModelEngine } from "../engine/modelEngine";
import type { HearthSettings } from "../settings";
import type { DocumentWindow } from "./documentWindow";
import { postprocessCompletion, scopeEndIndex } from "./postprocess";
import type { CacheKeyParts } from "./suggestionCache";

export async function suggestFor(
  engine: ModelEngine,
  window: DocumentWindow,
  settings: HearthSettings["completion"],
  signal: AbortSignal,
  speculative = false,
): Promise<{ text: string | undefined; result: FimResult }> {
  const place = { linePrefix: window.linePrefix, lineSuffix: window.lineSuffix, nextLines: window.nextLines };
  const multiline = window.lineSuffix.trim() === "";
  const result = await engine.fillInMiddle(
    { prefix: window.prefix, linePrefix: window.linePrefix, suffix: window.suffix },
    {
      maxTokens: settings.maxTokens,
      timeoutMs: settings.timeoutMs,
      signal,
      speculative,
      // Stop as soon as the suggestion is known to end: one line inside a line, or when the code block closes.
      isComplete: multiline ? (text) => scopeEndIndex(text, place, true) !== undefined : (text) => text.includes("\n"),
    },
  );
  return { text: postprocessCompletion(result.text, place), result };
}

/** The cache key of a window: suggestions are cached by what the prompt holds, per document and settings version. */
export function cacheKeyFor(uri: string, settingsVersion: number, window: DocumentWindow): CacheKeyParts {
  return { uri: `${settingsVersion}:${uri}`, prefix: window.prefix, linePrefix: window.linePrefix, suffix: window.suffix };
}
