/**
 * Next edits in other files: after the user renames a symbol or changes a definition here, the other open documents
 * that use it get a prediction each (core/nextEdit/crossFileTargets.ts picks them), with the edit here counted as
 * done so their prompts show it as history. Bounded (CROSS_FILE_LIMIT documents, in the request's abort), and a
 * document whose version moves while it is predicted gets no edit: never a stale one.
 */
import type { TextDocuments } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { changedSymbols, crossFileTargets } from "../core/nextEdit/crossFileTargets";
import { EDIT_HISTORY_LIMITS, type EditHistory } from "../core/nextEdit/editHistory";
import type { ModelEngine } from "../engine/modelEngine";
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
}

export interface CrossFileEdits {
  uri: string;
  /** The version the edits are for (checked after every prediction). */
  version: number;
  edits: PredictedEdit[];
}

/** Documents longer than this are not searched for uses (a keystroke's budget). */
const SEARCHED_CHARS = 500_000;
const MEMO_ENTRIES = 64;

export async function crossFileEdits(deps: CrossFileDependencies, uri: string, signal: AbortSignal): Promise<CrossFileEdits[]> {
  const { documents, history } = deps;
  const recentEdits = history.recent(EDIT_HISTORY_LIMITS.edits);
  const symbols = changedSymbols(recentEdits.filter((edit) => edit.uri === uri));
  if (symbols.length === 0) return [];
  // Recently edited documents first, then the others in the order they were opened.
  const recent = recentEdits.map((edit) => edit.uri).reverse();
  const rank = (other: string) => (recent.includes(other) ? recent.indexOf(other) : recent.length);
  const others = documents
    .all()
    .filter((document) => document.uri !== uri && !deps.excluded(document.uri) && document.getText().length <= SEARCHED_CHARS)
    .sort((a, b) => rank(a.uri) - rank(b.uri));
  const targets = crossFileTargets(
    symbols,
    others.map((document) => ({ uri: document.uri, text: document.getText() })),
  );
  const asDone = history.fork();
  asDone.endEdit(uri);
  const found: CrossFileEdits[] = [];
  for (const target of targets) {
    // A document opened while the model ran may be a link to a secrets file: its verdict comes before its text.
    await deps.judged();
    const document = documents.get(target.uri);
    if (document === undefined || deps.excluded(target.uri)) continue;
    const version = document.version;
    const key = JSON.stringify([symbols, target.uri, version]);
    let edits = deps.memo.get(key);
    if (edits === undefined) {
      const input = deps.input(target.uri, document.getText(), target.line);
      const mode = { speculative: deps.speculative };
      edits = (await predictNextEdit(deps.engine, asDone, input, deps.settings, signal, mode)).edits;
      remember(deps.memo, key, edits);
    }
    if (edits.length === 0 || documents.get(target.uri)?.version !== version || deps.excluded(target.uri)) continue;
    deps.propose(document, edits);
    found.push({ uri: target.uri, version, edits });
  }
  // An earlier document may have changed while a later one was predicted.
  return found.filter((other) => documents.get(other.uri)?.version === other.version);
}

function remember(memo: Map<string, PredictedEdit[]>, key: string, edits: PredictedEdit[]): void {
  memo.set(key, edits);
  if (memo.size > MEMO_ENTRIES) memo.delete(memo.keys().next().value as string);
}
