/**
 * Next edits in other files: after the user renames a symbol or changes a definition here, the other open documents
 * that use it get a prediction each (core/nextEdit/crossFileTargets.ts picks them), with the edit here counted as
 * done so their prompts show it as history. For a client that can take them, files the user viewed and closed are
 * searched too, read from disk; their edits name the text's hash instead of a version (the client checks it).
 * Bounded (CROSS_FILE_LIMIT documents, in the request's abort), and a document whose version moves while it is
 * predicted gets no edit: never a stale one. A file whose edits would change what runs (shared/protectedPaths.ts:
 * tasks, hooks, manifests, linters' configurations) is never predicted in: the user didn't edit there, and these
 * edits get no review.
 */
import { createHash } from "node:crypto";
import { relative, sep } from "node:path";
import type { TextDocuments } from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { ViewedFile } from "../core/fimInput";
import { CROSS_FILE_LIMIT, changedSymbols, crossFileTargets } from "../core/nextEdit/crossFileTargets";
import { EDIT_HISTORY_LIMITS, type EditHistory } from "../core/nextEdit/editHistory";
import type { ModelEngine } from "../engine/modelEngine";
import { protectedPath } from "../shared/protectedPaths";
import { UNOPENED_FILE_VERSION } from "../shared/protocol";
import { uriPath } from "../shared/sensitiveFiles";
import type { HearthSettings } from "../shared/settings";
import { type PredictedEdit, type PredictionInput, predictNextEdit } from "./predictNextEdit";

export interface CrossFileDependencies {
  documents: TextDocuments<TextDocument>;
  engine: ModelEngine;
  settings: HearthSettings["nextEdit"];
  history: EditHistory;
  /** Secrets files and `hearth.privacy.excludedFiles`: never predicted in. */
  excluded(uri: string): boolean;
  /** Resolves once every document's secrets verdict is in (a link to `.env` opened meanwhile). */
  judged(): Promise<void>;
  /** The prediction's input for a document with the cursor on `line`. */
  input(uri: string, text: string, line: number): PredictionInput;
  /** Called with a document's edits at the moment they are found current, before anything else can run. */
  propose(document: TextDocument, edits: PredictedEdit[]): void;
  /** What was predicted per symbols, document and version: a rename in the history isn't predicted again per request. */
  memo: Map<string, PredictedEdit[]>;
  /** Predicted ahead of the request, on the speculation's sequence (the request path's cache stays). */
  speculative?: boolean;
  /**
   * The files the user viewed that aren't open, read from disk (CompletionContext.viewedFiles); absent when the client
   * can't take edits for them (InlineEditParams.unopenedFiles).
   */
  viewedFiles?(skip: (uri: string) => boolean, limit: number): Promise<ViewedFile[]>;
  /** The workspace folders as file system paths (protected paths are judged inside them). */
  folders(): readonly string[];
}

export interface CrossFileEdits {
  uri: string;
  /** The version the edits are for (checked after every prediction); UNOPENED_FILE_VERSION for a file read from disk. */
  version: number;
  /** For a file read from disk: the SHA-256 of the text predicted on. */
  textSha256?: string;
  edits: PredictedEdit[];
}

/** Documents longer than this are not searched for uses (a keystroke's budget). */
const SEARCHED_CHARS = 500_000;
/** Viewed files read from disk per request at most (each is a small read; only uses found there are predicted). */
const VIEWED_FILES_READ = 8;
const MEMO_ENTRIES = 64;

/** A document searched for uses: open (with its version) or read from disk (with its text's hash). */
interface Candidate {
  uri: string;
  text: string;
  version?: number;
  sha256?: string;
}

export async function crossFileEdits(deps: CrossFileDependencies, uri: string, signal: AbortSignal): Promise<CrossFileEdits[]> {
  const { documents, history } = deps;
  const recentEdits = history.recent(EDIT_HISTORY_LIMITS.edits);
  const symbols = changedSymbols(recentEdits.filter((edit) => edit.uri === uri));
  if (symbols.length === 0) return [];
  // Recently edited documents first, then the others in the order they were opened, then the files viewed on disk.
  const recent = recentEdits.map((edit) => edit.uri).reverse();
  const rank = (other: string) => (recent.includes(other) ? recent.indexOf(other) : recent.length);
  const unwanted = (other: string) => deps.excluded(other) || isProtected(other, deps.folders());
  const open: Candidate[] = documents
    .all()
    .filter((document) => document.uri !== uri && !unwanted(document.uri))
    .sort((a, b) => rank(a.uri) - rank(b.uri))
    .map((document) => ({ uri: document.uri, text: document.getText(), version: document.version }));
  const skip = (other: string) => other === uri || documents.get(other) !== undefined || unwanted(other);
  const viewed = (await deps.viewedFiles?.(skip, VIEWED_FILES_READ)) ?? [];
  const candidates = [...open, ...viewed.map((file) => ({ ...file, sha256: sha256(file.text) }))].filter(
    (candidate) => candidate.text.length <= SEARCHED_CHARS,
  );
  const targets = crossFileTargets(symbols, candidates, CROSS_FILE_LIMIT);
  const asDone = history.fork();
  asDone.endEdit(uri);
  const found: CrossFileEdits[] = [];
  for (const target of targets) {
    // A document opened while the model ran may be a link to a secrets file: its verdict comes before its text.
    await deps.judged();
    const candidate = candidates.find((other) => other.uri === target.uri) as Candidate;
    const current = () => stillCurrent(deps, candidate);
    if (!current()) continue;
    // By the text, not the version: a document closed and opened again starts its versions over.
    const key = JSON.stringify([symbols, target.uri, candidate.sha256 ?? sha256(candidate.text)]);
    let edits = deps.memo.get(key);
    if (edits === undefined) {
      const input = deps.input(target.uri, candidate.text, target.line);
      const mode = { speculative: deps.speculative };
      edits = (await predictNextEdit(deps.engine, asDone, input, deps.settings, signal, mode)).edits;
      remember(deps.memo, key, edits);
    }
    if (edits.length === 0 || !current()) continue;
    const document = documents.get(target.uri) ?? TextDocument.create(target.uri, "", UNOPENED_FILE_VERSION, candidate.text);
    deps.propose(document, edits);
    found.push({ uri: target.uri, version: candidate.version ?? UNOPENED_FILE_VERSION, textSha256: candidate.sha256, edits });
  }
  // An earlier document may have changed while a later one was predicted.
  return found.filter((other) => stillCurrent(deps, candidates.find((candidate) => candidate.uri === other.uri) as Candidate));
}

/**
 * An open document still at the version predicted for; a file read from disk still not open (once open, the editor's
 * version is what counts, and the client checks the text's hash) and neither is a secrets file by now.
 */
function stillCurrent(deps: CrossFileDependencies, candidate: Candidate): boolean {
  if (deps.excluded(candidate.uri)) return false;
  const document = deps.documents.get(candidate.uri);
  return candidate.version === undefined ? document === undefined : document?.version === candidate.version;
}

/** By the path inside its workspace folder, or the whole path for a file outside them. */
function isProtected(uri: string, folders: readonly string[]): boolean {
  const path = uriPath(uri);
  const folder = folders.find((candidate) => path.startsWith(candidate + sep));
  return protectedPath(folder === undefined ? path : relative(folder, path).split(sep).join("/")) !== undefined;
}

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

function remember(memo: Map<string, PredictedEdit[]>, key: string, edits: PredictedEdit[]): void {
  memo.set(key, edits);
  if (memo.size > MEMO_ENTRIES) memo.delete(memo.keys().next().value as string);
}
