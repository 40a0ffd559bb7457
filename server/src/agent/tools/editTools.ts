/**
 * edit_file and create_file. An edit is a search/replace block matched exactly, then ignoring whitespace, else
 * refused with the nearest line shown (core/agent/editMatcher.ts). Nothing is written here: the client shows the
 * change and applies it only when the user accepts (or when hearth.agent.autoApplyEdits is on).
 */
import { pathToFileURL } from "node:url";
import { applySearchReplace } from "../../core/agent/editMatcher";
import { ProposeEditRequest } from "../../shared/agentProtocol";
import { type AgentTool, parameters, type ToolContext, type ToolOutput, toolError } from "../tool";
import { readTextFile } from "../workspaceAccess";
import { MAX_READ_BYTES } from "./readTools";

/** The file as the user sees it: an open editor's text (saved or not), else the disk's. */
async function currentText(path: string, context: ToolContext): Promise<string | null | { error: string }> {
  const uri = pathToFileURL(path).toString();
  const open = context.openText(uri);
  if (open !== undefined) return open;
  const file = await readTextFile(path, MAX_READ_BYTES);
  if ("text" in file) return file.text;
  return file.error === "No such file." ? null : { error: file.error };
}

async function propose(
  name: string,
  path: string,
  before: string | null,
  after: string,
  context: ToolContext,
): Promise<ToolOutput> {
  const uri = pathToFileURL(path).toString();
  let answer: { accepted: boolean; reason?: string };
  try {
    answer = await context.connection.sendRequest(
      ProposeEditRequest.type,
      { chatId: context.chatId, uri, before, after },
      context.abort,
    );
  } catch (error) {
    if (context.signal.aborted) throw error;
    return toolError(name, `The editor could not show the edit (${error instanceof Error ? error.message : String(error)}).`);
  }
  if (!answer.accepted)
    return {
      content: `The user rejected this change${answer.reason ? `: ${answer.reason}` : "."} The file is unchanged.`,
      summary: `${name} ${context.workspace.relativeOf(path)}: rejected`,
    };
  context.checkpoint.record(uri, before);
  const lines = after.split("\n").length;
  return {
    content: `Done: ${context.workspace.relativeOf(path)} now has ${lines} lines.`,
    summary: `${name} ${context.workspace.relativeOf(path)}: applied`,
  };
}

export const editFileTool: AgentTool = {
  readOnly: false,
  spec: {
    name: "edit_file",
    description:
      "Change a file: copy the exact lines to change into search (a few whole lines, enough to be unique) and give their new text as replace. Read the file first.",
    parameters: parameters({
      path: { type: "string", description: "Path relative to the workspace folder" },
      search: { type: "string", description: "The exact current lines to replace" },
      replace: { type: "string", description: "The new lines" },
    }),
  },
  async run(args, context) {
    const path = String(args.path);
    const resolved = await context.workspace.resolve(path, "write");
    if (!resolved.ok) return toolError("edit_file", resolved.reason);
    const before = await currentText(resolved.path, context);
    if (before === null) return toolError("edit_file", `${path} does not exist: use create_file for a new file.`);
    if (typeof before !== "string") return toolError("edit_file", `${path}: ${before.error}`);
    // Files keep their line endings: the model writes \n.
    const crlf = before.includes("\r\n");
    const match = applySearchReplace(
      before.replaceAll("\r\n", "\n"),
      String(args.search).replaceAll("\r\n", "\n"),
      String(args.replace),
    );
    if (!match.ok) {
      const nearest = match.nearest ? ` The nearest line is ${match.nearest.line}: ${match.nearest.text.trim()}` : "";
      return toolError("edit_file", `${match.reason}${nearest}`);
    }
    return propose("edit_file", resolved.path, before, crlf ? match.text.replaceAll("\n", "\r\n") : match.text, context);
  },
};

export const createFileTool: AgentTool = {
  readOnly: false,
  spec: {
    name: "create_file",
    description: "Create a new file with the given content. Fails if the file exists: use edit_file for that.",
    parameters: parameters({
      path: { type: "string", description: "Path relative to the workspace folder" },
      content: { type: "string", description: "The whole text of the new file" },
    }),
  },
  async run(args, context) {
    const path = String(args.path);
    const resolved = await context.workspace.resolve(path, "write");
    if (!resolved.ok) return toolError("create_file", resolved.reason);
    const before = await currentText(resolved.path, context);
    if (before !== null) return toolError("create_file", `${path} exists already: use edit_file to change it.`);
    return propose("create_file", resolved.path, null, String(args.content), context);
  },
};
