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
import { marksLegend, mcpCallKey, showExactly, visibleInline } from "../../../server/src/shared/approvalText";
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

/**
 * Every MCP tool call is asked first: a server's tools may do anything. The dialog names the real server and tool and
 * shows the arguments exactly; "Allow This Exact Call in This Chat" allows only the same server, tool and arguments
 * (compared canonically) again, as a command is allowed only as the same line. As for commands, the first button
 * refuses, so an Enter meant for the chat input doesn't allow anything.
 */
async function approveMcpTool(params: ApproveToolParams): Promise<{ approved: boolean }> {
  if (!vscode.workspace.isTrusted) return { approved: false };
  const key = mcpCallKey(params.server, params.tool, params.arguments);
  if (callsAllowedInChat.get(params.chatId)?.has(key)) return { approved: true };
  const shown = showExactly(JSON.stringify(params.arguments ?? {}, null, 2));
  const hidden =
    shown.hiddenChars > 0
      ? `\n\nThe arguments are too long to show in full: ${shown.hiddenChars.toLocaleString("en-US")} characters are not shown.`
      : "";
  // A name too long for the title is cut there (marked …) and given in the detail, wrapped.
  const longNames = visibleInline(params.tool).length > NAME_CHARS || visibleInline(params.server).length > NAME_CHARS;
  const names = longNames
    ? `Tool: ${showExactly(params.tool, { maxLines: 8 }).text}\nMCP server: ${showExactly(params.server, { maxLines: 8 }).text}\n\n`
    : "";
  const marks = marksLegend(`${names}${shown.text}${visibleInline(params.tool)}${visibleInline(params.server)}`);
  const legend = marks ? `\n\n${marks}` : "";
  const choice = await vscode.window.showWarningMessage(
    `Hearth's agent wants to call the tool ${visibleInline(params.tool, NAME_CHARS)} of the MCP server ${visibleInline(params.server, NAME_CHARS)}`,
    { modal: true, detail: `${names}Arguments:\n${shown.text}${hidden}${legend}\n\nOnly allow calls you understand.` },
    DONT_ALLOW,
    ALLOW,
    ALLOW_CALL_IN_CHAT,
  );
  if (choice === ALLOW_CALL_IN_CHAT)
    callsAllowedInChat.set(params.chatId, new Set([...(callsAllowedInChat.get(params.chatId) ?? []), key]));
  return { approved: choice === ALLOW || choice === ALLOW_CALL_IN_CHAT };
}

/** The MCP dialog's buttons; the first, which Enter presses, refuses (see agentCommands.ts). */
const DONT_ALLOW = "Don't Allow";
const ALLOW = "Allow";
const ALLOW_CALL_IN_CHAT = "Allow This Exact Call in This Chat";
/** Longest tool or server name the dialog's title shows whole. */
const NAME_CHARS = 80;

/** MCP calls (server, tool and arguments) the user allowed for the rest of a chat, by chat id; forgotten on reload. */
const callsAllowedInChat = new Map<string, Set<string>>();

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
