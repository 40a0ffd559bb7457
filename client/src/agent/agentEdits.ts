/**
 * The agent's proposed edits, shown the way Fix and Apply are: in the file itself as red and green lines with
 * Accept / Reject (or, with auto save on, and for a new file, in a diff editor), applied only on Accept and then
 * saved, so the commands the agent runs next see them. hearth.agent.autoApplyEdits applies them at once (inside
 * the workspace only; they still show in the turn, and "Undo this turn's edits" takes them back), except to files
 * that can make code run or instruct agents (shared/protectedPaths.ts, judged on the real path): those are always
 * shown in a diff editor, with a notification that names the real file and says why.
 */
import * as vscode from "vscode";
import type { ProposeEditParams, ProposeEditResult } from "../../../server/src/shared/agentProtocol";
import type { ProposalContentProvider } from "../chat/codeBlockActions";
import { readConfig } from "../config";
import { InlineReviews } from "../review/inlineReviews";
import { changedLines } from "./changedLines";
import { type EditTarget, editTarget } from "./editTarget";

export class AgentEdits {
  constructor(
    private readonly reviews: InlineReviews,
    private readonly proposals: ProposalContentProvider,
  ) {}

  async propose(params: ProposeEditParams, token: vscode.CancellationToken): Promise<ProposeEditResult> {
    const uri = vscode.Uri.parse(params.uri);
    if (!vscode.workspace.isTrusted) return { accepted: false, reason: "The workspace is not trusted, so nothing is changed." };
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return { accepted: false, reason: "The file is outside the workspace." };
    const target = await editTarget(uri, folder);
    if (target.refusal !== undefined) return { accepted: false, reason: target.refusal };
    // Never applied unseen: a file that can run code or instruct agents (autoApplyEdits notwithstanding).
    const autoApply = readConfig().agent.autoApplyEdits && !target.protection;
    if (params.before === null) return this.create(uri, params.after, token, target, autoApply);
    const document = await vscode.workspace.openTextDocument(uri);
    const eol = document.eol === vscode.EndOfLine.CRLF ? "\r\n" : "\n";
    if (document.getText() !== params.before)
      return { accepted: false, reason: "The file changed after it was read: read it again, then edit." };
    if (autoApply) return this.applyNow(document, params.after);
    const change = changedLines(params.before.replaceAll("\r\n", "\n"), params.after.replaceAll("\r\n", "\n"));
    if (target.protection || !InlineReviews.inEditor(document)) return this.reviewInDiffEditor(uri, params.after, token, target);
    await vscode.window.showTextDocument(document, { preview: false });
    const review = await this.reviews.open(document, change.first, change.last, { what: "the agent's edit" });
    const cancel = token.onCancellationRequested(() => void review.reject());
    await review.finish(change.lines.join(eol));
    const outcome = await review.outcome;
    cancel.dispose();
    if (outcome !== "accepted")
      return {
        accepted: false,
        reason: outcome === "setAside" ? "The review was set aside (the file was saved or closed)." : undefined,
      };
    await document.save();
    return { accepted: true };
  }

  private async applyNow(document: vscode.TextDocument, after: string): Promise<ProposeEditResult> {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), after);
    if (!(await vscode.workspace.applyEdit(edit)))
      return { accepted: false, reason: "The editor refused the change (read-only?)." };
    await document.save();
    return { accepted: true };
  }

  private async create(
    uri: vscode.Uri,
    text: string,
    token: vscode.CancellationToken,
    target: EditTarget,
    autoApply: boolean,
  ): Promise<ProposeEditResult> {
    if (!autoApply) {
      const answer = await this.reviewInDiffEditor(uri, text, token, target, true);
      if (!answer.accepted) return answer;
    }
    const edit = new vscode.WorkspaceEdit();
    edit.createFile(uri, { contents: new TextEncoder().encode(text), ignoreIfExists: false });
    if (!(await vscode.workspace.applyEdit(edit))) return { accepted: false, reason: "The file could not be created." };
    return { accepted: true };
  }

  /**
   * A diff of the file (empty for a new one) against the proposal, and Accept / Reject as a notification naming the
   * real file, and for a protected one saying why it is asked.
   */
  private async reviewInDiffEditor(
    uri: vscode.Uri,
    after: string,
    token: vscode.CancellationToken,
    target: EditTarget,
    isNew = false,
  ): Promise<ProposeEditResult> {
    const { name, protection } = target;
    const proposal = this.proposals.propose(uri, after);
    const left = isNew ? this.proposals.propose(uri.with({ path: `${uri.path}.empty` }), "") : uri;
    await vscode.commands.executeCommand("vscode.diff", left, proposal, `${name} ↔ Hearth's proposal`, { preview: true });
    const asked = `Hearth's agent wants to ${isNew ? "create" : "change"} ${name}.`;
    const choice = await Promise.race([
      protection
        ? vscode.window.showWarningMessage(`${asked} Edits to it are always reviewed: ${protection.why}.`, "Accept", "Reject")
        : vscode.window.showInformationMessage(asked, "Accept", "Reject"),
      new Promise<undefined>((resolve) => token.onCancellationRequested(() => resolve(undefined))),
    ]);
    this.proposals.forget(proposal);
    if (choice !== "Accept") return { accepted: false };
    if (isNew) return { accepted: true };
    const document = await vscode.workspace.openTextDocument(uri);
    return this.applyNow(document, after);
  }
}
