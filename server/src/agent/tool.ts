/**
 * The one shape of an agent tool: a schema and a description written for small models, whether it only reads
 * (offered in untrusted workspaces too), and `run`, which returns text for the model cut to a budget, with a
 * one-line summary the turn is compacted to when the context fills.
 */
import type { CancellationToken, Connection } from "vscode-languageserver";
import type { AgentToolSpec } from "../engine/modelEngine";
import type { HearthSettings } from "../shared/settings";
import type { Checkpoint } from "./checkpoint";
import type { WorkspaceAccess } from "./workspaceAccess";

export interface ToolContext {
  chatId: string;
  workspace: WorkspaceAccess;
  connection: Connection;
  settings: HearthSettings;
  checkpoint: Checkpoint;
  signal: AbortSignal;
  /** The same cancellation for requests to the client (a dialog or a command in flight is cancelled too). */
  abort: CancellationToken;
  /** An open document's text (saved or not), by URI. */
  openText(uri: string): string | undefined;
}

export interface ToolOutput {
  content: string;
  summary: string;
  isError?: boolean;
}

export interface AgentTool {
  spec: AgentToolSpec;
  /** Only reads: offered in untrusted workspaces too. */
  readOnly: boolean;
  run(args: Record<string, unknown>, context: ToolContext): Promise<ToolOutput>;
}

/** A refusal or failure the model reads (and can act on), never an exception that ends the turn. */
export function toolError(name: string, reason: string): ToolOutput {
  return { content: `Error: ${reason}`, summary: `${name}: refused (${reason.slice(0, 80)})`, isError: true };
}

export type ArgType = "string" | "integer" | "integer?";

/** A tool's parameters as JSON Schema: every property present (null where optional), as grammars require. */
export function parameters(properties: Record<string, { type: ArgType; description: string }>): AgentToolSpec["parameters"] {
  return {
    type: "object",
    properties: Object.fromEntries(
      Object.entries(properties).map(([name, { type, description }]) => [
        name,
        { type: type === "integer?" ? ["integer", "null"] : type, description },
      ]),
    ),
    required: Object.keys(properties),
  } as AgentToolSpec["parameters"];
}

/**
 * The arguments checked against the schema: a remote model's call may not match it (a local one always does, by
 * grammar). Returns the first mismatch, phrased for the model.
 */
export function argumentProblem(spec: AgentToolSpec, args: Record<string, unknown>): string | undefined {
  for (const [name, schema] of Object.entries(spec.parameters.properties)) {
    const type = (schema as { type?: string | string[] }).type;
    // Richer schemas (an MCP tool's oneOf) are the tool's own to check.
    if (type === undefined) continue;
    const types = Array.isArray(type) ? type : [type];
    const value = args[name];
    if (value === undefined || value === null) {
      if (types.includes("null")) continue;
      return `${spec.name} needs the argument "${name}".`;
    }
    const ok = types.some((t) =>
      t === "integer" ? Number.isInteger(value) : t === "number" ? typeof value === "number" : typeof value === t,
    );
    if (!ok) return `The argument "${name}" of ${spec.name} must be ${types.filter((t) => t !== "null").join(" or ")}.`;
  }
  return undefined;
}
