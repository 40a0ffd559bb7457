/**
 * run_command: the client asks the user first (unless the command is on their allow-list), runs it in a terminal
 * and gives back the output and exit code; the server only cuts the output to a budget for the model.
 */
import { cutToBudget } from "../../core/agent/toolBudget";
import { RunCommandRequest, type RunCommandResult } from "../../shared/agentProtocol";
import { type AgentTool, parameters, toolError } from "../tool";

export const runCommandTool: AgentTool = {
  readOnly: false,
  spec: {
    name: "run_command",
    description:
      "Run a shell command in the workspace folder (the user approves it first), e.g. npm test. You get its output and exit code.",
    parameters: parameters({ command: { type: "string", description: "The command line to run" } }),
  },
  async run(args, context) {
    const command = String(args.command).trim();
    if (command === "") return toolError("run_command", "The command is empty.");
    const cwd = context.workspace.roots[0];
    if (!cwd) return toolError("run_command", "No folder is open to run it in.");
    const timeoutSeconds = context.settings.agent.commandTimeoutSeconds;
    let result: RunCommandResult;
    try {
      result = await context.connection.sendRequest(
        RunCommandRequest.type,
        { chatId: context.chatId, command, cwd, timeoutMs: timeoutSeconds * 1000 },
        context.abort,
      );
    } catch (error) {
      if (context.signal.aborted) throw error;
      return toolError("run_command", `The editor could not run it (${error instanceof Error ? error.message : String(error)}).`);
    }
    if (!result.approved)
      return { content: "The user declined to run this command. Nothing ran.", summary: `run_command ${command}: declined` };
    const status = result.timedOut
      ? `timed out after ${timeoutSeconds} s (hearth.agent.commandTimeoutSeconds)`
      : `exit code ${result.exitCode ?? "unknown"}`;
    return {
      content: cutToBudget(`$ ${command}\n${status}\n${result.output ?? ""}`),
      summary: `run_command ${command}: ${status}`,
    };
  },
};
