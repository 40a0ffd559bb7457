/**
 * `textDocument/copilotInlineEdit`: next-edit suggestions, edits away from the cursor that follow from what the user
 * just did. The feature follows every open document's edits (never a secrets file's, by name or by where the file
 * really is), notices when the user accepts
 * a suggestion (the document turns into what was proposed), and cancels a prediction in flight on any keystroke.
 */
import type { Connection, TextDocuments } from "vscode-languageserver";
import { ResponseError } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { CrossFileContext } from "../core/fimInput";
import { EDIT_HISTORY_LIMITS, EditHistory } from "../core/nextEdit/editHistory";
import { editWindowRange } from "../core/nextEdit/editWindow";
import { documentProblems } from "../core/nextEdit/instructPrompt";
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
  type InlineEditResult,
  LastNextEditRequest,
  type NextEditReport,
} from "../shared/protocol";
import { type HearthSettings, nextEditAvailable, nextEditFromCompletion } from "../shared/settings";
import { crossFileEdits } from "./crossFileEdits";
import { insertionAtCursor } from "./insertionAtCursor";
import { type HereResult, type Speculated, staleVersion } from "./nextEditAnswers";
import { type PredictedEdit, type PredictionInput, predictNextEdit } from "./predictNextEdit";
import { Proposal } from "./proposal";
import { SecretDocuments } from "./secretDocuments";

/** How long after an edit settles its prompt is evaluated ahead. */
const PREFILL_MARGIN_MS = 50;

export interface NextEditDependencies {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  engine: ModelEngine;
  configuration: { readonly settings: HearthSettings; readonly ready: Promise<void> };
  log: Logger;
  context: CrossFileContext;
  /** The workspace folders as file system paths: `hearth.privacy.excludedFiles` is relative to them. */
  folders: () => readonly string[];
  /** The clock edits are timed by (tests may pass their own). */
  now?: () => number;
  /** A notebook cell's name (its notebook's path and its place); undefined for other documents. */
  cellLabel?: (uri: string) => string | undefined;
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
  /** Where next edits were last asked for: what to warm when an edit settles. */
  private lastAsked: { uri: string; line: number } | undefined;
  private prefillTimer: NodeJS.Timeout | undefined;
  /** A prediction for the document as it will be once the shown edits are all accepted (one per server). */
  private speculation: Speculated | undefined;
  lastReport: NextEditReport | null = null;
  /** Secrets files, by name or where their file really is: never history, never predicted in. */
  private readonly secrets: SecretDocuments;
  /** Cross-file predictions already made, per symbols, document and version (crossFileEdits.ts). */
  private readonly crossFileMemo = new Map<string, PredictedEdit[]>();
  /** Whether the client's last request said it takes edits for files it hasn't open. */
  private unopenedFiles = false;

  constructor(private readonly deps: NextEditDependencies) {
    this.secrets = new SecretDocuments(
      deps.documents,
      () => deps.configuration.settings.privacy.excludedFiles,
      deps.folders,
      (uri) => this.forgetSecret(uri),
    );
  }

  private now(): number {
    return this.deps.now?.() ?? performance.now();
  }

  private forgetSecret(uri: string): void {
    this.history.forget(uri);
    this.proposed.delete(uri);
    if (this.speculation?.uri === uri) this.cancelSpeculation();
  }

  /** Resolves once every document's verdict and every context chunk that arrived so far is in. */
  private async judged(): Promise<void> {
    await this.secrets.judged();
    await this.deps.context.settled?.();
  }

  opened(document: TextDocument): void {
    if (this.secrets.excluded(document.uri)) return;
    this.history.opened(document.uri, this.pathFor(document.uri), document.getText());
    void this.secrets.judge(document.uri);
  }

  changed(document: TextDocument): void {
    const uri = document.uri;
    // Any keystroke makes a prediction in flight for this document stale.
    this.inFlight.get(uri)?.abort();
    if (this.secrets.excluded(uri)) {
      this.history.forget(uri);
      return;
    }
    // A cell is named once its notebook is known, which is after the cell was opened.
    if (this.deps.cellLabel) this.history.relabel(uri, this.pathFor(uri));
    const text = document.getText();
    const proposal = this.proposed.get(uri);
    const accepted = proposal?.accept(text) ?? false;
    if (!accepted) this.proposed.delete(uri);
    // Accepting the shown edits one by one leads to the speculated text; any other change makes it unwanted.
    if (this.speculation && !accepted && (this.speculation.uri !== uri || this.speculation.text !== text))
      this.cancelSpeculation();
    this.history.changed(uri, text, this.now(), accepted);
    // A link can be pointed elsewhere while its document is open, and the editor then reloads it.
    void this.secrets.judge(uri);
    this.schedulePrefill();
  }

  /**
   * When the user pauses long enough for the edit to settle, it moves into the prompt's history, which changes the
   * prompt's early part: evaluate the new prompt then, while the user is idle, so the next keystroke doesn't pay for
   * it. Any keystroke or request aborts it.
   */
  private schedulePrefill(): void {
    clearTimeout(this.prefillTimer);
    this.prefillTimer = setTimeout(() => void this.prefill(), EDIT_HISTORY_LIMITS.pauseMs + PREFILL_MARGIN_MS);
  }

  private async prefill(): Promise<void> {
    // While a request runs the user is waiting, not pausing: its answer schedules this again.
    if (this.inFlight.size > 0) return;
    await this.judged();
    if (this.inFlight.size > 0) return;
    this.history.settleIdle(this.now());
    const last = this.lastAsked;
    const settings = this.deps.configuration.settings;
    const document = last && this.deps.documents.get(last.uri);
    if (!last || !document || !nextEditAvailable(settings) || this.secrets.excluded(last.uri)) return;
    const controller = new AbortController();
    const request: RequestAbort = { signal: controller.signal, abort: () => controller.abort(), dispose: () => undefined };
    this.inFlight.set(last.uri, request);
    try {
      await predictNextEdit(
        this.deps.engine,
        this.history,
        this.predictionInput(last.uri, document.getText(), last.line),
        settings.nextEdit,
        request.signal,
        { evaluateOnly: true },
      );
    } catch {
      // Aborted by a keystroke, or the engine's status already says what is wrong.
    } finally {
      if (this.inFlight.get(last.uri) === request) this.inFlight.delete(last.uri);
    }
  }

  private predictionInput(uri: string, text: string, cursorLine: number, cursorCharacter?: number): PredictionInput {
    const context = this.deps.context.contextFor(uri, text.slice(0, 2000));
    return {
      uri,
      text,
      cursorLine,
      cursorCharacter,
      path: this.pathFor(uri),
      relatedFiles: context?.chunks.filter((chunk) => chunk.uri !== uri) ?? [],
    };
  }

  /** A document's path as the model sees it; a notebook cell's names its place in the notebook. */
  private pathFor(uri: string): string {
    return this.deps.cellLabel?.(uri) ?? this.deps.context.pathFor(uri);
  }

  closed(uri: string): void {
    this.secrets.closed(uri);
    this.inFlight.get(uri)?.abort();
    this.proposed.delete(uri);
    this.history.closed(uri);
  }

  async suggest(params: InlineEditParams, request: RequestAbort): Promise<InlineEditResult> {
    const { deps } = this;
    const uri = params.textDocument.uri;
    // The newest request for a document wins.
    this.inFlight.get(uri)?.abort();
    this.inFlight.set(uri, request);
    try {
      await deps.configuration.ready;
      if (this.secrets.excluded(uri) || (await this.secrets.judge(uri))) return { edits: [] };
      this.unopenedFiles = params.unopenedFiles === true;
      await this.judged();
      const here = (await this.speculated(uri, params)) ?? (await this.predictHere(uri, params, request));
      // Nothing more here after a rename or a changed definition: the other files that use it.
      if (here.edits.length > 0 || !here.crossFile) return here.result;
      const elsewhere = await this.crossFileEdits(uri, request.signal);
      return { ...here.result, edits: elsewhere };
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

  /** The next edits in the document asked about; `crossFile` when other files may be asked about after it. */
  private async predictHere(uri: string, params: InlineEditParams, request: RequestAbort): Promise<HereResult> {
    const { deps } = this;
    const none = { result: { edits: [] }, edits: [], crossFile: false };
    // A request always goes before speculation: nothing queues in front of a keystroke.
    this.cancelSpeculation();
    const settings = deps.configuration.settings;
    const document = deps.documents.get(uri);
    if (document === undefined) return none;
    const version = params.textDocument.version;
    if (document.version !== version) throw staleVersion(version, document.version);
    if (this.secrets.excluded(uri)) return none;
    if (nextEditFromCompletion(settings)) {
      const edits = await insertionAtCursor(deps, settings.completion, document, params, request.signal);
      return { result: { edits }, edits, crossFile: false };
    }
    if (!nextEditAvailable(settings)) return none;
    this.history.settleIdle(this.now());
    this.lastAsked = { uri, line: params.position.line };
    const { edits, report } = await predictNextEdit(
      deps.engine,
      this.history,
      {
        ...this.predictionInput(uri, document.getText(), params.position.line, params.position.character),
        problems: documentProblems(params.diagnostics),
      },
      settings.nextEdit,
      request.signal,
    );
    this.lastReport = report;
    this.history.answered(uri, this.now());
    this.schedulePrefill();
    // The user typed while the model ran: the edits would land in the wrong place.
    if (deps.documents.get(uri)?.version !== version) throw staleVersion(version, deps.documents.get(uri)?.version);
    const proposal = edits.length > 0 ? new Proposal(document, edits) : undefined;
    if (proposal) {
      this.proposed.set(uri, proposal);
      this.speculate(uri, proposal, settings);
    }
    const result = { edits: edits.map((edit) => ({ ...edit, textDocument: { uri, version } })), format: report.format };
    return { result, edits: result.edits, crossFile: true };
  }

  /**
   * The next edits in other documents (open, or viewed when the client takes those) that follow from the edits here (crossFileEdits.ts), proposed; or, in
   * speculation (its forked history, its sequence), only predicted into the memo.
   */
  private async crossFileEdits(
    uri: string,
    signal: AbortSignal,
    speculation?: { history: EditHistory; speculative: true },
  ): Promise<InlineEdit[]> {
    const found = await crossFileEdits(
      {
        documents: this.deps.documents,
        engine: this.deps.engine,
        settings: this.deps.configuration.settings.nextEdit,
        history: speculation?.history ?? this.history,
        excluded: (other) => this.secrets.excluded(other),
        judged: () => this.judged(),
        input: (other, text, line) => this.predictionInput(other, text, line),
        propose: (document, edits) => {
          if (!speculation) this.proposed.set(document.uri, new Proposal(document, edits));
        },
        memo: this.crossFileMemo,
        speculative: speculation?.speculative,
        viewedFiles: this.unopenedFiles ? this.deps.context.viewedFiles?.bind(this.deps.context) : undefined,
        folders: this.deps.folders,
      },
      uri,
      signal,
    );
    return found.flatMap(({ uri: other, version, textSha256, edits }) =>
      edits.map((edit) => ({ ...edit, textDocument: { uri: other, version }, ...(textSha256 ? { textSha256 } : {}) })),
    );
  }

  dispose(): void {
    clearTimeout(this.prefillTimer);
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
    const cursorLine = proposal.lastLine();
    const abort = new AbortController();
    // Documents opened or edited while the model ran are judged before their edits can be in this prompt.
    const result = this.judged()
      .then(() => {
        if (abort.signal.aborted || this.secrets.excluded(uri)) return undefined;
        const history = this.history.fork();
        history.changed(uri, text, this.now(), true);
        const input = this.predictionInput(uri, text, cursorLine);
        return predictNextEdit(this.deps.engine, history, input, settings.nextEdit, abort.signal, { speculative: true }).then(
          async (outcome) => {
            // Nothing more here once these are accepted: the other files' edits, predicted now into the memo the
            // request after the last Tab reads (proposed only then, on the documents as they are).
            if (outcome.edits.length === 0) await this.crossFileEdits(uri, abort.signal, { history, speculative: true });
            return outcome;
          },
        );
      })
      .catch(() => undefined);
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
  private async speculated(uri: string, params: InlineEditParams): Promise<HereResult | undefined> {
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
    const edits = outcome.edits.map((edit) => ({ ...edit, textDocument: { uri, version } }));
    return { result: { edits, format: outcome.report.format }, edits, crossFile: true };
  }
}
