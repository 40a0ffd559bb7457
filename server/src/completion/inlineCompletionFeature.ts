/**
 * `textDocument/inlineCompletion`: fill-in-the-middle suggestions as ghost text.
 * The newest request for a document wins: it aborts the one before it, and the client's cancellation reaches
 * the engine's AbortSignal.
 */
import type { Connection, InlineCompletionList, InlineCompletionParams, TextDocuments } from "vscode-languageserver";
import { type CancellationToken, InlineCompletionTriggerKind } from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import { type DocumentWindow, shouldSuggestAutomatically, WINDOW_ALIGN_LINES, windowAtCursor } from "../core/documentWindow";
import { type CrossFileContext, cacheKeyFor } from "../core/fimInput";
import type { CellInNotebook } from "../core/notebookText";
import { SuggestionCache } from "../core/suggestionCache";
import { EngineError, isAbortError } from "../engine/engineError";
import { codeAround, suggestFor } from "../engine/fimSuggestion";
import type { ModelEngine } from "../engine/modelEngine";
import { abortSignalFor, type Feature, type RequestAbort } from "../feature";
import type { Logger } from "../logger";
import { isDocument, isPosition, requireParams, shaped } from "../paramChecks";
import { isSensitiveDocument } from "../shared/sensitiveOnDisk";
import type { HearthSettings } from "../shared/settings";
import { Speculation } from "./speculation";

export interface InlineCompletionDependencies {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  engine: ModelEngine;
  configuration: { readonly settings: HearthSettings; readonly ready: Promise<void>; readonly version: number };
  log: Logger;
  /** Cross-file context, when the client forwards any. */
  context?: CrossFileContext;
  /** The workspace folders as file system paths: `hearth.privacy.excludedFiles` is relative to them. */
  folders: () => readonly string[];
  /** A notebook cell's notebook as one file, the cell's place in it (core/notebookText.ts); undefined for a document. */
  notebookCell?: (uri: string, lines: { above: number; below: number }) => (CellInNotebook & { notebookUri: string }) | undefined;
}

/** Suggestions besides the greedy one on an explicit request (Alt+] / Alt+[ cycle through them in VS Code). */
export const EXPLICIT_ALTERNATIVES = 2;

/** How long after the last context change the prompt is pre-evaluated. */
const PREFILL_DELAY_MS = 300;

export function registerInlineCompletion(deps: InlineCompletionDependencies): Feature {
  const completions = new InlineCompletions(deps);
  deps.documents.onDidClose((event) => completions.documentClosed(event.document.uri));
  deps.context?.onChange(() => completions.contextChanged());
  deps.connection.languages.inlineCompletion.on((params, token) => {
    requireParams("textDocument/inlineCompletion", params, {
      textDocument: isDocument,
      position: isPosition,
      context: shaped({ triggerKind: (kind) => kind === 1 || kind === 2 }),
    });
    return completions.complete(params, token);
  });
  return { capabilities: { inlineCompletionProvider: true }, dispose: () => completions.dispose() };
}

/**
 * The completion state of one server: the request in flight per document (the newest wins), the suggestion cache,
 * speculation, and the window last asked about (what pre-evaluation warms when the context changes).
 */
class InlineCompletions {
  private readonly inFlight = new Map<string, RequestAbort>();
  private readonly cache = new SuggestionCache();
  private readonly speculation: Speculation;
  private lastAsked: { uri: string; window: DocumentWindow } | undefined;
  private prefillTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: InlineCompletionDependencies) {
    this.speculation = new Speculation(deps.engine, this.cache, () => deps.configuration.settings.completion, deps.log);
  }

  async complete(params: InlineCompletionParams, token: CancellationToken): Promise<InlineCompletionList | null> {
    // The newest request for a document wins: the one before it is aborted.
    const request = abortSignalFor(token);
    const uri = params.textDocument.uri;
    this.inFlight.get(uri)?.abort();
    this.inFlight.set(uri, request);
    try {
      // Typing wins over speculation, in any document: it holds the model.
      this.speculation.cancel();
      return await this.answer(params, request.signal, token);
    } finally {
      request.dispose();
      if (this.inFlight.get(uri) === request) this.inFlight.delete(uri);
    }
  }

  documentClosed(uri: string): void {
    this.inFlight.get(uri)?.abort();
    this.inFlight.delete(uri);
  }

  /** New cross-file context is evaluated while the user is idle, for the window last asked about, so the next
   * keystroke doesn't pay for it. */
  contextChanged(): void {
    clearTimeout(this.prefillTimer);
    this.prefillTimer = setTimeout(() => {
      const last = this.lastAsked;
      if (!last || this.inFlight.size > 0 || !this.deps.configuration.settings.completion.enabled) return;
      this.speculation.prefill(last.window, this.deps.context?.contextFor(last.uri, codeAround(last.window)));
    }, PREFILL_DELAY_MS);
  }

  dispose(): void {
    clearTimeout(this.prefillTimer);
    this.speculation.cancel();
    for (const request of this.inFlight.values()) request.abort();
  }

  private async answer(
    params: InlineCompletionParams,
    signal: AbortSignal,
    token: CancellationToken,
  ): Promise<InlineCompletionList | null> {
    const { deps } = this;
    await deps.configuration.ready;
    const settings = deps.configuration.settings.completion;
    if (!settings.enabled) return null;
    const uri = params.textDocument.uri;
    const document = deps.documents.get(uri);
    if (document === undefined) return null;
    // The text is taken as the request saw it, before anything below waits: an edit that arrives meanwhile must not
    // be answered at this request's position.
    const version = document.version;
    // In a notebook cell the cells above are the prefix and the cells below the suffix: the window is cut from the
    // notebook as one file, the cursor moved to where the cell is in it. The answer still goes at the cell's cursor.
    // The cells the window can reach (its aligned start may be a block further up), not the whole notebook.
    const cell = deps.notebookCell?.(uri, { above: settings.prefixLines + WINDOW_ALIGN_LINES, below: settings.suffixLines + 1 });
    const text = cell ? TextDocument.create(uri, document.languageId, version, cell.text) : document;
    const position = cell
      ? { line: params.position.line + cell.lineOffset, character: params.position.character }
      : params.position;
    const cut = windowAtCursor((range) => text.getText(range), position, settings);
    if (cut === undefined) return null; // never: `nearby` starts on the aligned line
    // Secrets never reach the model, by the document's name or by where it really is (a link to `.env`).
    // A cell is judged by its notebook's file (a cell's URI names no file on disk).
    const judged = cell?.notebookUri ?? uri;
    if (await isSensitiveDocument(judged, deps.configuration.settings.privacy.excludedFiles, deps.folders())) return null;
    // Context that arrived before this request is judged (and a secrets file's dropped) before it is chosen from.
    await deps.context?.settled?.();
    // An edit that arrived while those checks waited makes this request stale: the editor asks again for the new text.
    if (deps.documents.get(uri)?.version !== version) return null;
    const { window, nearby, firstLine, cursor } = cut;
    const explicit = params.context.triggerKind === InlineCompletionTriggerKind.Invoked;
    if (!explicit && !shouldSuggestAutomatically(window.lineSuffix)) return null;

    const range = { start: params.position, end: params.position };
    this.lastAsked = { uri, window };
    const context = deps.context?.contextFor(uri, codeAround(window));
    const shown = (suggestion: string) =>
      this.speculation.start({
        uri,
        settingsVersion: deps.configuration.version,
        nearby,
        firstLine,
        position: cursor,
        suggestion,
        context,
      });
    // A state the model has answered before (deleting back, returning to a line, typing through, or speculated after
    // accepting the previous suggestion) needs no model call.
    const cacheKey = cacheKeyFor(uri, deps.configuration.version, window, context);
    const cached = settings.suggestionCache ? this.cache.get(cacheKey) : undefined;
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
      if (deps.documents.get(uri)?.version !== version) return null;
      const candidates = [...(text === undefined ? [] : [text]), ...others.filter((other) => other !== text)];
      if (candidates.length === 0) return null;
      if (settings.suggestionCache && text !== undefined) this.cache.set(cacheKey, text);
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
}
