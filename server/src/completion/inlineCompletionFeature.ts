/**
 * `textDocument/inlineCompletion`: fill-in-the-middle suggestions as ghost text.
 * The newest request for a document wins: it aborts the one before it, and the client's cancellation reaches
 * the engine's AbortSignal.
 */
import type { Connection, InlineCompletionList, InlineCompletionParams, TextDocuments } from "vscode-languageserver";
import { type CancellationToken, InlineCompletionTriggerKind } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { alignedWindow, type DocumentWindow, prefixWindowStart } from "../core/documentWindow";
import { type CrossFileContext, cacheKeyFor } from "../core/fimInput";
import { SuggestionCache } from "../core/suggestionCache";
import { EngineError, isAbortError } from "../engine/engineError";
import type { ModelEngine } from "../engine/modelEngine";
import { abortSignalFor, type Feature, type RequestAbort } from "../feature";
import type { Logger } from "../logger";
import { isDocument, isPosition, requireParams, shaped } from "../paramChecks";
import { isSensitiveFile, uriPath } from "../shared/sensitiveFiles";
import type { HearthSettings } from "../shared/settings";
import { Speculation } from "./speculation";
import { codeAround, suggestFor } from "./suggest";

export interface InlineCompletionDependencies {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  engine: ModelEngine;
  configuration: { readonly settings: HearthSettings; readonly ready: Promise<void>; readonly version: number };
  log: Logger;
  /** Cross-file context, when the client forwards any. */
  context?: CrossFileContext;
}

/** Automatic suggestions are skipped in the middle of a word: the model would only guess the word's rest. */
export function shouldSuggestAutomatically(lineSuffix: string): boolean {
  return !/^[\p{L}\p{N}_$]/u.test(lineSuffix);
}

/** Suggestions besides the greedy one on an explicit request (Alt+] / Alt+[ cycle through them in VS Code). */
export const EXPLICIT_ALTERNATIVES = 2;

/** How long after the last context change the prompt is pre-evaluated. */
const PREFILL_DELAY_MS = 300;

/** The last window a completion was asked for: what pre-evaluation warms. */
interface LastAsked {
  last?: { uri: string; window: DocumentWindow };
}

export function registerInlineCompletion(deps: InlineCompletionDependencies): Feature {
  const inFlight = new Map<string, RequestAbort>();
  const cache = new SuggestionCache();
  const speculation = new Speculation(deps.engine, cache, () => deps.configuration.settings.completion, deps.log);
  const asked: LastAsked = {};
  // New cross-file context is evaluated while the user is idle, for the window last asked about, so the next
  // keystroke doesn't pay for it.
  let prefillTimer: NodeJS.Timeout | undefined;
  deps.context?.onChange(() => {
    clearTimeout(prefillTimer);
    prefillTimer = setTimeout(() => {
      const last = asked.last;
      if (!last || inFlight.size > 0 || !deps.configuration.settings.completion.enabled) return;
      speculation.prefill(last.window, deps.context?.contextFor(last.uri, codeAround(last.window)));
    }, PREFILL_DELAY_MS);
  });

  deps.documents.onDidClose((event) => {
    inFlight.get(event.document.uri)?.abort();
    inFlight.delete(event.document.uri);
  });

  deps.connection.languages.inlineCompletion.on(async (params, token) => {
    requireParams("textDocument/inlineCompletion", params, {
      textDocument: isDocument,
      position: isPosition,
      context: shaped({ triggerKind: (kind) => kind === 1 || kind === 2 }),
    });
    // The newest request for a document wins: the one before it is aborted.
    const request = abortSignalFor(token);
    const uri = params.textDocument.uri;
    inFlight.get(uri)?.abort();
    inFlight.set(uri, request);
    try {
      // Typing wins over speculation, in any document: it holds the model.
      speculation.cancel();
      return await completeInline(deps, params, request.signal, token, cache, speculation, asked);
    } finally {
      request.dispose();
      if (inFlight.get(uri) === request) inFlight.delete(uri);
    }
  });

  return {
    capabilities: { inlineCompletionProvider: true },
    dispose: () => {
      clearTimeout(prefillTimer);
      speculation.cancel();
    },
  };
}

async function completeInline(
  deps: InlineCompletionDependencies,
  params: InlineCompletionParams,
  signal: AbortSignal,
  token: CancellationToken,
  cache: SuggestionCache,
  speculation: Speculation,
  asked: LastAsked,
): Promise<InlineCompletionList | null> {
  await deps.configuration.ready;
  const settings = deps.configuration.settings.completion;
  if (!settings.enabled) return null;
  const document = deps.documents.get(params.textDocument.uri);
  if (document === undefined) return null;
  // Secrets never reach the model.
  if (isSensitiveFile(uriPath(document.uri), deps.configuration.settings.privacy.excludedFiles)) return null;
  const version = document.version;
  // Only the lines the window can use are copied out of the document, so a 10 MB file costs what a small one does.
  const firstLine = prefixWindowStart(params.position.line, settings.prefixLines);
  const nearby = document.getText({
    start: { line: firstLine, character: 0 },
    end: { line: params.position.line + settings.suffixLines + 1, character: 0 },
  });
  // Every line of `nearby` before the cursor is prefix: its start is already aligned.
  const cursor = { line: params.position.line - firstLine, character: params.position.character };
  const window = alignedWindow(nearby, firstLine, cursor, settings);
  if (window === undefined) return null; // never: `nearby` starts on the aligned line
  const explicit = params.context.triggerKind === InlineCompletionTriggerKind.Invoked;
  if (!explicit && !shouldSuggestAutomatically(window.lineSuffix)) return null;

  const range = { start: params.position, end: params.position };
  asked.last = { uri: params.textDocument.uri, window };
  const context = deps.context?.contextFor(params.textDocument.uri, codeAround(window));
  const shown = (suggestion: string) =>
    speculation.start({
      uri: params.textDocument.uri,
      settingsVersion: deps.configuration.version,
      nearby,
      firstLine,
      position: cursor,
      suggestion,
      context,
    });
  // A state the model has answered before (deleting back, returning to a line, typing through, or speculated after
  // accepting the previous suggestion) needs no model call.
  const cacheKey = cacheKeyFor(params.textDocument.uri, deps.configuration.version, window, context);
  const cached = settings.suggestionCache ? cache.get(cacheKey) : undefined;
  if (cached !== undefined && !explicit) {
    shown(cached);
    return { items: [{ insertText: cached, range }] };
  }
  try {
    // An explicit request (Alt+\, Alt+]) asks for alternatives, which only the model can give; a cached greedy
    // suggestion is not generated again.
    const { text: generated, others } = await suggestFor(deps.engine, window, settings, signal, {
      context,
      alternatives: explicit ? EXPLICIT_ALTERNATIVES : 0,
      alternativesOnly: cached !== undefined,
    });
    const text = cached ?? generated;
    if (token.isCancellationRequested) return null;
    // A suggestion computed for an older version of the document would land in the wrong place.
    if (deps.documents.get(params.textDocument.uri)?.version !== version) return null;
    const candidates = [...(text === undefined ? [] : [text]), ...others.filter((other) => other !== text)];
    if (candidates.length === 0) return null;
    if (settings.suggestionCache && text !== undefined) cache.set(cacheKey, text);
    shown(candidates[0]);
    return { items: candidates.map((insertText) => ({ insertText, range })) };
  } catch (error) {
    if (isAbortError(error) || signal.aborted) return null;
    // The engine's status already tells the user what to do; a failing request each keystroke would only add noise.
    if (!(error instanceof EngineError))
      deps.log.error(`Inline completion failed: ${error instanceof Error ? error.stack : String(error)}`);
    return null;
  }
}
