/**
 * `textDocument/copilotInlineEdit`: next-edit suggestions, edits away from the cursor that follow from what the user
 * just did. The feature follows every open document's edits (never a secrets file's), notices when the user accepts
 * a suggestion (the document turns into what was proposed), and cancels a prediction in flight on any keystroke.
 */
import type { Connection, TextDocuments } from "vscode-languageserver";
import { LSPErrorCodes, ResponseError } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { CrossFileContext } from "../core/fimInput";
import { EditHistory } from "../core/nextEdit/editHistory";
import { editWindowRange } from "../core/nextEdit/editWindow";
import { LINE_BREAK } from "../core/nextEdit/textChange";
import { EngineError, isAbortError } from "../engine/engineError";
import type { ModelEngine } from "../engine/modelEngine";
import { abortSignalFor, type Feature, type RequestAbort } from "../feature";
import type { Logger } from "../logger";
import { isCount, isDocument, isPosition, requireParams, shaped } from "../paramChecks";
import {
  DidShowInlineEditNotification,
  type InlineEdit,
  type InlineEditParams,
  InlineEditRequest,
  LastNextEditRequest,
  type NextEditReport,
} from "../shared/protocol";
import { isSensitiveFile, uriPath } from "../shared/sensitiveFiles";
import { type HearthSettings, nextEditAvailable } from "../shared/settings";
import { type PredictedEdit, predictNextEdit } from "./predictNextEdit";
import { Proposal } from "./proposal";

export interface NextEditDependencies {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  engine: ModelEngine;
  configuration: { readonly settings: HearthSettings; readonly ready: Promise<void> };
  log: Logger;
  context: CrossFileContext;
  /** The clock edits are timed by (tests may pass their own). */
  now?: () => number;
}

export function registerNextEdit(deps: NextEditDependencies): Feature {
  const nextEdits = new NextEdits(deps);
  const { documents, connection } = deps;
  documents.onDidOpen((event) => nextEdits.opened(event.document));
  documents.onDidChangeContent((event) => nextEdits.changed(event.document));
  documents.onDidSave((event) => nextEdits.history.saved(event.document.uri));
  documents.onDidClose((event) => nextEdits.closed(event.document.uri));
  connection.onRequest(InlineEditRequest.type, (params, token) => {
    requireParams(InlineEditRequest.method, params, {
      textDocument: (value) => isDocument(value) && shaped({ version: isCount })(value),
      position: isPosition,
    });
    const request = abortSignalFor(token);
    return nextEdits.suggest(params, request).finally(() => request.dispose());
  });
  connection.onNotification(DidShowInlineEditNotification.type, () => {
    // Shown: nothing to record (no telemetry); accepted for clients that send it.
  });
  connection.onRequest(LastNextEditRequest.type, () => nextEdits.lastReport);
  // A custom request: nothing to declare in the initialize result.
  return { capabilities: {}, dispose: () => nextEdits.dispose() };
}

class NextEdits {
  readonly history = new EditHistory();
  private readonly inFlight = new Map<string, RequestAbort>();
  /** The last proposal per document, and which of its edits the user has accepted so far. */
  private readonly proposed = new Map<string, Proposal>();
  /** A prediction for the document as it will be once the shown edits are all accepted (one per server). */
  private speculation: Speculated | undefined;
  lastReport: NextEditReport | null = null;

  constructor(private readonly deps: NextEditDependencies) {}

  private now(): number {
    return this.deps.now?.() ?? performance.now();
  }

  private excluded(uri: string): boolean {
    return isSensitiveFile(uriPath(uri), this.deps.configuration.settings.privacy.excludedFiles);
  }

  opened(document: TextDocument): void {
    if (this.excluded(document.uri)) return;
    this.history.opened(document.uri, this.deps.context.pathFor(document.uri), document.getText());
  }

  changed(document: TextDocument): void {
    const uri = document.uri;
    // Any keystroke makes a prediction in flight for this document stale.
    this.inFlight.get(uri)?.abort();
    if (this.excluded(uri)) {
      this.history.forget(uri);
      return;
    }
    const text = document.getText();
    const proposal = this.proposed.get(uri);
    const accepted = proposal?.accept(text) ?? false;
    if (!accepted) this.proposed.delete(uri);
    // Accepting the shown edits one by one leads to the speculated text; any other change makes it unwanted.
    if (this.speculation && !accepted && (this.speculation.uri !== uri || this.speculation.text !== text))
      this.cancelSpeculation();
    this.history.changed(uri, text, this.now(), accepted);
  }

  closed(uri: string): void {
    this.inFlight.get(uri)?.abort();
    this.proposed.delete(uri);
    this.history.closed(uri);
  }

  async suggest(params: InlineEditParams, request: RequestAbort): Promise<{ edits: InlineEdit[] }> {
    const { deps } = this;
    const uri = params.textDocument.uri;
    // The newest request for a document wins.
    this.inFlight.get(uri)?.abort();
    this.inFlight.set(uri, request);
    try {
      await deps.configuration.ready;
      const speculated = await this.speculated(uri, params);
      if (speculated) return speculated;
      // A request always goes before speculation: nothing queues in front of a keystroke.
      this.cancelSpeculation();
      const settings = deps.configuration.settings;
      const document = deps.documents.get(uri);
      if (document === undefined) return { edits: [] };
      const version = params.textDocument.version;
      if (document.version !== version) throw staleVersion(version, document.version);
      if (!nextEditAvailable(settings) || this.excluded(uri)) return { edits: [] };
      this.history.settleIdle(this.now());
      const text = document.getText();
      const context = deps.context.contextFor(uri, text.slice(0, 2000));
      const { edits, report } = await predictNextEdit(
        deps.engine,
        this.history,
        {
          uri,
          text,
          cursorLine: params.position.line,
          path: deps.context.pathFor(uri),
          relatedFiles: context?.chunks.filter((chunk) => chunk.uri !== uri) ?? [],
        },
        settings.nextEdit,
        request.signal,
      );
      this.lastReport = report;
      // The user typed while the model ran: the edits would land in the wrong place.
      if (deps.documents.get(uri)?.version !== version) throw staleVersion(version, deps.documents.get(uri)?.version);
      const proposal = edits.length > 0 ? new Proposal(document, edits) : undefined;
      if (proposal) {
        this.proposed.set(uri, proposal);
        this.speculate(uri, proposal, settings);
      }
      return { edits: edits.map((edit) => ({ ...edit, textDocument: { uri, version } })) };
    } catch (error) {
      if (error instanceof ResponseError) throw error;
      if (isAbortError(error) || request.signal.aborted) return { edits: [] };
      // The engine's status already tells the user what to do.
      if (!(error instanceof EngineError))
        deps.log.error(`Next-edit prediction failed: ${error instanceof Error ? error.stack : String(error)}`);
      return { edits: [] };
    } finally {
      if (this.inFlight.get(uri) === request) this.inFlight.delete(uri);
    }
  }

  dispose(): void {
    this.cancelSpeculation();
    for (const request of this.inFlight.values()) request.abort();
  }

  /**
   * Speculation: while the user looks at the edits, predict the ones after them, on the document as it will be once
   * they are accepted (with the accept in a copy of the history), so the suggestion after the last Tab is at hand.
   */
  private speculate(uri: string, proposal: Proposal, settings: HearthSettings): void {
    this.cancelSpeculation();
    const text = proposal.applied();
    const history = this.history.fork();
    history.changed(uri, text, this.now(), true);
    const cursorLine = proposal.lastLine();
    const abort = new AbortController();
    const result = predictNextEdit(
      this.deps.engine,
      history,
      { uri, text, cursorLine, path: this.deps.context.pathFor(uri), relatedFiles: [] },
      settings.nextEdit,
      abort.signal,
      true,
    ).catch(() => undefined);
    this.speculation = {
      uri,
      text,
      windowStart: editWindowRange(text.split(LINE_BREAK).length, cursorLine).startLine,
      abort,
      result,
    };
  }

  private cancelSpeculation(): void {
    this.speculation?.abort.abort();
    this.speculation = undefined;
  }

  /** The speculated answer, when it was made for exactly this text and window. */
  private async speculated(uri: string, params: InlineEditParams): Promise<{ edits: InlineEdit[] } | undefined> {
    const speculation = this.speculation;
    const document = this.deps.documents.get(uri);
    if (!speculation || !document || speculation.uri !== uri || document.version !== params.textDocument.version)
      return undefined;
    const text = document.getText();
    const windowStart = editWindowRange(document.lineCount, params.position.line).startLine;
    if (speculation.text !== text || speculation.windowStart !== windowStart) return undefined;
    const outcome = await speculation.result;
    if (outcome === undefined || this.deps.documents.get(uri)?.version !== params.textDocument.version) return undefined;
    this.speculation = undefined;
    this.lastReport = { ...outcome.report, speculative: true };
    const version = params.textDocument.version;
    if (outcome.edits.length > 0) {
      const proposal = new Proposal(document, outcome.edits);
      this.proposed.set(uri, proposal);
      this.speculate(uri, proposal, this.deps.configuration.settings);
    }
    return { edits: outcome.edits.map((edit) => ({ ...edit, textDocument: { uri, version } })) };
  }
}

interface Speculated {
  uri: string;
  text: string;
  windowStart: number;
  abort: AbortController;
  result: Promise<{ edits: PredictedEdit[]; report: NextEditReport } | undefined>;
}

function staleVersion(asked: number, current: number | undefined): ResponseError<void> {
  return new ResponseError(
    LSPErrorCodes.ContentModified,
    `textDocument/copilotInlineEdit: the document is at version ${current ?? "(closed)"}, not ${asked}; ask again.`,
  );
}
