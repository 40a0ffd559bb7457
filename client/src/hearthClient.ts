/**
 * Owns the language client's lifecycle and the two disposal scopes: things that live as long as the extension,
 * and things that live as long as one language-server process.
 */

import * as vscode from "vscode";
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from "vscode-languageclient/node";
import { type AgentEvent, AgentEventNotification } from "../../server/src/shared/agentProtocol";
import {
  CatalogRequest,
  type ChatDelta,
  ChatDeltaNotification,
  type EngineStatus,
  type InitializationOptions,
  LastCompletionMetricsRequest,
  StatusNotification,
} from "../../server/src/shared/protocol";
import { createFixCodeActionMiddleware } from "./actions/fixCodeActions";
import { CONFIG_SECTION, readConfig } from "./config";
import { SERVED_DOCUMENTS, unservedReason } from "./documentReach";
import { createInlineCompletionMiddleware } from "./inlineCompletionMiddleware";
import { downloadWithConsent } from "./models/modelDownloads";
import type { SuggestionCounter } from "./quality/suggestionQuality";
import { CrashRecovery, showGaveUp } from "./recovery/crashRecovery";
import { serveRemoteApiKey, warnAboutPlainHttp } from "./remote/remoteEngine";
import { StatusBar, showEngineError } from "./statusBar";
import { warnAboutIgnoredWorkspaceSettings } from "./trust/workspaceSettingsGuard";

export class HearthClient implements vscode.Disposable {
  readonly outputChannel = vscode.window.createOutputChannel("Hearth", { log: true });
  readonly statusBar = new StatusBar();
  private client: LanguageClient | undefined;
  /** Disposed with each language-server process. */
  private clientScope: vscode.Disposable[] = [];
  /** Disposed with the extension. */
  private readonly extensionScope: vscode.Disposable[] = [this.outputChannel, this.statusBar];
  private settings = readConfig();
  private readonly chatDeltaEmitter = new vscode.EventEmitter<ChatDelta>();
  private readonly statusEmitter = new vscode.EventEmitter<EngineStatus>();
  /** Chat deltas from the server, whichever server process is running. */
  readonly onChatDelta = this.chatDeltaEmitter.event;
  private readonly agentEventEmitter = new vscode.EventEmitter<AgentEvent>();
  /** Tool calls, results and compactions of agent turns. */
  readonly onAgentEvent = this.agentEventEmitter.event;
  /** Handlers for the server's requests to the client that other parts of the extension own (agent edits…). */
  serveRequests: (client: LanguageClient) => vscode.Disposable[] = () => [];
  /** Model status changes (both roles) from the server. */
  readonly onStatus = this.statusEmitter.event;
  /** Restarts a dead server with backoff, and gives up after repeated deaths. */
  private readonly recovery = new CrashRecovery({
    onRestarting: (recentCrashes, delayMs) => {
      this.outputChannel.warn(
        `The language server stopped unexpectedly (${recentCrashes} recently); restarting in ${delayMs} ms.`,
      );
      this.statusBar.update({ role: "completion", state: "loading", model: "restarting the language server" });
    },
    onGaveUp: (message) => {
      this.outputChannel.error(message);
      this.statusBar.update(
        {
          role: "completion",
          state: "error",
          message,
          fix: "Run Hearth: Restart Language Server once the cause is fixed.",
        },
        false,
      ); // showGaveUp below notifies, with a Restart button
      void showGaveUp(
        message,
        () => this.restart(),
        () => this.outputChannel.show(true),
      );
    },
  });

  constructor(private readonly context: vscode.ExtensionContext) {
    this.statusBar.onDownload = (status) => void this.downloadFor(status);
    this.extensionScope.push(this.chatDeltaEmitter, this.agentEventEmitter, this.statusEmitter);
    this.statusBar.setCompletionEnabled(this.settings.completion.enabled);
    // A document Hearth can't serve says why in the log, once per scheme (or notebook type).
    const told = new Set<string>();
    this.extensionScope.push(
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        const uri = editor?.document.uri;
        if (!uri) return;
        const notebook = vscode.workspace.notebookDocuments.find((candidate) =>
          candidate.getCells().some((cell) => cell.document === editor.document),
        );
        const reason = unservedReason(uri.scheme, notebook && { type: notebook.notebookType, scheme: notebook.uri.scheme });
        const key = `${uri.scheme}|${notebook?.notebookType ?? ""}|${notebook?.uri.scheme ?? ""}`;
        if (reason === undefined || told.has(key) || uri.scheme === "output") return;
        told.add(key);
        this.outputChannel.appendLine(`[client] ${reason} (${uri.toString(true)}).`);
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (!event.affectsConfiguration(CONFIG_SECTION)) return;
        this.settings = readConfig();
        this.statusBar.setCompletionEnabled(this.settings.completion.enabled);
        if (
          event.affectsConfiguration(`${CONFIG_SECTION}.engine`) ||
          event.affectsConfiguration(`${CONFIG_SECTION}.remote.url`)
        ) {
          void warnAboutPlainHttp(context.globalState);
        }
        void warnAboutIgnoredWorkspaceSettings(context, this.outputChannel);
      }),
    );
    void warnAboutPlainHttp(context.globalState);
    void warnAboutIgnoredWorkspaceSettings(context, this.outputChannel);
  }

  /** True while inline completions should wait (next edits are on screen); set by the extension. */
  inlineCompletionsWait: () => boolean = () => false;
  /** The local suggestion record, told of each ghost text suggestion shown (set by the extension). */
  suggestionCounter: SuggestionCounter | undefined;
  /** The document version the last ghost text was handed to VS Code for. */
  private ghostText: { uri: string; version: number } | undefined;

  /** Whether ghost text was given for this version of the document (next edits then wait, so the two never fight). */
  ghostTextShownFor(document: { uri: { toString(): string }; version: number }): boolean {
    return this.ghostText?.uri === document.uri.toString() && this.ghostText.version === document.version;
  }
  private lastNextEditError: string | undefined;

  /** The running language client (for extension-host tests), or undefined between restarts. */
  get languageClient(): LanguageClient | undefined {
    return this.client;
  }

  /** Starts the language server. Resolves once it is running; the model loads later, on first use. */
  async start(): Promise<void> {
    const serverModule = this.context.asAbsolutePath("dist/server.js");
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc },
      debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ["--nolazy", "--inspect=6009"] } },
    };
    const clientOptions: LanguageClientOptions = {
      // Files, unsaved files, and Jupyter notebooks' cells (synced with their notebook: the server reads the cells
      // around a cell). Virtual documents (git's, output, settings) get nothing: the server can't read them.
      documentSelector: SERVED_DOCUMENTS,
      outputChannel: this.outputChannel,
      errorHandler: this.recovery,
      middleware: {
        ...createFixCodeActionMiddleware(),
        ...createInlineCompletionMiddleware(
          () => this.settings,
          () => this.inlineCompletionsWait(),
          (latencyMs, shownFor, fresh) => {
            this.ghostText = shownFor;
            // Typing through a suggestion already shown, or the same one answered again, is not another one.
            if (fresh) this.suggestionCounter?.shown("ghostText", undefined);
            if (latencyMs === undefined) return;
            // Tokens/s comes from the engine's own measurement of the same request.
            void this.client
              ?.sendRequest(LastCompletionMetricsRequest.type)
              .then((metrics) => this.statusBar.setLastSuggestion(latencyMs, metrics ?? undefined))
              .catch(() => undefined);
          },
        ),
      },
      // Downloaded models live in the extension's storage unless hearth.models.directory says otherwise.
      initializationOptions: {
        defaultModelsDirectory: vscode.Uri.joinPath(this.context.globalStorageUri, "models").fsPath,
      } satisfies InitializationOptions,
    };
    const client = new LanguageClient("hearth", "Hearth", serverOptions, clientOptions);
    this.client = client;
    this.clientScope.push(
      client.onNotification(StatusNotification.type, (status) => {
        this.statusBar.update(status);
        this.statusEmitter.fire(status);
        this.reportNextEditError(status);
      }),
      client.onNotification(ChatDeltaNotification.type, (delta) => this.chatDeltaEmitter.fire(delta)),
      client.onNotification(AgentEventNotification.type, (event) => this.agentEventEmitter.fire(event)),
      ...this.serveRequests(client),
      ...serveRemoteApiKey(client, this.context.secrets),
    );
    await client.start();
  }

  /** The next-edit model has no status bar item of its own: its errors are told once each, with their fix. */
  private reportNextEditError(status: EngineStatus): void {
    if (status.role !== "nextEdit") return;
    const key = status.state === "error" ? `${status.message}|${status.fix}` : undefined;
    if (key !== undefined && key !== this.lastNextEditError) void showEngineError(status, (s) => void this.downloadFor(s));
    this.lastNextEditError = key;
  }

  /** Downloads the model a status says is missing, after asking. */
  async downloadFor(status: EngineStatus): Promise<void> {
    const client = this.client;
    if (!status.download || !client) return;
    const listing = await client.sendRequest(CatalogRequest.type);
    await downloadWithConsent(this.languageClient, this.context.secrets, status.download, listing.endpoint);
  }

  async restart(): Promise<void> {
    this.recovery.reset();
    await this.stopClient();
    this.statusBar.update({ role: "completion", state: "idle" });
    await this.start();
    this.outputChannel.info("Language server restarted.");
  }

  private async stopClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    for (const disposable of this.clientScope.splice(0)) disposable.dispose();
    if (client?.isRunning()) await client.stop(5000).catch((error) => this.outputChannel.warn(`Stopping the server: ${error}`));
    await client?.dispose().catch(() => undefined);
  }

  async dispose(): Promise<void> {
    await this.stopClient();
    for (const disposable of this.extensionScope.splice(0)) disposable.dispose();
  }
}
