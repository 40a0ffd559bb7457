/**
 * Hearth's language server. Runs under VS Code over IPC, or standalone over stdio
 * (`node dist/server.js --stdio`) for any LSP 3.18 client with inline completion support.
 */
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  createConnection,
  NotebookCellKind,
  NotebookDocuments,
  ProposedFeatures,
  TextDocumentSyncKind,
  TextDocuments,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { registerCodeActions } from "./actions/codeActionsFeature";
import { registerAgent } from "./agent/agentFeature";
import { registerChat } from "./chat/chatFeature";
import { registerInlineCompletion } from "./completion/inlineCompletionFeature";
import { ConfigurationReader } from "./configuration";
import { CompletionContext } from "./context/contextFeature";
import { type CellInNotebook, cellInNotebook } from "./core/notebookText";
import { EngineRouter } from "./engine/engineRouter";
import { LlamaEngine } from "./engine/local/llamaEngine";
import { RemoteEngine } from "./engine/remote/remoteEngine";
import { type Feature, mergeCapabilities } from "./feature";
import { registerLm } from "./lm/lmFeature";
import type { Logger } from "./logger";
import { ModelLocator } from "./models/modelLocator";
import { registerModels } from "./models/modelsFeature";
import { registerNextEdit } from "./nextEdit/nextEditFeature";
import { forgetRemovedCells } from "./notebookCellMap";
import { installNetworkAudit } from "./shared/networkAudit";
import {
  EngineLoadRequest,
  type InitializationOptions,
  LastCompletionMetricsRequest,
  LastPromptRequest,
  RemoteApiKeyChangedNotification,
  RemoteApiKeyRequest,
  type ServerMemory,
  ServerMemoryRequest,
  StatusNotification,
} from "./shared/protocol";

installNetworkAudit("server");
const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
// Jupyter notebooks' cells are documents too (`vscode-notebook-cell:` URIs, synced with their notebook): every feature
// sees a cell like a file, and completions read the cells around it (cellInNotebook).
const notebooks = new NotebookDocuments(documents);
forgetRemovedCells(notebooks);
// Notebooks that are files or unsaved, as documents are: a remote or virtual notebook can't be judged where it is.
const NOTEBOOK_SYNC = {
  notebookSelector: ["file", "untitled"].map((scheme) => ({ notebook: { notebookType: "jupyter-notebook", scheme } })),
};

/** A cell's notebook as one file of the cell's language, and where the cell starts in it. */
function notebookCell(
  uri: string,
  lines: { above: number; below: number },
): (CellInNotebook & { notebookUri: string }) | undefined {
  const notebook = notebooks.findNotebookDocumentForCell(uri);
  const index = notebook?.cells.findIndex((cell) => cell.document === uri) ?? -1;
  if (!notebook || index < 0) return undefined;
  const cells = notebook.cells.map((cell) => {
    const document = documents.get(cell.document);
    return {
      kind: cell.kind === NotebookCellKind.Markup ? ("markup" as const) : ("code" as const),
      languageId: document?.languageId ?? "",
      text: document?.getText() ?? "",
    };
  });
  return { ...cellInNotebook(cells, index, lines), notebookUri: notebook.uri };
}
/**
 * A notebook cell's name for the model: its notebook's path and its place (`analysis.ipynb#cell3`), so an edit in
 * one cell never reads as if it were in another. Undefined for a document that isn't a cell.
 */
function cellLabel(uri: string, pathFor: (uri: string) => string): string | undefined {
  const notebook = notebooks.findNotebookDocumentForCell(uri);
  const index = notebook?.cells.findIndex((cell) => cell.document === uri) ?? -1;
  return notebook && index >= 0 ? `${pathFor(notebook.uri)}#cell${index + 1}` : undefined;
}
const log: Logger = {
  info: (message) => connection.console.info(message),
  warn: (message) => connection.console.warn(message),
  error: (message) => connection.console.error(message),
};
// A bug in one request must not take every feature down with the process: log it (tests fail on this line) and go on.
process.on("unhandledRejection", (reason) => {
  log.error(`Unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}`);
});
const configuration = new ConfigurationReader(connection, log);
const locator = new ModelLocator(() => engine.hardware());
const engine: EngineRouter = new EngineRouter(
  new LlamaEngine(log, locator.locateRole, locator.locateEmbedding, () => locator.prefixCacheDirectory(), locator.locateDraft),
  new RemoteEngine(log, remoteApiKey),
);

/** The remote engine's key: the environment (standalone use) first, else the editor's secret storage. */
async function remoteApiKey(): Promise<string | undefined> {
  if (process.env.HEARTH_REMOTE_API_KEY) return process.env.HEARTH_REMOTE_API_KEY;
  try {
    return (await connection.sendRequest(RemoteApiKeyRequest.type)) ?? undefined;
  } catch {
    return undefined; // an editor without Hearth's client: no key
  }
}

let initialized = false;
/**
 * The workspace folders as paths, for the agent's tools and for `hearth.privacy.excludedFiles`, which is relative to
 * them (kept current where the client reports changes).
 */
let workspaceFolders: string[] = [];
let canWatchFolders = false;
/** A folder URI as a path; other schemes (a virtual workspace) have none the tools could read. */
const folderPath = (uri: string): string => (uri.startsWith("file:") ? fileURLToPath(uri) : "");
// LSP forbids notifications before the initialize response; the first status goes out once settings are read.
engine.onStatus((status) => {
  if (initialized) void connection.sendNotification(StatusNotification.type, status);
});
configuration.onChange((settings) => engine.configure(settings));

connection.onInitialize((params) => {
  const workspace = params.capabilities.workspace;
  // The VS Code client names its storage folder as the default home of downloaded models.
  const options: InitializationOptions =
    typeof params.initializationOptions === "object" && params.initializationOptions !== null ? params.initializationOptions : {};
  if (typeof options.defaultModelsDirectory === "string") locator.defaultDirectory = options.defaultModelsDirectory;
  completionContext.setWorkspace(params.workspaceFolders?.[0] ?? undefined);
  workspaceFolders = (params.workspaceFolders ?? []).map((folder) => folderPath(folder.uri)).filter(Boolean);
  canWatchFolders = workspace?.workspaceFolders === true;
  configuration.initialize({
    canPull: workspace?.configuration === true,
    canRegisterForChanges: workspace?.didChangeConfiguration?.dynamicRegistration === true,
    initializationOptions: options,
  });
  return {
    capabilities: mergeCapabilities(
      { textDocumentSync: TextDocumentSyncKind.Incremental, notebookDocumentSync: NOTEBOOK_SYNC },
      features,
    ),
    serverInfo: { name: "hearth", version: "0.1.0" },
  };
});

connection.onInitialized(() => {
  if (canWatchFolders)
    connection.workspace.onDidChangeWorkspaceFolders((change) => {
      const removed = new Set(change.removed.map((folder) => folderPath(folder.uri)));
      workspaceFolders = [
        ...workspaceFolders.filter((folder) => !removed.has(folder)),
        ...change.added.map((folder) => folderPath(folder.uri)),
      ];
    });
  void configuration.start().then(() => {
    initialized = true;
    void connection.sendNotification(StatusNotification.type, engine.status("completion"));
    void connection.sendNotification(StatusNotification.type, engine.status("chat"));
  });
});

// The model loads when the user first has a document open, never during activation.
documents.onDidOpen(() => {
  void configuration.ready.then(() => {
    if (configuration.settings.completion.enabled) engine.warmUp("completion");
  });
});

const settings = () => configuration.settings;
const folders = () => workspaceFolders;
const completionContext = new CompletionContext(settings, folders);
/** What the features that follow the user's typing (completions, next edits) share. */
const editing = { connection, documents, engine, configuration, log, context: completionContext, folders };
const features: Feature[] = [
  completionContext.register(connection),
  registerInlineCompletion({ ...editing, notebookCell }),
  registerNextEdit({
    ...editing,
    cellLabel: (uri) => cellLabel(uri, (notebookUri) => completionContext.pathFor(notebookUri)),
  }),
  registerChat({ connection, engine, ready: configuration.ready, log, settings, folders }),
  registerAgent({ connection, documents, engine, ready: configuration.ready, log, settings, folders }),
  registerLm({ connection, engine, ready: configuration.ready, log, settings }),
  registerCodeActions({ connection, documents, engine, ready: configuration.ready, settings, folders }),
  registerModels({
    connection,
    locator,
    hardware: () => engine.hardware(),
    settings,
    ready: configuration.ready,
    onDownloaded: () => engine.retryFailedLoads(),
  }),
];

connection.onNotification(RemoteApiKeyChangedNotification.type, () => engine.remote.credentialsChanged());
connection.onRequest(LastCompletionMetricsRequest.type, () => engine.lastMetrics);
connection.onRequest(EngineLoadRequest.type, () => engine.load);
connection.onRequest(LastPromptRequest.type, () => engine.lastPromptText?.() ?? null);
// Only for tests (the soak test's client sets it): a forced full collection stalls the server, and V8's flags are
// best left alone in the shipped server.
if (process.env.HEARTH_DEBUG_MEMORY === "1") connection.onRequest(ServerMemoryRequest.type, memoryAfterGc);

let collectGarbage: (() => void) | undefined;
/**
 * The memory after a full garbage collection, so the soak test can tell a leak of live objects from garbage not yet
 * collected. The server runs without --expose-gc: the flag set at run time makes `gc` exist in a context made after.
 */
function memoryAfterGc(): ServerMemory {
  if (!collectGarbage) {
    setFlagsFromString("--expose-gc");
    collectGarbage = runInNewContext("gc") as () => void;
  }
  collectGarbage();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsedBytes: heapUsed, rssBytes: rss };
}

connection.onShutdown(() => {
  for (const feature of features) feature.dispose?.();
  return engine.dispose();
});

documents.listen(connection);
notebooks.listen(connection);
connection.listen();
