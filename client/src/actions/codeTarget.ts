/**
 * What "Explain This" and "Fix This" act on: the selection, else the diagnostic under the cursor, else the
 * enclosing block.
 */
import * as vscode from "vscode";
import { enclosingBlock } from "./enclosingBlock";

export interface EditorTarget {
  document: vscode.TextDocument;
  range: vscode.Range;
  diagnostic?: string;
}

export function targetAtCursor(editor: vscode.TextEditor): EditorTarget {
  const { document, selection } = editor;
  if (!selection.isEmpty) return { document, range: selection };
  const diagnostic = vscode.languages
    .getDiagnostics(document.uri)
    .filter((d) => d.range.contains(selection.active) || d.range.start.line === selection.active.line)
    .sort((a, b) => a.severity - b.severity)[0];
  if (diagnostic) return { document, range: diagnostic.range, diagnostic: diagnostic.message };
  const lines = document.getText().split(/\r?\n/);
  const block = enclosingBlock(lines, selection.active.line);
  return { document, range: new vscode.Range(block.start, 0, block.end, lines[block.end]?.length ?? 0) };
}
