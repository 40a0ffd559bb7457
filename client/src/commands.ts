/**
 * The command table: every command Hearth contributes, in one place.
 */
import * as vscode from "vscode";
import { COMMANDS } from "../../server/src/shared/commands";
import type { CodeTargetArguments } from "../../server/src/shared/protocol";
import { explain, fix, fixWithInstruction } from "./actions/explainAndFix";
import type { ChatView } from "./chat/chatView";
import { readConfig, setCompletionEnabled } from "./config";
import type { HearthClient } from "./hearthClient";
import { useHearthInVsCodeChat, userDependencies } from "./lm/vscodeChatSetup";
import { setHuggingFaceToken } from "./models/modelDownloads";
import { selectModel } from "./models/modelPicker";
import type { NextEditController } from "./nextEdit/nextEditController";
import type { SuggestionQuality } from "./quality/suggestionQuality";
import { setRemoteApiKey } from "./remote/remoteEngine";
import type { InlineReviews } from "./review/inlineReviews";
import { generateCommitMessage } from "./scm/commitMessage";
import { backendLabel, showEngineError } from "./statusBar";

export function registerCommands(
  hearth: HearthClient,
  chat: ChatView,
  nextEdits: NextEditController,
  reviews: InlineReviews,
  quality: SuggestionQuality,
  secrets: vscode.SecretStorage,
  globalStorageUri: vscode.Uri,
): vscode.Disposable[] {
  // Each command takes what its callers pass: code actions a CodeTargetArguments, review CodeLenses a document URI.
  const table: Record<(typeof COMMANDS)[keyof typeof COMMANDS], (arg?: never) => unknown> = {
    [COMMANDS.explain]: (args?: CodeTargetArguments) => explain(chat, args),
    [COMMANDS.selectModel]: () => selectModel(hearth, secrets),
    [COMMANDS.setHuggingFaceToken]: () => setHuggingFaceToken(secrets),
    [COMMANDS.setRemoteApiKey]: () => setRemoteApiKey(secrets),
    [COMMANDS.fix]: (args?: CodeTargetArguments) => fix(hearth, reviews, args),
    [COMMANDS.fixWithInstruction]: (args?: CodeTargetArguments) => fixWithInstruction(hearth, reviews, args),
    [COMMANDS.acceptReview]: (uri?: string) => reviews.accept(uri),
    [COMMANDS.rejectReview]: (uri?: string) => reviews.reject(uri),
    [COMMANDS.generateCommitMessage]: (sourceControl?: { rootUri?: vscode.Uri }) => generateCommitMessage(hearth, sourceControl),
    [COMMANDS.toggleInlineCompletions]: async () => {
      const enabled = !readConfig().completion.enabled;
      await setCompletionEnabled(enabled);
      vscode.window.setStatusBarMessage(`Hearth: inline completions ${enabled ? "on" : "off"}`, 3000);
    },
    // Always the real modal: the command takes no arguments, so nothing can write the settings without asking.
    [COMMANDS.useInVsCodeChat]: () => useHearthInVsCodeChat(userDependencies(globalStorageUri)),
    [COMMANDS.restartServer]: () => hearth.restart(),
    [COMMANDS.suggestNextEdit]: () => nextEdits.suggest(),
    [COMMANDS.jumpToOrAcceptNextEdit]: () => nextEdits.jumpOrAccept(),
    [COMMANDS.dismissNextEdit]: () => nextEdits.dismiss(),
    [COMMANDS.showSuggestionRecord]: () => quality.show(),
    [COMMANDS.clearSuggestionRecord]: () => quality.clear(),
    [COMMANDS.showLog]: () => hearth.outputChannel.show(true),
    [COMMANDS.openChat]: () => chat.show(),
    [COMMANDS.addSelectionToChat]: async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || editor.selection.isEmpty) {
        void vscode.window.showInformationMessage("Hearth: select some code first, then add it to the chat.");
        return;
      }
      chat.addSelection(editor);
      await chat.show();
    },
    [COMMANDS.showStatus]: async () => {
      const status = hearth.statusBar.current;
      if (status.state === "error") return showEngineError(status, (s) => void hearth.downloadFor(s));
      const enabled = readConfig().completion.enabled;
      const toggle = enabled ? "Turn Inline Completions Off" : "Turn Inline Completions On";
      const record = "Show Suggestion Record";
      const choice = await vscode.window.showQuickPick([toggle, record, "Restart Language Server", "Show Log", "Open Settings"], {
        title: `Hearth — ${status.state}${status.model ? `: ${status.model}` : ""}${status.backend ? ` on ${backendLabel(status.backend)}` : ""}`,
      });
      if (choice === toggle) await vscode.commands.executeCommand(COMMANDS.toggleInlineCompletions);
      else if (choice === record) await quality.show();
      else if (choice === "Restart Language Server") await hearth.restart();
      else if (choice === "Show Log") hearth.outputChannel.show(true);
      else if (choice === "Open Settings") await vscode.commands.executeCommand("workbench.action.openSettings", "hearth.");
    },
  };
  return Object.entries(table).map(([id, run]) => vscode.commands.registerCommand(id, run));
}
