/**
 * The agent's proposed edits, shown the way Fix and Apply are: in the file itself as red and green lines with
 * Accept / Reject (or, with auto save on, and for a new file, in a diff editor), applied only on Accept and then
 * saved, so the commands the agent runs next see them. hearth.agent.autoApplyEdits applies them at once (inside
 * the workspace only; they still show in the turn, and "Undo this turn's edits" takes them back).
 */
import * as vscode from "vscode";
import type { ProposeEditParams, ProposeEditResult } from "../../../server/src/shared/agentProtocol";
import type { ProposalContentProvider } from "../chat/codeBlockActions";
import { readConfig } from "../config";
import { InlineReviews } from "../review/inlineReviews";
import { changedLines } from "./changedLines";

export class AgentEdits {
  constructor(
    private readonly reviews: InlineReviews,
    private readonly proposals: ProposalContentProvider,
  ) {}

  async propose(params: ProposeEditParams, token: vscode.CancellationToken): Promise<ProposeEditResult> {
    const uri = vscode.Uri.parse(params.uri);
    if (!vscode.workspace.isTrusted) return { accepted: false, reason: "The workspace is not trusted, so nothing is changed." };
    if (!vscode.workspace.getWorkspaceFolder(uri)) return { accepted: false, reason: "The file is outside the workspace." };
    if (params.before === null) return this.create(uri, params.after, token);
    const document = await vscode.workspace.openTextDocument(uri);
    const eol = document.eol === vscode.EndOfLine.CRLF ? "\r\n" : "\n";
    if (document.getText() !== params.before)
      return { accepted: false, reason: "The file changed after it was read: read it again, then edit." };
    if (readConfig().agent.autoApplyEdits) return this.applyNow(document, params.after);
    const change = changedLines(params.before.replaceAll("\r\n", "\n"), params.after.replaceAll("\r\n", "\n"));
    if (!InlineReviews.inEditor(document)) return this.reviewInDiffEditor(uri, params.after, token);
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

  private async create(uri: vscode.Uri, text: string, token: vscode.CancellationToken): Promise<ProposeEditResult> {
    if (!readConfig().agent.autoApplyEdits) {
      const answer = await this.reviewInDiffEditor(uri, text, token, true);
      if (!answer.accepted) return answer;
    }
    const edit = new vscode.WorkspaceEdit();
    edit.createFile(uri, { contents: new TextEncoder().encode(text), ignoreIfExists: false });
    if (!(await vscode.workspace.applyEdit(edit))) return { accepted: false, reason: "The file could not be created." };
    return { accepted: true };
  }

  /** A diff of the file (empty for a new one) against the proposal, and Accept / Reject as a notification. */
  private async reviewInDiffEditor(
    uri: vscode.Uri,
    after: string,
    token: vscode.CancellationToken,
    isNew = false,
  ): Promise<ProposeEditResult> {
    const name = vscode.workspace.asRelativePath(uri);
    const proposal = this.proposals.propose(uri, after);
    const left = isNew ? this.proposals.propose(uri.with({ path: `${uri.path}.empty` }), "") : uri;
    await vscode.commands.executeCommand("vscode.diff", left, proposal, `${name} ↔ Hearth's proposal`, { preview: true });
    const choice = await Promise.race([
      vscode.window.showInformationMessage(`Hearth's agent wants to ${isNew ? "create" : "change"} ${name}.`, "Accept", "Reject"),
      new Promise<undefined>((resolve) => token.onCancellationRequested(() => resolve(undefined))),
    ]);
    this.proposals.forget(proposal);
    if (choice !== "Accept") return { accepted: false };
    if (isNew) return { accepted: true };
    const document = await vscode.workspace.openTextDocument(uri);
    return this.applyNow(document, after);
  }
}
