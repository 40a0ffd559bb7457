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
  /** The prediction's input for a document with the cursor on `line`. */
  input(uri: string, text: string, line: number): PredictionInput;
}

export interface CrossFileEdits {
  document: TextDocument;
  /** The version the edits are for (the one predicted, checked again after). */
  version: number;
  edits: PredictedEdit[];
}

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
    .filter((document) => document.uri !== uri && !deps.excluded(document.uri))
    .sort((a, b) => rank(a.uri) - rank(b.uri));
  const targets = crossFileTargets(
    symbols,
    others.map((document) => ({ uri: document.uri, text: document.getText() })),
  );
  const asDone = history.fork();
  asDone.endEdit(uri);
  const found: CrossFileEdits[] = [];
  for (const target of targets) {
    const document = documents.get(target.uri);
    if (document === undefined) continue;
    const version = document.version;
    const input = deps.input(target.uri, document.getText(), target.line);
    const { edits } = await predictNextEdit(deps.engine, asDone, input, deps.settings, signal);
    if (edits.length > 0 && documents.get(target.uri)?.version === version && !deps.excluded(target.uri))
      found.push({ document, version, edits });
  }
  return found;
}
