/**
 * Next edits without a next-edit model, for editors that only ask for next edits: the completion model's ghost
 * text, as an insertion at the cursor (the same path as inline completions).
 */
import type { TextDocuments } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { shouldSuggestAutomatically, windowAtCursor } from "../core/documentWindow";
import type { CrossFileContext } from "../core/fimInput";
import { codeAround, suggestFor } from "../engine/fimSuggestion";
import type { ModelEngine } from "../engine/modelEngine";
import type { InlineEdit, InlineEditParams } from "../shared/protocol";
import type { HearthSettings } from "../shared/settings";

export async function insertionAtCursor(
  deps: { documents: TextDocuments<TextDocument>; engine: ModelEngine; context: CrossFileContext },
  settings: HearthSettings["completion"],
  document: TextDocument,
  params: InlineEditParams,
  signal: AbortSignal,
): Promise<InlineEdit[]> {
  const cut = windowAtCursor((range) => document.getText(range), params.position, settings);
  if (cut === undefined || !shouldSuggestAutomatically(cut.window.lineSuffix)) return [];
  const context = deps.context.contextFor(document.uri, codeAround(cut.window));
  const { text } = await suggestFor(deps.engine, cut.window, settings, signal, { context });
  if (text === undefined || deps.documents.get(document.uri)?.version !== params.textDocument.version) return [];
  const at = params.position;
  return [{ range: { start: at, end: at }, text, textDocument: params.textDocument }];
}
