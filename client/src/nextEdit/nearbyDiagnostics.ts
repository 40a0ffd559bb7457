/**
 * The errors and warnings VS Code shows near the cursor, from every provider (TypeScript, ESLint, …), for a
 * next-edit request: the server can't ask other extensions for them. Nearest the cursor first, so the server's
 * prompt keeps the ones that matter when it keeps a few.
 */
import * as vscode from "vscode";
import type { Diagnostic } from "vscode-languageclient";
import { NEXT_EDIT_DIAGNOSTIC_LINES, NEXT_EDIT_MAX_DIAGNOSTICS } from "../../../server/src/shared/protocol";

export function nearbyDiagnostics(
  uri: vscode.Uri,
  position: vscode.Position,
  asDiagnostic: (diagnostic: vscode.Diagnostic) => Diagnostic,
): Diagnostic[] {
  const distance = (diagnostic: vscode.Diagnostic) => Math.abs(diagnostic.range.start.line - position.line);
  return vscode.languages
    .getDiagnostics(uri)
    .filter(
      (diagnostic) =>
        (diagnostic.severity === vscode.DiagnosticSeverity.Error || diagnostic.severity === vscode.DiagnosticSeverity.Warning) &&
        distance(diagnostic) <= NEXT_EDIT_DIAGNOSTIC_LINES,
    )
    .sort((a, b) => distance(a) - distance(b))
    .slice(0, NEXT_EDIT_MAX_DIAGNOSTICS)
    .map(asDiagnostic);
}
