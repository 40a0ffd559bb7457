/**
 * Keeps the local suggestion record (suggestionRecord.ts) in VS Code's global storage on this machine: counts what
 * the next-edit controller and the ghost text report, watches for an Undo of an accepted suggestion, and shows the
 * record as a read-only Markdown document. Nothing here is sent anywhere.
 */
import { basename } from "node:path";
import * as vscode from "vscode";
import type { EngineStatus } from "../../../server/src/shared/protocol";
import type { HearthSettings } from "../../../server/src/shared/settings";
import { AcceptedSuggestions, type InsertedText } from "./acceptedSuggestions";
import {
  counted,
  emptyRecord,
  readRecord,
  recordAsMarkdown,
  type SuggestionKind,
  type SuggestionOutcome,
  type SuggestionRecord,
} from "./suggestionRecord";

/** Where the record is kept (VS Code's global state: this machine's, not synced unless the user adds the key). */
export const RECORD_STORAGE_KEY = "hearth.suggestionRecord";
/** The read-only document the record is shown in. */
export const RECORD_URI = vscode.Uri.from({ scheme: "hearth-record", path: "/Hearth Suggestion Record.md" });
/** Run by VS Code when ghost text is accepted (each item carries it); not in the command palette. */
export const GHOST_TEXT_ACCEPTED_COMMAND = "hearth.ghostText.accepted";

/** The format ghost text is counted under: fill-in-the-middle, whichever model's spelling. */
const GHOST_TEXT_FORMAT = "fim";

/** What the next-edit controller and the ghost text tell the record. */
export interface SuggestionCounter {
  shown(kind: SuggestionKind, format: string | undefined, times?: number): void;
  dismissed(kind: SuggestionKind, format: string | undefined, times?: number): void;
  /** Just after VS Code applied the accepted suggestion to the document at `uri`. */
  accepted(kind: SuggestionKind, format: string | undefined, uri: string): void;
}

export class SuggestionQuality implements SuggestionCounter, vscode.Disposable {
  private readonly watched = new AcceptedSuggestions();
  /** Each document's latest edit (not an Undo): what an accept just put there. */
  private readonly lastEdit = new Map<string, InsertedText[]>();
  /** The models the engine last said were ready, by role: what each suggestion is counted under. */
  private readonly readyModels = new Map<EngineStatus["role"], string>();
  private readonly documentChanged = new vscode.EventEmitter<vscode.Uri>();
  private readonly subscriptions: vscode.Disposable[];
  /** Writes in order: a count never overtakes a clear. */
  private saving: Thenable<void> = Promise.resolve();

  constructor(
    private readonly storage: vscode.Memento,
    private readonly settings: () => HearthSettings,
    onStatus: vscode.Event<EngineStatus>,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.subscriptions = [
      this.documentChanged,
      onStatus((status) => {
        if (status.state === "ready" && status.model) this.readyModels.set(status.role, status.model);
      }),
      vscode.workspace.onDidChangeTextDocument((event) => this.changed(event)),
      vscode.workspace.onDidCloseTextDocument((document) => {
        this.watched.closed(document.uri.toString());
        this.lastEdit.delete(document.uri.toString());
      }),
      vscode.workspace.registerTextDocumentContentProvider(RECORD_URI.scheme, {
        onDidChange: this.documentChanged.event,
        provideTextDocumentContent: () => recordAsMarkdown(this.stored()),
      }),
      vscode.commands.registerCommand(GHOST_TEXT_ACCEPTED_COMMAND, (uri: unknown) => {
        if (typeof uri === "string") this.accepted("ghostText", GHOST_TEXT_FORMAT, uri);
      }),
    ];
  }

  shown(kind: SuggestionKind, format: string | undefined, times = 1): void {
    this.count(kind, format, "shown", times);
  }

  dismissed(kind: SuggestionKind, format: string | undefined, times = 1): void {
    this.count(kind, format, "dismissed", times);
  }

  accepted(kind: SuggestionKind, format: string | undefined, uri: string): void {
    const key = this.keyFor(kind, format);
    this.watched.accepted({ key, uri, inserted: this.lastEdit.get(uri) ?? [], at: this.clock() });
    this.update((record) => counted(record, key, "accepted"));
  }

  /** Opens the record (it follows new counts while open). */
  async show(): Promise<void> {
    const document = await vscode.workspace.openTextDocument(RECORD_URI);
    await vscode.window.showTextDocument(document, { preview: true });
  }

  /** Deletes the record after the user agrees. */
  async clear(): Promise<void> {
    const choice = await vscode.window.showWarningMessage(
      "Clear Hearth's suggestion record?",
      { modal: true, detail: `The counts kept on this machine since ${this.stored().since.slice(0, 10)} are deleted.` },
      "Clear",
    );
    if (choice !== "Clear") return;
    this.watched.clear();
    this.update(() => emptyRecord(new Date()));
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }

  /** Resolves once every count so far is stored (tests). */
  flushed(): Thenable<void> {
    return this.saving;
  }

  private count(kind: SuggestionKind, format: string | undefined, outcome: SuggestionOutcome, times: number): void {
    if (times > 0) this.update((record) => counted(record, this.keyFor(kind, format), outcome, times));
  }

  private changed(event: vscode.TextDocumentChangeEvent): void {
    const uri = event.document.uri.toString();
    if (event.contentChanges.length === 0) return;
    if (event.reason !== vscode.TextDocumentChangeReason.Undo) {
      this.lastEdit.set(
        uri,
        event.contentChanges.map((change) => ({ offset: change.rangeOffset, length: change.text.length })),
      );
      return;
    }
    if (this.watched.size === 0) return;
    const ranges = event.contentChanges.map((change) => ({ offset: change.rangeOffset, length: change.rangeLength }));
    const undone = this.watched.undo(uri, ranges, this.clock());
    if (undone) this.update((record) => counted(record, undone.key, "undone"));
  }

  /** The record as stored now: another VS Code window may have counted (or cleared) since this one last did. */
  private stored(): SuggestionRecord {
    return readRecord(this.storage.get(RECORD_STORAGE_KEY), new Date());
  }

  private update(change: (record: SuggestionRecord) => SuggestionRecord): void {
    this.saving = this.saving.then(
      () => this.storage.update(RECORD_STORAGE_KEY, change(this.stored())),
      () => this.storage.update(RECORD_STORAGE_KEY, change(this.stored())),
    );
    void Promise.resolve(this.saving).then(() => this.documentChanged.fire(RECORD_URI));
  }

  private keyFor(kind: SuggestionKind, format: string | undefined) {
    return { kind, model: this.modelFor(kind), format: format ?? (kind === "ghostText" ? GHOST_TEXT_FORMAT : "unknown") };
  }

  /** The model as the engine named it when ready, else as the settings name it. */
  private modelFor(kind: SuggestionKind): string {
    const ready = this.readyModels.get(kind === "nextEdit" ? "nextEdit" : "completion");
    if (ready) return ready;
    const settings = this.settings();
    const remote = settings.engine === "remote";
    const named =
      kind === "nextEdit"
        ? remote
          ? settings.remote.nextEditModel
          : settings.nextEdit.model
        : remote
          ? settings.remote.completionModel
          : settings.completion.model;
    return named ? basename(named) : "(unnamed)";
  }
}
