/**
 * The Explain and Fix commands: from the command palette, the editor's context menu, or a code action.
 * Explain streams into the chat view; Fix streams the server's fix into the editor as red and green lines, for
 * Accept or Reject there (review/), or, with auto save on, hands the edit to VS Code's refactor preview.
 */
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { explainMessage } from "../../../server/src/shared/codePrompts";
import { describeError, HearthErrorCodes, readResponseError } from "../../../server/src/shared/errors";
import { type CodeTargetArguments, type FixParams, FixProgressType, FixRequest } from "../../../server/src/shared/protocol";
import type { ChatView } from "../chat/chatView";
import type { HearthClient } from "../hearthClient";
import { InlineReviews } from "../review/inlineReviews";
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

export async function fix(
  hearth: HearthClient,
  reviews: InlineReviews,
  args?: CodeTargetArguments,
  instruction?: string,
): Promise<void> {
  const client = hearth.languageClient;
  const target = await resolveTarget(args);
  if (!target || !client) return;
  const { document, range, diagnostic } = target;
  const params: FixParams = {
    uri: document.uri.toString(),
    version: document.version,
    range: client.code2ProtocolConverter.asRange(range),
    diagnostic,
    instruction,
  };
  const again = () => fix(hearth, reviews, { uri: params.uri, range: params.range, diagnostic }, instruction);
  try {
    if (InlineReviews.inEditor(document)) await fixInEditor(client, reviews, document, params, again);
    else await fixInPreview(client, params);
  } catch (error) {
    const failure = readResponseError(error);
    if (failure.code === HearthErrorCodes.staleDocument) {
      const choice = await vscode.window.showWarningMessage(`Hearth: ${failure.message}`, "Fix Again");
      if (choice) await again();
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

let fixes = 0;

/** Streams the fix into the editor as red and green lines, for Accept or Reject there. */
async function fixInEditor(
  client: LanguageClient,
  reviews: InlineReviews,
  document: vscode.TextDocument,
  params: FixParams,
  again: () => unknown,
): Promise<void> {
  // The server fixes whole lines: the same ones.
  const { start, end } = params.range;
  const last = end.character === 0 && end.line > start.line ? end.line - 1 : end.line;
  const review = await reviews.open(document, start.line, last, { what: "the fix", again });
  const token = `hearth.fix.${++fixes}`;
  const progress = client.onProgress(FixProgressType, token, (sofar) => void review.stream(sofar.replacement));
  try {
    const edit = await client.sendRequest(FixRequest.type, { ...params, partialResultToken: token }, review.cancellation.token);
    const change = edit.documentChanges?.[0];
    const first = change && "edits" in change ? change.edits[0] : undefined;
    const replacement = first && "newText" in first ? first.newText : undefined;
    if (replacement === undefined) throw new Error("The server's fix had no edit.");
    await review.finish(replacement);
  } catch (error) {
    // Cancelled from the review (Cancel, or the user's typing): the review has already taken its lines out.
    if (review.state === "ended") return;
    await review.reject();
    throw error;
  } finally {
    progress.dispose();
  }
}

/** With auto save on, the fix is reviewed in VS Code's refactor preview, which leaves the file alone until Apply. */
async function fixInPreview(client: LanguageClient, params: FixParams): Promise<void> {
  const edit = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "Hearth is writing a fix…", cancellable: true },
    (_progress, token) => client.sendRequest(FixRequest.type, params, token),
  );
  if (!edit) return;
  // The change is annotated needsConfirmation, so VS Code shows it for review; nothing changes until Accept.
  await vscode.workspace.applyEdit(await client.protocol2CodeConverter.asWorkspaceEdit(edit), { isRefactoring: true });
}

export async function fixWithInstruction(
  hearth: HearthClient,
  reviews: InlineReviews,
  args?: CodeTargetArguments,
): Promise<void> {
  const instruction = await vscode.window.showInputBox({
    title: "Fix with Hearth",
    prompt: "What should change in the selected code?",
    placeHolder: "e.g. handle the empty list; use async/await",
  });
  if (instruction?.trim()) await fix(hearth, reviews, args, instruction.trim());
}
