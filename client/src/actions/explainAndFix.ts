/**
 * The Explain and Fix commands: from the command palette, the editor's context menu, or a code action.
 * Explain streams into the chat view; Fix asks the server for a reviewable edit and hands it to VS Code, which shows
 * it for confirmation (the edit is annotated `needsConfirmation`) before anything changes.
 */
import * as vscode from "vscode";
import { explainMessage } from "../../../server/src/shared/codePrompts";
import { describeError, HearthErrorCodes, readResponseError } from "../../../server/src/shared/errors";
import { type CodeTargetArguments, FixRequest } from "../../../server/src/shared/protocol";
import type { ChatView } from "../chat/chatView";
import type { HearthClient } from "../hearthClient";
import { type EditorTarget, targetAtCursor } from "./codeTarget";

async function resolveTarget(args: CodeTargetArguments | undefined): Promise<EditorTarget | undefined> {
  if (args) {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri));
    const { start, end } = args.range;
    return {
      document,
      range: new vscode.Range(start.line, start.character, end.line, end.character),
      diagnostic: args.diagnostic,
    };
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage("Hearth: open a file and put the cursor in the code first.");
    return undefined;
  }
  return targetAtCursor(editor);
}

export async function explain(chat: ChatView, args?: CodeTargetArguments): Promise<void> {
  const target = await resolveTarget(args);
  if (!target) return;
  const { document, range } = target;
  const whole = new vscode.Range(range.start.line, 0, range.end.line, document.lineAt(range.end.line).text.length);
  const message = explainMessage({
    path: vscode.workspace.asRelativePath(document.uri),
    languageId: document.languageId,
    code: document.getText(whole),
    firstLine: whole.start.line + 1,
    lastLine: whole.end.line + 1,
    before: "",
    after: "",
    diagnostic: target.diagnostic,
  });
  await chat.ask(message.content, message.context);
}

export async function fix(hearth: HearthClient, args?: CodeTargetArguments, instruction?: string): Promise<void> {
  const client = hearth.languageClient;
  const target = await resolveTarget(args);
  if (!target || !client) return;
  const { document, range, diagnostic } = target;
  const params = {
    uri: document.uri.toString(),
    version: document.version,
    range: client.code2ProtocolConverter.asRange(range),
    diagnostic,
    instruction,
  };
  try {
    const edit = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: "Hearth is writing a fix…", cancellable: true },
      (_progress, token) => client.sendRequest(FixRequest.type, params, token),
    );
    if (!edit) return;
    // The change is annotated needsConfirmation, so VS Code shows it for review; nothing changes until Accept.
    await vscode.workspace.applyEdit(await client.protocol2CodeConverter.asWorkspaceEdit(edit), { isRefactoring: true });
  } catch (error) {
    const failure = readResponseError(error);
    if (failure.code === HearthErrorCodes.staleDocument) {
      const again = await vscode.window.showWarningMessage(`Hearth: ${failure.message}`, "Fix Again");
      if (again) await fix(hearth, undefined, instruction);
      return;
    }
    if (failure.code === HearthErrorCodes.cancelled) return; // cancelled by the user
    const choice = await vscode.window.showErrorMessage(
      `Hearth: ${describeError(failure)}`,
      ...(failure.setting ? ["Open Setting"] : []),
    );
    if (choice === "Open Setting" && failure.setting)
      await vscode.commands.executeCommand("workbench.action.openSettings", failure.setting);
  }
}

export async function fixWithInstruction(hearth: HearthClient, args?: CodeTargetArguments): Promise<void> {
  const instruction = await vscode.window.showInputBox({
    title: "Fix with Hearth",
    prompt: "What should change in the selected code?",
    placeHolder: "e.g. handle the empty list; use async/await",
  });
  if (instruction?.trim()) await fix(hearth, args, instruction.trim());
}
