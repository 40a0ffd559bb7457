/**
 * `hearth/agent/run`: a chat turn in Agent mode. The server runs the loop and the tools that read; edits and
 * commands are asked of the client (see shared/agentProtocol.ts). In an untrusted workspace (the client says so)
 * only the reading tools are offered, and the repository's rules files are not read into the prompt.
 * Also `hearth/search/meaning` (meaningSearch.ts), search_code's index for VS Code's agent.
 */
import type { CancellationToken, Connection, TextDocuments } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { agentSystemPrompt } from "../core/agent/agentPrompt";
import { EngineError, isAbortError } from "../engine/engineError";
import type { AgentMessage, ModelEngine } from "../engine/modelEngine";
import { type Feature, withAbortSignal } from "../feature";
import type { Logger } from "../logger";
import { arrayOf, isString, requireParams, shaped } from "../paramChecks";
import { AgentEventNotification, type AgentRunParams, AgentRunRequest, type AgentRunResult } from "../shared/agentProtocol";
import { ChatDeltaNotification } from "../shared/chatProtocol";
import { actionableError, HearthErrorCodes } from "../shared/errors";
import { refuseSecretContext } from "../shared/sensitiveOnDisk";
import type { HearthSettings } from "../shared/settings";
import { runAgentTurn } from "./agentLoop";
import { Checkpoint } from "./checkpoint";
import { McpTools } from "./mcp/mcpTools";
import { registerMeaningSearch } from "./meaningSearch";
import { discoverRules } from "./rulesDiscovery";
import { builtinTools } from "./tools/builtinTools";
import { CodeIndex, type SemanticSearch } from "./tools/searchCode";
import { WorkspaceAccess } from "./workspaceAccess";

export interface AgentDependencies {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  engine: ModelEngine;
  ready: Promise<void>;
  log: Logger;
  settings: () => HearthSettings;
  /** The workspace folders as file-system paths. */
  folders: () => readonly string[];
}

export function registerAgent({ connection, documents, engine, ready, log, settings, folders }: AgentDependencies): Feature {
  const index = new CodeIndex();
  const semantic = {
    model: () => settings().agent.embeddingModel,
    embed: (texts, kind, signal) => engine.embed(texts, kind, signal),
  } satisfies SemanticSearch;
  const allTools = builtinTools(index, semantic);
  // The same index answers VS Code's agent (the hearth_searchCode tool): one index, embedded once.
  registerMeaningSearch({
    connection,
    index,
    semantic,
    workspace: () => new WorkspaceAccess(folders, () => settings().privacy.excludedFiles),
    ready,
  });
  const mcp = new McpTools(connection, log);

  connection.onRequest(AgentRunRequest.type, (params, token) => {
    requireParams(AgentRunRequest.method, params, {
      chatId: isString,
      messages: arrayOf(shaped({ role: (role) => role === "user" || role === "assistant", content: isString })),
      context: arrayOf(shaped({ label: isString, text: isString })),
      readOnly: (value) => typeof value === "boolean",
    });
    return withAbortSignal(token, (signal) => run(params, signal, token));
  });

  async function run(params: AgentRunParams, signal: AbortSignal, token: CancellationToken): Promise<AgentRunResult> {
    await ready;
    await refuseSecretContext(params.context, settings().privacy.excludedFiles, folders());
    const workspace = new WorkspaceAccess(folders, () => settings().privacy.excludedFiles);
    // MCP servers' tools may do anything: never in an untrusted workspace.
    const builtinNames = allTools.map((tool) => tool.spec.name);
    const mcpTools = params.readOnly ? [] : await mcp.tools(settings().agent.mcpServers, builtinNames);
    const tools = [...allTools.filter((tool) => tool.readOnly || !params.readOnly), ...mcpTools];
    // Rules files are the repository's text, put where the model reads instructions: an untrusted one gets no say.
    const rules = params.readOnly ? [] : await discoverRules(workspace, params.disabledRules ?? []);
    const notify = (event: Parameters<Parameters<typeof runAgentTurn>[0]["onEvent"]>[0]) =>
      void connection.sendNotification(AgentEventNotification.type, { chatId: params.chatId, ...event });
    if (rules.length > 0) notify({ kind: "rules", files: rules.map((rule) => rule.path) });
    const checkpoint = new Checkpoint();
    const system = agentSystemPrompt({
      readOnly: params.readOnly,
      rules,
      context: params.context,
      toolNames: tools.map((tool) => tool.spec.name),
    });
    const messages: AgentMessage[] = params.messages.map((message) => ({ role: message.role, content: message.content }));
    try {
      const turn = await runAgentTurn({
        engine,
        tools,
        system,
        messages,
        maxToolCalls: settings().agent.maxToolCalls,
        context: {
          chatId: params.chatId,
          workspace,
          connection,
          settings: settings(),
          checkpoint,
          signal,
          abort: token,
          openText: (uri) => documents.get(uri)?.getText(),
        },
        onEvent: notify,
        onDelta: (delta) => void connection.sendNotification(ChatDeltaNotification.type, { chatId: params.chatId, ...delta }),
      });
      log.info(
        `Agent turn: ${turn.steps.length} tool calls, ${turn.stopReason}; prompt tokens evaluated per step: ${turn.usage.map((u) => `${u.evaluatedPromptTokens}/${u.promptTokens}`).join(", ")}${draftedText(turn.usage)}`,
      );
      return { ...turn, checkpoint: checkpoint.entries, rules: rules.map((rule) => rule.path) };
    } catch (error) {
      if (isAbortError(error) || signal.aborted)
        return {
          answer: "",
          thought: "",
          stopReason: "aborted",
          steps: [],
          checkpoint: checkpoint.entries,
          compacted: [],
          rules: [],
          usage: [],
        };
      if (error instanceof EngineError) throw actionableError(HearthErrorCodes.chatModel, error.message, error.data);
      log.error(`Agent turn failed: ${error instanceof Error ? error.stack : String(error)}`);
      throw actionableError(
        HearthErrorCodes.chatModel,
        `The agent failed: ${error instanceof Error ? error.message : String(error)}`,
        {
          fix: "See the Hearth log for details.",
        },
      );
    }
  }

  return { capabilities: {}, dispose: () => void mcp.dispose() };
}

/** "; drafted tokens kept per step: 40/44, 0/2" where the engine drafted, else nothing. */
function draftedText(usage: AgentRunResult["usage"]): string {
  if (!usage.some((step) => step.draftTokens && step.draftTokens.drafted > 0)) return "";
  const steps = usage.map((step) => (step.draftTokens ? `${step.draftTokens.accepted}/${step.draftTokens.drafted}` : "-"));
  return `; drafted tokens kept per step: ${steps.join(", ")}`;
}
