/**
 * run_command on the user's machine: asked first in a modal dialog (unless the command is on the allow-list), then
 * run in a VS Code terminal of its own that shows the output as it comes. The terminal is a pseudoterminal driving
 * a child process, so the output and the exit code returned to the agent are exact whatever the user's shell and
 * its integration; a timeout or Stop kills the process.
 */
import { spawn } from "node:child_process";
import * as vscode from "vscode";
import type { RunCommandParams, RunCommandResult } from "../../../server/src/shared/agentProtocol";
import { isAllowedCommand } from "../../../server/src/shared/commandAllowList";
import { readConfig } from "../config";

/** Commands the user allowed for the rest of a chat (exactly these lines), by chat id; forgotten on reload. */
const approvedInChat = new Map<string, Set<string>>();

/** Output kept for the agent (the server cuts it further to the model's budget). */
const MAX_OUTPUT_CHARS = 200_000;

export async function runAgentCommand(params: RunCommandParams, token: vscode.CancellationToken): Promise<RunCommandResult> {
  if (!vscode.workspace.isTrusted) return { approved: false };
  if (!vscode.workspace.workspaceFolders?.some((folder) => folder.uri.fsPath === params.cwd)) return { approved: false };
  const approvedHere = approvedInChat.get(params.chatId);
  if (!isAllowedCommand(params.command, readConfig().agent.allowedCommands) && !approvedHere?.has(params.command)) {
    const choice = await vscode.window.showWarningMessage(
      "Hearth's agent wants to run a command",
      { modal: true, detail: `${params.command}\n\nin ${params.cwd}\n\nOnly run commands you understand.` },
      "Run",
      "Run, and Allow It in This Chat",
    );
    if (!choice || token.isCancellationRequested) return { approved: false };
    if (choice !== "Run") approvedInChat.set(params.chatId, new Set([...(approvedHere ?? []), params.command]));
  }
  return new Promise<RunCommandResult>((resolve) => {
    const written = new vscode.EventEmitter<string>();
    let output = "";
    let finished = false;
    const terminal = vscode.window.createTerminal({
      name: `Hearth: ${params.command.slice(0, 40)}`,
      pty: {
        onDidWrite: written.event,
        open: () => start(),
        close: () => child?.kill(),
      },
    });
    terminal.show(true);
    let child: ReturnType<typeof spawn> | undefined;
    const finish = (result: RunCommandResult) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      subscription.dispose();
      written.fire(`\r\n[${result.timedOut ? "timed out" : `exit code ${result.exitCode}`}]\r\n`);
      resolve(result);
    };
    const timer = setTimeout(() => {
      child?.kill();
      finish({ approved: true, exitCode: undefined, output, timedOut: true });
    }, params.timeoutMs);
    const subscription = token.onCancellationRequested(() => {
      child?.kill();
      finish({ approved: true, exitCode: undefined, output: `${output}\n(stopped by the user)` });
    });
    const start = () => {
      written.fire(`$ ${params.command}\r\n`);
      child = spawn(params.command, { cwd: params.cwd, shell: true, env: { ...process.env, CI: "1" } });
      const take = (chunk: Buffer) => {
        const text = chunk.toString();
        if (output.length < MAX_OUTPUT_CHARS) output += text;
        written.fire(text.replace(/\r?\n/g, "\r\n"));
      };
      child.stdout?.on("data", take);
      child.stderr?.on("data", take);
      child.on("error", (error) => finish({ approved: true, exitCode: 127, output: `${output}${error.message}` }));
      child.on("close", (code) => finish({ approved: true, exitCode: code ?? undefined, output }));
    };
  });
}
