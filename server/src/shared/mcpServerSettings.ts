/**
 * `hearth.agent.mcpServers`, read entry by entry: a stdio command or a streamable HTTP endpoint per name.
 */

/** An MCP server: a command started with stdio, or a streamable HTTP endpoint. */
export type McpServerSetting =
  | { command: string; args: string[]; env: Record<string, string> }
  | { url: string; headers: Record<string, string> };

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const stringMap = (value: unknown): Record<string, string> | undefined =>
  isRecord(value) && Object.values(value).every((item) => typeof item === "string")
    ? (value as Record<string, string>)
    : undefined;

/** `hearth.agent.mcpServers`: each entry checked on its own, so one mistake doesn't lose the others. */
export function mcpServers(raw: unknown, problems: string[]): Record<string, McpServerSetting> {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) {
    problems.push("hearth.agent.mcpServers must be an object of servers by name");
    return {};
  }
  const servers: Record<string, McpServerSetting> = {};
  for (const [name, entry] of Object.entries(raw)) {
    const where = `hearth.agent.mcpServers.${name}`;
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(name)) problems.push(`${where}: a name is 1-32 letters, digits, _ or -`);
    else if (isRecord(entry) && typeof entry.command === "string" && entry.command.trim() !== "") {
      const args = entry.args ?? [];
      const env = entry.env === undefined ? {} : stringMap(entry.env);
      if (!Array.isArray(args) || !args.every((arg) => typeof arg === "string") || !env)
        problems.push(`${where}: args must be a list of strings and env an object of strings`);
      else servers[name] = { command: entry.command, args: args as string[], env };
    } else if (isRecord(entry) && typeof entry.url === "string" && /^https?:\/\//.test(entry.url)) {
      const headers = entry.headers === undefined ? {} : stringMap(entry.headers);
      if (!headers) problems.push(`${where}: headers must be an object of strings`);
      else servers[name] = { url: entry.url, headers };
    } else problems.push(`${where} needs a "command" (stdio) or an http(s) "url" (streamable HTTP)`);
  }
  return servers;
}
