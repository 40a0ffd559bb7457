/**
 * The client's side of agent mode: it answers the server's requests to propose an edit, run a command and ask
 * VS Code's language providers (shared/agentProtocol.ts), and undoes a turn's edits from its checkpoint.
 */
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import {
  type ApproveToolParams,
  ApproveToolRequest,
  LanguageQueryRequest,
  ProposeEditRequest,
  RunCommandRequest,
} from "../../../server/src/shared/agentProtocol";
import { runAgentCommand } from "./agentCommands";
import type { AgentEdits } from "./agentEdits";
import { answerLanguageQuery } from "./languageQueries";

export function serveAgent(client: LanguageClient, edits: AgentEdits): vscode.Disposable[] {
  return [
    client.onRequest(ProposeEditRequest.type, (params, token) => edits.propose(params, token)),
    client.onRequest(RunCommandRequest.type, (params, token) => runAgentCommand(params, token)),
    client.onRequest(LanguageQueryRequest.type, (params) => answerLanguageQuery(params)),
    client.onRequest(ApproveToolRequest.type, (params) => approveMcpTool(params)),
  ];
}

/** Every MCP tool call is asked first: a server's tools may do anything. */
async function approveMcpTool(params: ApproveToolParams): Promise<{ approved: boolean }> {
  if (!vscode.workspace.isTrusted) return { approved: false };
  const key = `${params.server}/${params.tool}`;
  if (toolsAllowedInChat.get(params.chatId)?.has(key)) return { approved: true };
  const choice = await vscode.window.showWarningMessage(
    `Hearth's agent wants to use ${params.tool} from the MCP server ${params.server}`,
    { modal: true, detail: `Arguments:\n${JSON.stringify(params.arguments, null, 2)}` },
    "Allow",
    "Allow This Tool in This Chat",
  );
  if (choice === "Allow This Tool in This Chat")
    toolsAllowedInChat.set(params.chatId, new Set([...(toolsAllowedInChat.get(params.chatId) ?? []), key]));
  return { approved: choice !== undefined };
}

/** MCP tools the user allowed for the rest of a chat, by chat id; forgotten on reload. */
const toolsAllowedInChat = new Map<string, Set<string>>();

/** Puts every file an agent turn changed back as it was before the turn (a file it created is deleted). */
export async function undoTurnEdits(checkpoint: ReadonlyArray<{ uri: string; before: string | null }>): Promise<boolean> {
  const names = checkpoint.map((entry) => vscode.workspace.asRelativePath(vscode.Uri.parse(entry.uri)));
  const choice = await vscode.window.showWarningMessage(
    `Undo this turn's edits to ${names.join(", ")}?`,
    { modal: true, detail: "Each file gets back the text it had before the turn; a file the turn created is deleted." },
    "Undo Edits",
  );
  if (choice !== "Undo Edits") return false;
  const edit = new vscode.WorkspaceEdit();
  const restored: vscode.Uri[] = [];
  for (const entry of checkpoint) {
    const uri = vscode.Uri.parse(entry.uri);
    if (entry.before === null) {
      edit.deleteFile(uri, { ignoreIfNotExists: true });
      continue;
    }
    const document = await vscode.workspace.openTextDocument(uri);
    edit.replace(uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), entry.before);
    restored.push(uri);
  }
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage("Hearth: the editor refused to restore the files (read-only?).");
    return false;
  }
  for (const uri of restored) await (await vscode.workspace.openTextDocument(uri)).save();
  return true;
}
