/**
 * MCP servers' tools as agent tools, through the official TypeScript SDK: stdio servers are started on first use
 * and kept while their setting stays the same; streamable HTTP servers are connected the same way. Each tool is
 * offered to the model like a built-in one (its schema cut to what a grammar can enforce) and every call is asked
 * of the user first, naming the real server and tool. Tool names are unique across servers and built-in tools
 * (core/agent/mcpToolNames.ts), so a call reaches the tool the model chose. Configured in user settings only (hearth.agent.mcpServers is machine-scoped), never offered in
 * an untrusted workspace. A server that can't start costs only its own tools, and the log says why.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Connection } from "vscode-languageserver";
import { type McpToolId, mcpToolNames } from "../../core/agent/mcpToolNames";
import { cutToBudget } from "../../core/agent/toolBudget";
import { grammarSchema, withoutNulls } from "../../core/agent/toolSchema";
import type { AgentToolSpec } from "../../engine/modelEngine";
import type { Logger } from "../../logger";
import { ApproveToolRequest } from "../../shared/agentProtocol";
import type { McpServerSetting } from "../../shared/settings";
import { type AgentTool, toolError } from "../tool";

const CONNECT_TIMEOUT_MS = 15_000;
const CALL_TIMEOUT_MS = 120_000;

interface ListedTool {
  name: string;
  description?: string;
  inputSchema: unknown;
}

interface Connected {
  key: string;
  client: Client;
  tools: ListedTool[];
}

export class McpTools {
  private readonly servers = new Map<string, Promise<Connected | undefined>>();
  /** The tools last left out for want of a unique name, so the log says it once, not on every turn. */
  private lastDropped = "";

  constructor(
    private readonly connection: Connection,
    private readonly log: Logger,
  ) {}

  /**
   * The tools of every configured server (connecting to new or changed ones, closing removed ones), each named
   * uniquely among them and the built-in tools' `reserved` names.
   */
  async tools(settings: Record<string, McpServerSetting>, reserved: readonly string[]): Promise<AgentTool[]> {
    for (const [name, pending] of this.servers) {
      const key = JSON.stringify(settings[name] ?? null);
      const connected = await pending;
      if (!settings[name] || connected?.key !== key) {
        this.servers.delete(name);
        void connected?.client.close().catch(() => undefined);
      }
    }
    const all = await Promise.all(
      Object.entries(settings).map(async ([name, setting]) => {
        let pending = this.servers.get(name);
        if (!pending) {
          pending = this.connect(name, setting);
          this.servers.set(name, pending);
        }
        return { server: name, connected: await pending };
      }),
    );
    const listed = all.flatMap(({ server, connected }) =>
      connected ? connected.tools.map((tool) => ({ server, tool: tool.name, client: connected.client, listed: tool })) : [],
    );
    const { names, dropped } = mcpToolNames(listed, reserved);
    this.logDropped(dropped);
    return listed.flatMap((entry, index) => {
      const name = names[index];
      return name === undefined ? [] : [this.wrap(name, entry.server, entry.client, entry.listed)];
    });
  }

  async dispose(): Promise<void> {
    const all = await Promise.all(this.servers.values());
    this.servers.clear();
    await Promise.all(all.map((connected) => connected?.client.close().catch(() => undefined)));
  }

  private async connect(name: string, setting: McpServerSetting): Promise<Connected | undefined> {
    const client = new Client({ name: "hearth", version: "0.1.0" });
    const transport =
      "command" in setting
        ? new StdioClientTransport({
            command: setting.command,
            args: setting.args,
            env: { ...processEnv(), ...setting.env },
            stderr: "ignore",
          })
        : new StreamableHTTPClientTransport(new URL(setting.url), { requestInit: { headers: setting.headers } });
    try {
      await client.connect(transport, { timeout: CONNECT_TIMEOUT_MS });
      const listed = await client.listTools(undefined, { timeout: CONNECT_TIMEOUT_MS });
      this.log.info(`MCP server ${name}: ${listed.tools.length} tools (${listed.tools.map((tool) => tool.name).join(", ")})`);
      return { key: JSON.stringify(setting), client, tools: listed.tools };
    } catch (error) {
      this.log.warn(
        `MCP server ${name} could not be used: ${error instanceof Error ? error.message : String(error)}. Check hearth.agent.mcpServers.`,
      );
      void client.close().catch(() => undefined);
      this.servers.delete(name);
      return undefined;
    }
  }

  private logDropped(dropped: readonly McpToolId[]): void {
    const text = dropped.map((id) => `${id.tool} from ${id.server}`).join(", ");
    if (text !== "" && text !== this.lastDropped)
      this.log.warn(
        `MCP tools left out because no unique name could be made for them: ${text}. Rename a server in hearth.agent.mcpServers.`,
      );
    this.lastDropped = text;
  }

  /** The tool as the model sees it (`name`), calling `tool.name` on `server` once the user approves that exact call. */
  private wrap(name: string, server: string, client: Client, tool: ListedTool): AgentTool {
    const spec: AgentToolSpec = {
      name,
      description: `${tool.description ?? tool.name} (from the MCP server ${server})`,
      parameters: grammarSchema(tool.inputSchema) as AgentToolSpec["parameters"],
    };
    return {
      readOnly: false,
      spec,
      run: async (args, context) => {
        const callArgs = withoutNulls(args);
        const { approved } = await context.connection.sendRequest(
          ApproveToolRequest.type,
          { chatId: context.chatId, server, tool: tool.name, arguments: callArgs },
          context.abort,
        );
        if (!approved) return { content: "The user declined this tool call. Nothing ran.", summary: `${name}: declined` };
        try {
          const result = await client.callTool({ name: tool.name, arguments: callArgs }, undefined, {
            timeout: CALL_TIMEOUT_MS,
            signal: context.signal,
          });
          const text = (Array.isArray(result.content) ? result.content : [])
            .map((part: { type: string; text?: string }) => (part.type === "text" ? part.text : `[${part.type} content]`))
            .join("\n");
          const output = { content: cutToBudget(text || "(no output)"), summary: `${name}: ${text.split("\n").length} lines` };
          return result.isError ? { ...output, content: `Error: ${output.content}`, isError: true } : output;
        } catch (error) {
          if (context.signal.aborted) throw error;
          return toolError(name, `The MCP server failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      },
    };
  }
}

/** The environment a stdio server starts with: the language server's, as an MCP client in a terminal would pass. */
function processEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
