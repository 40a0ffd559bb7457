/**
 * What the engine is asked to fill in, built from a document window: the prompt's parts and its cache key. Pure, so
 * the request path, speculation and the tests build exactly the same input.
 */
import type { ContextChunk } from "./contextStore";
import { type DocumentWindow, WINDOW_ALIGN_LINES } from "./documentWindow";
import type { CacheKeyParts } from "./suggestionCache";

/** Code from other files for the prompt, rendered by the engine in its model family's repository format. */
export interface RepoContextInput {
  repoName: string;
  /** The current file's path, as the model sees it. */
  currentPath: string;
  chunks: readonly ContextChunk[];
}

/** Where a completion's cross-file context comes from (the context feature), as the completion feature sees it. */
export interface CrossFileContext {
  /** The context for a completion in `uri`, chosen by the code around the cursor; undefined when there is none. */
  contextFor(uri: string, around: string): RepoContextInput | undefined;
  /** Called after the context changes. */
  onChange(listener: () => void): void;
  /** A document's path as the model sees it (workspace-relative where possible). */
  pathFor(uri: string): string;
  /** Resolves once every chunk that has arrived is judged (secrets files are dropped) and stored. */
  settled?(): Promise<void>;
  /**
   * Files the user viewed (those context came from), the most recent first, read from disk now and judged again as
   * they are read; `skip` leaves out those not wanted (the open ones). At most `limit`.
   */
  viewedFiles?(skip: (uri: string) => boolean, limit: number): Promise<ViewedFile[]>;
}

/** A file's text as read from disk. */
export interface ViewedFile {
  uri: string;
  text: string;
}

export interface FimInput {
  /** Cross-file context, when there is any. */
  context?: RepoContextInput;
  /** Whole lines before the text typed so far (before the cursor's 16-line block; see fimInputOf). */
  prefix: string;
  /** What goes after the middle token: the cursor's block of lines up to the cursor, its line last. */
  linePrefix: string;
  /** Everything after the cursor (windowed). */
  suffix: string;
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
