/**
 * One suggestion for one document window: the engine call with the scope-aware stop, then the post-processing
 * filters. Shared by the request path and by speculation.
 */
import type { FimInput, FimResult, ModelEngine, RepoContextInput } from "../engine/modelEngine";
import type { HearthSettings } from "../settings";
import { type DocumentWindow, WINDOW_ALIGN_LINES } from "./documentWindow";
import { postprocessCompletion, scopeEndIndex } from "./postprocess";
import type { CacheKeyParts } from "./suggestionCache";

export interface SuggestOptions {
  /** Speculation: a guess nobody asked for yet. */
  speculative?: boolean;
  context?: RepoContextInput;
  /** Other candidates wanted besides the greedy one (explicit requests). */
  alternatives?: number;
  /** The greedy suggestion is known (cached): only the alternatives are generated, and `text` is undefined. */
  alternativesOnly?: boolean;
}

export async function suggestFor(
  engine: ModelEngine,
  window: DocumentWindow,
  settings: HearthSettings["completion"],
  signal: AbortSignal,
  { speculative = false, context, alternatives = 0, alternativesOnly = false }: SuggestOptions = {},
): Promise<{ text: string | undefined; others: string[]; result: FimResult }> {
  const place = { linePrefix: window.linePrefix, lineSuffix: window.lineSuffix, nextLines: window.nextLines };
  const multiline = window.lineSuffix.trim() === "";
  const result = await engine.fillInMiddle(fimInputOf(window, context), {
    maxTokens: settings.maxTokens,
    timeoutMs: settings.timeoutMs,
    signal,
    speculative,
    alternatives,
    alternativesOnly,
    // Stop as soon as the suggestion is known to end: one line inside a line, or when the code block closes.
    isComplete: multiline ? (text) => scopeEndIndex(text, place, true) !== undefined : (text) => text.includes("\n"),
  });
  const text = alternativesOnly ? undefined : postprocessCompletion(result.text, place);
  // Alternatives go through the same filters; one that ends up empty or equal to another is not a choice.
  const others: string[] = [];
  for (const raw of result.alternatives ?? []) {
    const other = postprocessCompletion(raw, place);
    if (other !== undefined && other !== text && !others.includes(other)) others.push(other);
  }
  return { text, others, result };
}

/**
 * The engine's input for a window. The lines of the cursor's 16-line block that come before it go after the middle
 * token, with the cursor's line: the prompt is `PRE block-aligned prefix SUF suffix MID lines of this block, line
 * so far`. To the model that is the same text (a middle it has begun), but Enter only appends a line break to the
 * prompt instead of moving a line before the suffix, which re-evaluated the whole suffix window. The prefix window
 * starts on a block boundary (`prefixWindowStart`), so its line count modulo the block size is the cursor's place
 * in its block; the prompt's start moves once per 16 lines.
 */
export function fimInputOf(window: DocumentWindow, context?: RepoContextInput): FimInput {
  const lines = window.prefix.split(/(?<=\n)/).filter((line) => line !== "");
  const inBlock = lines.length % WINDOW_ALIGN_LINES;
  return {
    prefix: lines.slice(0, lines.length - inBlock).join(""),
    linePrefix: lines.slice(lines.length - inBlock).join("") + window.linePrefix,
    suffix: window.suffix,
    context,
  };
}

/**
 * The cache key of a window: suggestions are cached by what the prompt holds, per document, settings version and
 * the cross-file context chosen.
 */
export function cacheKeyFor(
  uri: string,
  settingsVersion: number,
  window: DocumentWindow,
  context?: RepoContextInput,
): CacheKeyParts {
  const contextKey = context?.chunks.map((chunk) => chunk.id ?? chunk.path).join(",") ?? "";
  return {
    uri: `${settingsVersion}:${contextKey}:${uri}`,
    prefix: window.prefix,
    linePrefix: window.linePrefix,
    suffix: window.suffix,
  };
}

/** The code the cross-file context is chosen by: the lines around the cursor, not the line being typed. */
export function codeAround(window: DocumentWindow): string {
  return `${window.prefix.slice(-2000)}\n${window.nextLines.join("\n").slice(0, 1000)}`;
}
