/**
 * run_command on the user's machine: asked first in a modal dialog (unless the command is on the allow-list), then
 * run in a VS Code terminal of its own that shows the output as it comes. The terminal is a pseudoterminal driving
 * a child process (commandProcess.ts), so the output and the exit code returned to the agent are exact whatever the
 * user's shell and its integration; a timeout, Stop or closing the terminal ends the process and all it started.
 */
import * as vscode from "vscode";
import type { RunCommandParams, RunCommandResult } from "../../../server/src/shared/agentProtocol";
import { marksLegend, NEWLINE_MARK, showExactly, visibleInline } from "../../../server/src/shared/approvalText";
import { isAllowedCommand } from "../../../server/src/shared/commandAllowList";
import { readConfig } from "../config";
import { type CommandProcess, startCommand } from "./commandProcess";

/** Commands the user allowed for the rest of a chat (exactly these lines), by chat id; forgotten on reload. */
const approvedInChat = new Map<string, Set<string>>();

/** Output kept for the agent (the server cuts it further to the model's budget). */
const MAX_OUTPUT_CHARS = 200_000;

/**
 * The dialog's buttons. The first is the one Enter presses (VS Code focuses it: base/browser/ui/dialog/dialog.ts),
 * so it refuses: an Enter meant for the chat input as the dialog opens must not run anything. It can't be the close
 * affordance, which VS Code moves to the cancel position and so would make "Run" the first.
 */
const DONT_RUN = "Don't Run";
const RUN = "Run";
const RUN_IN_CHAT = "Run, and Allow It in This Chat";

export async function runAgentCommand(params: RunCommandParams, token: vscode.CancellationToken): Promise<RunCommandResult> {
  if (!vscode.workspace.isTrusted) return { approved: false };
  if (!vscode.workspace.workspaceFolders?.some((folder) => folder.uri.fsPath === params.cwd)) return { approved: false };
  const approvedHere = approvedInChat.get(params.chatId);
  if (!isAllowedCommand(params.command, readConfig().agent.allowedCommands) && !approvedHere?.has(params.command)) {
    const choice = await vscode.window.showWarningMessage(
      "Hearth's agent wants to run a command",
      { modal: true, detail: commandDetail(params) },
      DONT_RUN,
      RUN,
      RUN_IN_CHAT,
    );
    if ((choice !== RUN && choice !== RUN_IN_CHAT) || token.isCancellationRequested) return { approved: false };
    if (choice === RUN_IN_CHAT) approvedInChat.set(params.chatId, new Set([...(approvedHere ?? []), params.command]));
  }
  return runInTerminal(params, token);
}

/** The command exactly (invisible characters named, wrapped), where it runs, and what is not shown if it is long. */
function commandDetail(params: RunCommandParams): string {
  const shown = showExactly(params.command);
  const hidden =
    shown.hiddenChars > 0
      ? `\n\nThis command is too long to show in full: ${shown.hiddenChars.toLocaleString("en-US")} of its ` +
        `${params.command.length.toLocaleString("en-US")} characters are not shown. Don't run it unless you know what all of it does.`
      : "";
  const legend = marksLegend(`${shown.text}${visibleInline(params.cwd)}`);
  const marks = legend ? `\n\n${legend}` : "";
  return `${shown.text}\n\nin ${visibleInline(params.cwd)}${hidden}${marks}\n\nOnly run commands you understand.`;
}

function runInTerminal(params: RunCommandParams, token: vscode.CancellationToken): Promise<RunCommandResult> {
  return new Promise<RunCommandResult>((resolve) => {
    const written = new vscode.EventEmitter<string>();
    let output = "";
    let finished = false;
    let running: CommandProcess | undefined;
    const terminal = vscode.window.createTerminal({
      name: `Hearth: ${visibleInline(params.command, 40)}`,
      pty: {
        onDidWrite: written.event,
        open: () => start(),
        close: () => running?.killTree(),
      },
    });
    terminal.show(true);
    const finish = (result: RunCommandResult) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      subscription.dispose();
      written.fire(`\r\n[${result.timedOut ? "timed out" : `exit code ${result.exitCode}`}]\r\n`);
      resolve(result);
    };
    const timer = setTimeout(() => {
      running?.killTree();
      finish({ approved: true, exitCode: undefined, output, timedOut: true });
    }, params.timeoutMs);
    const subscription = token.onCancellationRequested(() => {
      running?.killTree();
      finish({ approved: true, exitCode: undefined, output: `${output}\n(stopped by the user)` });
    });
    const start = () => {
      // Stopped or timed out before the terminal opened: nothing may start any more.
      if (finished) return;
      // The command as text, not as the terminal's escape sequences: what it shows is what runs.
      written.fire(
        `$ ${params.command
          .split("\n")
          .map((line) => visibleInline(line))
          .join(`${NEWLINE_MARK}\r\n`)}\r\n`,
      );
      running = startCommand(params.command, {
        cwd: params.cwd,
        env: { ...process.env, CI: "1" },
        onOutput: (text) => {
          if (output.length < MAX_OUTPUT_CHARS) output += text;
          written.fire(text.replace(/\r?\n/g, "\r\n"));
        },
      });
      void running.exited.then((exit) =>
        finish(
          exit.error !== undefined
            ? { approved: true, exitCode: 127, output: `${output}${exit.error}` }
            : { approved: true, exitCode: exit.exitCode, output },
        ),
      );
    };
  });
}
