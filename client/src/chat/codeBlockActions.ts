/**
 * What a code block in a chat reply can do: Copy, Insert at Cursor, and Apply (reviewed first, in the editor or, with
 * auto save on, in a diff editor; nothing stays changed without Accept).
 */
import * as vscode from "vscode";
import { fitReplacement } from "../../../server/src/shared/replacementFit";
import { InlineReviews } from "../review/inlineReviews";

export const PROPOSAL_SCHEME = "hearth-proposal";

/** Serves the proposed text of files for the diff editor. */
export class ProposalContentProvider implements vscode.TextDocumentContentProvider {
  private readonly proposals = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  propose(target: vscode.Uri, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: target.path, query: `${Date.now()}` });
    this.proposals.set(uri.toString(), text);
    this.changed.fire(uri);
    return uri;
  }

  forget(uri: vscode.Uri): void {
    this.proposals.delete(uri.toString());
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.proposals.get(uri.toString()) ?? "";
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export async function insertAtCursor(editor: vscode.TextEditor | undefined, code: string): Promise<void> {
  if (!editor) {
    void vscode.window.showWarningMessage("Hearth: open a file first; the code goes where its cursor is.");
    return;
  }
  await vscode.window.showTextDocument(editor.document, editor.viewColumn);
  const ok = await editor.edit((edit) => edit.replace(editor.selection, code));
  if (!ok) void vscode.window.showErrorMessage("Hearth: the editor did not accept the insertion (is it read-only?).");
}

/**
 * Apply: the code block replaces the selection (or, with nothing selected, the whole file), reviewed in the editor
 * as red and green lines; with auto save on, in a diff editor. A code block has no final line break and small
 * models drop indentation, so it is fitted to what it replaces first.
 */
export async function applyWithReview(
  editor: vscode.TextEditor | undefined,
  code: string,
  proposals: ProposalContentProvider,
  reviews: InlineReviews,
): Promise<void> {
  if (!editor) {
    void vscode.window.showWarningMessage(
      "Hearth: open the file to change first (select the part to replace, or nothing for the whole file).",
    );
    return;
  }
  const document = editor.document;
  const range = editor.selection.isEmpty
    ? new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length))
    : editor.selection;
  const fitted = fitReplacement(document.getText(range), code);
  if (!InlineReviews.inEditor(document)) return applyInDiffEditor(editor, range, fitted, proposals);
  await vscode.window.showTextDocument(document, editor.viewColumn);
  // The review shows whole lines: the proposal keeps what the selection leaves of its first and last lines.
  const first = range.start.line;
  const last = range.end.line;
  const before = document.lineAt(first).text.slice(0, range.start.character);
  const after = document.lineAt(last).text.slice(range.end.character);
  const review = await reviews.open(document, first, last, { what: "the change" });
  await review.finish(before + fitted + after);
}

/** Shows the change as a diff, then applies it only on Accept and only if the document is unchanged since. */
async function applyInDiffEditor(
  editor: vscode.TextEditor,
  range: vscode.Range,
  fitted: string,
  proposals: ProposalContentProvider,
): Promise<void> {
  const document = editor.document;
  const version = document.version;
  const before = document.getText();
  const proposed = before.slice(0, document.offsetAt(range.start)) + fitted + before.slice(document.offsetAt(range.end));
  const proposalUri = proposals.propose(document.uri, proposed);
  const name = vscode.workspace.asRelativePath(document.uri);
  await vscode.commands.executeCommand("vscode.diff", document.uri, proposalUri, `${name} ↔ Hearth's proposal`, {
    preview: true,
  });
  const choice = await vscode.window.showInformationMessage(`Apply Hearth's change to ${name}?`, "Accept", "Reject");
  proposals.forget(proposalUri);
  if (choice !== "Accept") return;
  if (document.version !== version) {
    void vscode.window.showWarningMessage(
      `Hearth: ${name} changed while the proposal was open, so it was not applied. Use Apply again on the current text.`,
    );
    return;
  }
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, range, fitted);
  if (!(await vscode.workspace.applyEdit(edit))) void vscode.window.showErrorMessage(`Hearth: could not change ${name}.`);
}
