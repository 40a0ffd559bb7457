/**
 * symbols, definition, references and diagnostics through VS Code's own language providers: the client answers
 * for the server, so every language VS Code understands helps the agent. An editor without the handler gets a
 * plain refusal the model can read.
 */
import { pathToFileURL } from "node:url";
import { cutToBudget } from "../../core/agent/toolBudget";
import { type LanguageQueryParams, LanguageQueryRequest } from "../../shared/agentProtocol";
import { type AgentTool, parameters, type ToolContext, toolError } from "../tool";
import { readTextFile } from "../workspaceAccess";
import { MAX_READ_BYTES } from "./readTools";

/** A file's text from disk, or "" when it can't be read as text (regular files only: a named pipe never answers). */
async function diskText(path: string): Promise<string> {
  const file = await readTextFile(path, MAX_READ_BYTES);
  return "text" in file ? file.text : "";
}

async function ask(
  name: string,
  kind: LanguageQueryParams["kind"],
  args: Record<string, unknown>,
  context: ToolContext,
): Promise<{ text: string } | { error: string }> {
  const path = String(args.path);
  const resolved = await context.workspace.resolve(path);
  if (!resolved.ok) return { error: resolved.reason };
  const uri = pathToFileURL(resolved.path).toString();
  let position: LanguageQueryParams["position"];
  if (args.line !== undefined) {
    // The model names the symbol and its line; the column is found here, since small models can't count columns.
    const lines = (context.openText(uri) ?? (await diskText(resolved.path))).split("\n");
    const line = Number(args.line) - 1;
    const character = lines[line]?.indexOf(String(args.symbol)) ?? -1;
    if (character < 0) return { error: `${args.symbol} is not on line ${args.line} of ${path}.` };
    position = { line, character };
  }
  try {
    return await context.connection.sendRequest(LanguageQueryRequest.type, { kind, uri, position }, context.abort);
  } catch (error) {
    if (context.signal.aborted) throw error;
    return { error: `The editor could not answer ${name} (${error instanceof Error ? error.message : String(error)}).` };
  }
}

function languageTool(name: string, kind: LanguageQueryParams["kind"], description: string, atSymbol: boolean): AgentTool {
  const properties: Parameters<typeof parameters>[0] = atSymbol
    ? {
        path: { type: "string", description: "Path relative to the workspace folder" },
        line: { type: "integer", description: "The line (1-based) where the symbol is" },
        symbol: { type: "string", description: "The symbol's name as written on that line" },
      }
    : { path: { type: "string", description: "Path relative to the workspace folder" } };
  return {
    readOnly: true,
    spec: { name, description, parameters: parameters(properties) },
    async run(args, context) {
      const answer = await ask(name, kind, args, context);
      if ("error" in answer) return toolError(name, answer.error);
      const lines = answer.text.split("\n").length;
      return { content: cutToBudget(answer.text), summary: `${name} ${String(args.path)}: ${lines} lines` };
    },
  };
}

export const languageTools: AgentTool[] = [
  languageTool("symbols", "symbols", "List the functions, classes and other symbols a file defines, with their lines.", false),
  languageTool("definition", "definition", "Find where a symbol used in a file is defined.", true),
  languageTool("references", "references", "Find every place in the workspace that uses a symbol.", true),
  languageTool("diagnostics", "diagnostics", "List the errors and warnings the editor shows for a file.", false),
];
