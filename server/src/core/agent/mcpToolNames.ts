/**
 * The names the model sees for MCP tools. The plain name joins the server's name and the tool's (`server__tool`),
 * with every character an API refuses made `_` and cut to 64; that loses information (`a` + `b__c` and `a__b` + `c`,
 * `do.it` and `do_it`, two long names sharing their first 64 characters), and a call must reach the tool the model
 * chose. So a plain name that more than one tool would get, or that a built-in tool has, gets a suffix from a hash
 * of the real server and tool names instead: unique, and the same on every run whatever order servers answer in.
 */
import { createHash } from "node:crypto";

/** What every tool-calling API accepts as a function name. */
export const MAX_TOOL_NAME = 64;
const SUFFIX_HEX = 8;

export interface McpToolId {
  /** The server's key in hearth.agent.mcpServers. */
  server: string;
  /** The tool's own name on that server. */
  tool: string;
}

/** The plain name: `server__tool`, other characters as `_`, cut to what every API accepts. */
export function plainMcpToolName({ server, tool }: McpToolId): string {
  return `${server}__${tool}`.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, MAX_TOOL_NAME);
}

/** The plain name cut to make room for `_` and a hash of the real names, which tells apart what the plain name can't. */
export function hashedMcpToolName(id: McpToolId): string {
  const hash = createHash("sha256")
    .update(JSON.stringify([id.server, id.tool]))
    .digest("hex")
    .slice(0, SUFFIX_HEX);
  return `${plainMcpToolName(id).slice(0, MAX_TOOL_NAME - SUFFIX_HEX - 1)}_${hash}`;
}

/**
 * A unique name for each tool, in the order given: its plain name where no other tool (nor a `reserved` built-in)
 * would have it, its hashed name otherwise. `undefined` for a tool that still can't have a unique name (the same
 * server and tool listed twice, or a hashed name that another tool's plain name already is): it is not offered, and
 * `dropped` says which, so the log can tell the user.
 */
export function mcpToolNames(
  tools: readonly McpToolId[],
  reserved: readonly string[],
): { names: Array<string | undefined>; dropped: McpToolId[] } {
  const plain = tools.map(plainMcpToolName);
  const count = new Map<string, number>();
  for (const name of [...plain, ...reserved]) count.set(name, (count.get(name) ?? 0) + 1);
  const wanted = tools.map((tool, index) => ((count.get(plain[index]) ?? 0) > 1 ? hashedMcpToolName(tool) : plain[index]));
  // Whatever still collides is decided by the real names' order, not the order the servers answered in.
  const order = tools.map((_, index) => index).sort((a, b) => compareIds(tools[a], tools[b]));
  const taken = new Set(reserved);
  const names: Array<string | undefined> = tools.map(() => undefined);
  const dropped: McpToolId[] = [];
  for (const index of order) {
    if (taken.has(wanted[index])) dropped.push(tools[index]);
    else {
      taken.add(wanted[index]);
      names[index] = wanted[index];
    }
  }
  return { names, dropped };
}

function compareIds(a: McpToolId, b: McpToolId): number {
  return a.server < b.server ? -1 : a.server > b.server ? 1 : a.tool < b.tool ? -1 : a.tool > b.tool ? 1 : 0;
}
