/**
 * Drives the real language server (`dist/server.js --stdio`) over JSON-RPC, the way any LSP client would.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, resolve } from "node:path";
import {
  CancellationTokenSource,
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenNotebookDocumentNotification,
  DidOpenTextDocumentNotification,
  InitializedNotification,
  InitializeRequest,
  type InlineCompletionList,
  InlineCompletionRequest,
  InlineCompletionTriggerKind,
  NotebookCellKind,
  type ProtocolConnection,
  type Range,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-languageserver-protocol/node";
import {
  type ChatContextItem,
  type ChatDelta,
  ChatDeltaNotification,
  type ChatMessage,
  ChatSendRequest,
  type ChatSendResult,
  type CompletionMetrics,
  ContextChunkNotification,
  type ContextChunkParams,
  type EngineLoad,
  EngineLoadRequest,
  type EngineStatus,
  type InlineEditParams,
  InlineEditRequest,
  type InlineEditResult,
  LastCompletionMetricsRequest,
  LastNextEditRequest,
  LastPromptRequest,
  type NextEditReport,
  type ServerMemory,
  ServerMemoryRequest,
  StatusNotification,
} from "../../server/src/shared/protocol";

/** The server under test: the build in dist/, or another (e.g. one unpacked from a VSIX) named by HEARTH_SERVER_PATH. */
export const SERVER_PATH = process.env.HEARTH_SERVER_PATH ?? resolve(dirname(__filename), "..", "..", "dist", "server.js");

export interface TestSettings {
  completion?: Record<string, unknown>;
  chat?: Record<string, unknown>;
  nextEdit?: Record<string, unknown>;
  models?: Record<string, unknown>;
  privacy?: Record<string, unknown>;
  agent?: Record<string, unknown>;
  local?: Record<string, unknown>;
  lm?: Record<string, unknown>;
  engine?: "local" | "remote";
  remote?: Record<string, unknown>;
}

export class LspTestClient {
  readonly statuses: EngineStatus[] = [];
  readonly logs: string[] = [];
  /** Chat deltas received, by chat id. */
  readonly chatDeltas = new Map<string, ChatDelta[]>();
  private versions = new Map<string, number>();
  private configurationPulled: Array<() => void> = [];
  private statusWaiters: Array<{
    predicate: (s: EngineStatus) => boolean;
    resolve: (s: EngineStatus) => void;
    reject: (e: Error) => void;
  }> = [];
  /** Why the server process ended, once it has. */
  exited: string | undefined;

  private constructor(
    readonly process: ChildProcess,
    readonly connection: ProtocolConnection,
    public settings: TestSettings,
  ) {}

  /** Starts the server; `mode: "pull"` answers workspace/configuration, `"initializationOptions"` passes settings up front. */
  static async start(
    settings: TestSettings,
    mode: "pull" | "initializationOptions" = "pull",
    workspaceFolder = "file:///workspace",
  ): Promise<LspTestClient> {
    const child = spawn(process.execPath, [SERVER_PATH, "--stdio"], {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, HEARTH_DEBUG_MEMORY: "1" },
    });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspTestClient(child, connection, settings);
    child.stderr!.on("data", (data: Buffer) => client.logs.push(data.toString()));
    // A server that dies must fail the test at once, not leave its requests hanging.
    child.on("exit", (code, signal) => {
      client.exited = `server exited (code ${code}, signal ${signal})\n${client.logs.join("")}`;
      connection.dispose();
      for (const waiter of client.statusWaiters) waiter.reject(new Error(client.exited));
      client.statusWaiters = [];
    });
    connection.onNotification(StatusNotification.type, (status) => {
      client.statuses.push(status);
      client.statusWaiters = client.statusWaiters.filter((waiter) => {
        if (!waiter.predicate(status)) return true;
        waiter.resolve(status);
        return false;
      });
    });
    connection.onNotification(ChatDeltaNotification.type, (delta) => {
      const list = client.chatDeltas.get(delta.chatId) ?? [];
      list.push(delta);
      client.chatDeltas.set(delta.chatId, list);
    });
    connection.onNotification("window/logMessage", (message: { message: string }) => {
      client.logs.push(`${message.message}\n`);
    });
    connection.onRequest(ConfigurationRequest.type, (params) => {
      const waiting = client.configurationPulled;
      client.configurationPulled = [];
      setImmediate(() => {
        for (const resolve of waiting) resolve();
      });
      return params.items.map(() => client.settings);
    });
    connection.onRequest("client/registerCapability", () => null);
    connection.listen();
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: workspaceFolder,
      workspaceFolders: [{ uri: workspaceFolder, name: "demo-repo" }],
      capabilities: {
        workspace: mode === "pull" ? { configuration: true, didChangeConfiguration: { dynamicRegistration: true } } : {},
        textDocument: { inlineCompletion: { dynamicRegistration: false } },
      },
      initializationOptions: mode === "initializationOptions" ? settings : undefined,
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  waitForStatus(predicate: (status: EngineStatus) => boolean, timeoutMs = 30_000): Promise<EngineStatus> {
    const seen = this.statuses.find(predicate);
    if (seen) return Promise.resolve(seen);
    if (this.exited) return Promise.reject(new Error(this.exited));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`no matching status in ${timeoutMs} ms; saw ${JSON.stringify(this.statuses)}\n${this.logs.join("")}`)),
        timeoutMs,
      );
      this.statusWaiters.push({
        predicate,
        resolve: (status) => {
          clearTimeout(timer);
          resolve(status);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }

  async changeSettings(settings: TestSettings): Promise<void> {
    this.settings = settings;
    // The server pulls the new values; wait until it has them so the next request sees them.
    const pulled = new Promise<void>((resolve) => this.configurationPulled.push(resolve));
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await pulled;
  }

  async open(uri: string, text: string, languageId = "typescript"): Promise<void> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version: 1, text },
    });
  }

  /** Opens a Jupyter notebook of code cells (LSP notebook sync, as VS Code's client sends it); cells by URI. */
  async openNotebook(uri: string, cells: ReadonlyArray<{ uri: string; text: string; languageId: string }>): Promise<void> {
    await this.connection.sendNotification(DidOpenNotebookDocumentNotification.type, {
      notebookDocument: {
        uri,
        notebookType: "jupyter-notebook",
        version: 1,
        cells: cells.map((cell) => ({ kind: NotebookCellKind.Code, document: cell.uri })),
      },
      cellTextDocuments: cells.map((cell) => ({ uri: cell.uri, languageId: cell.languageId, version: 1, text: cell.text })),
    });
  }

  /** Inserts text at a position (an incremental change, as VS Code sends while typing). */
  /** Types `to` over `from` at a position the way a user does: select and delete, then one character at a time. */
  async typeOver(uri: string, line: number, character: number, from: string, to: string): Promise<void> {
    await this.replace(uri, line, character, character + from.length, "");
    for (const [offset, char] of [...to].entries()) await this.insert(uri, line, character + offset, char);
  }

  async insert(uri: string, line: number, character: number, text: string): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line, character }, end: { line, character } }, text }],
    });
  }

  /** Replaces any range with text: the general incremental change. */
  async change(uri: string, range: Range, text: string): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ range, text }],
    });
  }

  async close(uri: string): Promise<void> {
    this.versions.delete(uri);
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  sendContext(chunk: ContextChunkParams): Promise<void> {
    return this.connection.sendNotification(ContextChunkNotification.type, chunk);
  }

  /** The version this client last sent for a document. */
  version(uri: string): number {
    return this.versions.get(uri) ?? 1;
  }

  /** Next-edit suggestions at a position, for the version last sent (or the one named). */
  inlineEdits(
    uri: string,
    line: number,
    character: number,
    version = this.version(uri),
    extra: Pick<InlineEditParams, "diagnostics" | "unopenedFiles"> = {},
  ): Promise<InlineEditResult> {
    return this.connection.sendRequest(InlineEditRequest.type, {
      textDocument: { uri, version },
      position: { line, character },
      ...extra,
    });
  }

  lastNextEdit(): Promise<NextEditReport | null> {
    return this.connection.sendRequest(LastNextEditRequest.type);
  }

  lastPrompt(): Promise<string | null> {
    return this.connection.sendRequest(LastPromptRequest.type);
  }

  engineLoad(): Promise<EngineLoad> {
    return this.connection.sendRequest(EngineLoadRequest.type);
  }

  /** The server's memory after a full garbage collection. */
  memory(): Promise<ServerMemory> {
    return this.connection.sendRequest(ServerMemoryRequest.type);
  }

  /** Replaces a range on one line with text (deleting when text is ""). */
  async replace(uri: string, line: number, from: number, to: number, text: string): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line, character: from }, end: { line, character: to } }, text }],
    });
  }

  async complete(
    uri: string,
    line: number,
    character: number,
    options: { explicit?: boolean; cancelAfterMs?: number } = {},
  ): Promise<InlineCompletionList | null> {
    const source = new CancellationTokenSource();
    if (options.cancelAfterMs !== undefined) setTimeout(() => source.cancel(), options.cancelAfterMs);
    const result = await this.connection.sendRequest(
      InlineCompletionRequest.type,
      {
        textDocument: { uri },
        position: { line, character },
        context: { triggerKind: options.explicit ? InlineCompletionTriggerKind.Invoked : InlineCompletionTriggerKind.Automatic },
      },
      source.token,
    );
    if (result === null || Array.isArray(result)) return result === null ? null : { items: result };
    return result;
  }

  /** The insert text of the first suggestion, or undefined when there is none. */
  async completionText(
    uri: string,
    line: number,
    character: number,
    options: { explicit?: boolean } = {},
  ): Promise<string | undefined> {
    const list = await this.complete(uri, line, character, options);
    const first = list?.items[0]?.insertText;
    return typeof first === "string" ? first : first?.value;
  }

  chat(
    chatId: string,
    messages: ChatMessage[],
    options: { context?: ChatContextItem[]; cancelAfterMs?: number; onDelta?: (delta: ChatDelta) => void } = {},
  ): Promise<ChatSendResult> {
    const source = new CancellationTokenSource();
    if (options.cancelAfterMs !== undefined) setTimeout(() => source.cancel(), options.cancelAfterMs);
    return this.connection.sendRequest(ChatSendRequest.type, { chatId, messages, context: options.context ?? [] }, source.token);
  }

  lastMetrics(): Promise<CompletionMetrics | null> {
    return this.connection.sendRequest(LastCompletionMetricsRequest.type);
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest("shutdown"), new Promise((r) => setTimeout(r, 3000))]);
      await this.connection.sendNotification("exit");
    } catch {
      // The server may already be gone (tests that kill it); the kill below makes sure.
    }
    this.connection.dispose();
    this.process.kill("SIGKILL");
  }
}

/** Resolves once `condition` holds, checking it again after each answer; fails after `timeoutMs`. */
export async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
