/**
 * The agent's symbols / definition / references / diagnostics tools, answered with VS Code's own providers, as
 * short text lines with workspace-relative paths (what a small model can read).
 */
import * as vscode from "vscode";
import type { LanguageQueryParams } from "../../../server/src/shared/agentProtocol";

const where = (location: vscode.Location) => `${vscode.workspace.asRelativePath(location.uri)}:${location.range.start.line + 1}`;

function symbolLines(symbols: readonly vscode.DocumentSymbol[], depth = 0): string[] {
  return symbols.flatMap((symbol) => [
    `${"  ".repeat(depth)}${vscode.SymbolKind[symbol.kind].toLowerCase()} ${symbol.name} (line ${symbol.range.start.line + 1})`,
    ...symbolLines(symbol.children ?? [], depth + 1),
  ]);
}

export async function answerLanguageQuery(params: LanguageQueryParams): Promise<{ text: string }> {
  const uri = vscode.Uri.parse(params.uri);
  if (!vscode.workspace.getWorkspaceFolder(uri)) return { text: "That file is outside the workspace." };
  await vscode.workspace.openTextDocument(uri);
  const position = params.position && new vscode.Position(params.position.line, params.position.character);
  switch (params.kind) {
    case "symbols": {
      const symbols =
        (await vscode.commands.executeCommand<vscode.DocumentSymbol[]>("vscode.executeDocumentSymbolProvider", uri)) ?? [];
      return { text: symbols.length ? symbolLines(symbols).join("\n") : "No symbols (no language support for this file?)." };
    }
    case "definition":
    case "references": {
      if (!position) return { text: "A position is needed." };
      const command = params.kind === "definition" ? "vscode.executeDefinitionProvider" : "vscode.executeReferenceProvider";
      const found =
        (await vscode.commands.executeCommand<Array<vscode.Location | vscode.LocationLink>>(command, uri, position)) ?? [];
      const locations = found.map((item) => ("targetUri" in item ? new vscode.Location(item.targetUri, item.targetRange) : item));
      const inside = locations.filter((location) => vscode.workspace.getWorkspaceFolder(location.uri));
      return { text: inside.length ? inside.map(where).join("\n") : `No ${params.kind} found.` };
    }
    case "diagnostics": {
      const diagnostics = vscode.languages.getDiagnostics(uri);
      return {
        text: diagnostics.length
          ? diagnostics
              .map((d) => `line ${d.range.start.line + 1}: ${vscode.DiagnosticSeverity[d.severity].toLowerCase()}: ${d.message}`)
              .join("\n")
          : "No errors or warnings.",
      };
    }
  }
}
