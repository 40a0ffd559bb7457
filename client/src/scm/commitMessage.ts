/**
 * Hearth: Generate Commit Message, from the Source Control view's title bar: the staged diff (or, with nothing
 * staged, all changes) through VS Code's git extension, written by the chat model into the commit message box.
 */
import * as vscode from "vscode";
import { ChatSendRequest } from "../../../server/src/shared/chatProtocol";
import { type CommitDiff, cleanCommitMessage, commitDiff, commitMessagePrompt } from "../../../server/src/shared/commitMessage";
import { describeError, readResponseError } from "../../../server/src/shared/errors";
import { readConfig } from "../config";
import type { HearthClient } from "../hearthClient";

/** The part of the git extension's API this uses (its types are not published as a package). */
interface GitRepository {
  rootUri: vscode.Uri;
  inputBox: { value: string };
  diff(cached?: boolean): Promise<string>;
}
interface GitApi {
  repositories: GitRepository[];
}

interface GitApiWithEvents extends GitApi {
  onDidOpenRepository(listener: () => void): vscode.Disposable;
}

/** The git extension's repositories, waiting a little for the first to open (right after the window starts). */
async function gitRepositories(): Promise<GitRepository[]> {
  const git = vscode.extensions.getExtension<{ getAPI(version: 1): GitApiWithEvents }>("vscode.git");
  if (!git) return [];
  const api = (git.isActive ? git.exports : await git.activate()).getAPI(1);
  if (api.repositories.length > 0) return api.repositories;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, 5000);
    const listener = api.onDidOpenRepository(done);
    function done() {
      clearTimeout(timer);
      listener.dispose();
      resolve();
    }
  });
  return api.repositories;
}

let requests = 0;

/** What the described diff lacks and why: secrets files, and sections whose file names could not be read. */
function leftOutMessage(change: CommitDiff): string | undefined {
  const parts: string[] = [];
  if (change.secretFiles.length > 0)
    parts.push(`Hearth left ${change.secretFiles.join(", ")} out of the diff it described (secrets files never go to a model).`);
  if (change.unreadableSections > 0)
    parts.push(
      `Hearth left ${change.unreadableSections} changed file(s) out because it could not read their names from the diff, ` +
        "so it could not tell whether they are secrets files; write that part of the message yourself.",
    );
  return parts.length > 0 ? parts.join(" ") : undefined;
}

export async function generateCommitMessage(hearth: HearthClient, sourceControl?: { rootUri?: vscode.Uri }): Promise<void> {
  const client = hearth.languageClient;
  const repositories = await gitRepositories();
  const repository =
    repositories.find((candidate) => candidate.rootUri.toString() === sourceControl?.rootUri?.toString()) ?? repositories[0];
  if (!client || !repository) {
    void vscode.window.showInformationMessage("Hearth: open a folder with a git repository first.");
    return;
  }
  const staged = await repository.diff(true);
  const diff = staged.trim() !== "" ? staged : await repository.diff(false);
  if (diff.trim() === "") {
    void vscode.window.showInformationMessage("Hearth: there are no changes to describe.");
    return;
  }
  const change = commitDiff(diff, readConfig().privacy.excludedFiles);
  if (change.diff === "") {
    void vscode.window.showWarningMessage(
      `Hearth: nothing in this change can go to a model. ${leftOutMessage(change) ?? ""}`.trim(),
    );
    return;
  }
  try {
    const reply = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.SourceControl, title: "Hearth is writing a commit message…", cancellable: true },
      (_progress, token) =>
        client.sendRequest(
          ChatSendRequest.type,
          {
            chatId: `commit-message-${++requests}`,
            messages: [{ role: "user", content: commitMessagePrompt(change) }],
            context: [],
          },
          token,
        ),
    );
    if (reply.stopReason === "aborted") return;
    repository.inputBox.value = cleanCommitMessage(reply.answer);
    const leftOut = leftOutMessage(change);
    if (leftOut) void vscode.window.showInformationMessage(leftOut);
  } catch (error) {
    void vscode.window.showErrorMessage(`Hearth: ${describeError(readResponseError(error))}`);
  }
}
