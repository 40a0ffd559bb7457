/**
 * The remote model engine: the same features as the local one, served by llama-server, vLLM, Ollama or any
 * OpenAI-compatible server over HTTP. Keeps a status per role from health checks and from each request's outcome;
 * after a transient failure (server down, restarting, loading) it checks again with backoff until the server is back.
 */

import { Listeners } from "../../core/listeners";
import { type NextEditPromptFormat, recogniseNextEditFormat } from "../../core/nextEdit/nextEditFormat";
import type { Logger } from "../../logger";
import type { CompletionMetrics, EngineStatus } from "../../shared/protocol";
import { DEFAULT_SETTINGS, type HearthSettings, type ModelRole, nextEditModelSetting } from "../../shared/settings";
import { EngineError, isAbortError } from "../engineError";
import type {
  AgentStepInput,
  AgentStepOptions,
  AgentStepResult,
  ChatGenerationOptions,
  ChatInput,
  ChatReply,
  FimGenerationOptions,
  FimInput,
  FimResult,
  LmModelChoice,
  ModelEngine,
  NextEditInput,
  NextEditOptions,
  NextEditResult,
} from "../modelEngine";
import { LlamaServerFim } from "./llamaServerFim";
import { openAiChat } from "./openAiChat";
import { openAiFim } from "./openAiFim";
import { openAiAgentStep } from "./openAiTools";
import { abortableDelay, RemoteError, RemoteHttp } from "./remoteHttp";
import {
  DEFAULT_REMOTE_CONTEXT,
  lmChoices,
  type ModelsResponse,
  type ServedModel,
  servedContext,
  servedModelsOf,
  unservedModel,
} from "./remoteModels";
import { chatNextEdit, llamaServerNextEdit, openAiNextEdit } from "./remoteNextEdit";

/** Health checks after a transient failure wait this long, doubling up to the maximum. */
const BACKOFF_FIRST_MS = 1000;
const BACKOFF_MAX_MS = 30_000;
/** Chat requests that fail transiently before streaming anything are tried this many more times. */
const CHAT_RETRIES = 2;

export class RemoteEngine implements ModelEngine {
  private readonly listeners = new Listeners<EngineStatus>();
  private statuses: Record<ModelRole, EngineStatus> = {
    completion: { role: "completion", state: "idle" },
    chat: { role: "chat", state: "idle" },
    nextEdit: { role: "nextEdit", state: "idle" },
  };
  private settings: HearthSettings = DEFAULT_SETTINGS;
  private http = this.createHttp(DEFAULT_SETTINGS);
  private llamaServer = new LlamaServerFim(this.http);
  /** What /v1/models listed at the last health check (OpenAI-compatible servers); empty for llama-server. */
  private served: ServedModel[] = [];
  private backoffMs = BACKOFF_FIRST_MS;
  private recheckTimer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private disposed = false;
  /** The API key, asked once per connection (the client is asked over LSP, so not once per request). */
  private key: Promise<string | undefined> | undefined;
  lastMetrics: CompletionMetrics | null = null;

  constructor(
    private readonly log: Logger,
    /** The bearer token for the server, if any; asked on each new connection setting and after a change. */
    private readonly apiKey: () => Promise<string | undefined>,
  ) {}

  status(role: ModelRole): EngineStatus {
    return this.statuses[role];
  }

  onStatus(listener: (status: EngineStatus) => void): () => void {
    return this.listeners.add(listener);
  }

  configure(settings: HearthSettings): void {
    const before = this.settings.remote;
    this.settings = settings;
    const after = settings.remote;
    const connectionChanged =
      before.url !== after.url ||
      before.api !== after.api ||
      before.timeoutSeconds !== after.timeoutSeconds ||
      before.completionModel !== after.completionModel ||
      before.chatModel !== after.chatModel;
    if (connectionChanged) this.reconnect();
  }

  /** The API key changed: forget what the server said and ask again. */
  credentialsChanged(): void {
    this.reconnect();
  }

  warmUp(_role: ModelRole): void {
    if (this.disposed || this.settings.engine !== "remote") return;
    if (this.statuses.completion.state === "idle" || this.statuses.chat.state === "idle") void this.checkHealth();
  }

  async fillInMiddle(input: FimInput, options: FimGenerationOptions): Promise<FimResult> {
    // OpenAI-compatible servers offer one candidate: with the greedy one known, there is nothing to ask them.
    if (options.alternativesOnly && this.settings.remote.api !== "llama-server") {
      const metrics = { promptTokens: 0, evaluatedPromptTokens: 0, generatedTokens: 0, durationMs: 0, rawText: "" };
      return { text: "", alternatives: [], metrics: { ...metrics, stopReason: "eog" } };
    }
    const { api, completionModel, fimFormat } = this.settings.remote;
    const result = await this.track("completion", () =>
      api === "llama-server"
        ? this.llamaServer.fill(input, options)
        : openAiFim(this.http, completionModel, fimFormat, input, options),
    );
    this.lastMetrics = result.metrics;
    return result;
  }

  async predictEdit(input: NextEditInput, options: NextEditOptions): Promise<NextEditResult> {
    const { api } = this.settings.remote;
    const model = nextEditModelSetting(this.settings);
    try {
      const result = input.chat
        ? await chatNextEdit(this.http, input.chat, input, options, model, api === "llama-server" ? this.llamaServer : undefined)
        : api === "llama-server"
          ? await llamaServerNextEdit(this.http, this.llamaServer, input, options)
          : await openAiNextEdit(this.http, model, input, options);
      // The health check doesn't ask about next edits: an answer is what says the server serves them.
      if (this.statuses.nextEdit.state !== "ready") this.ready("nextEdit", model || "server default");
      return result;
    } catch (error) {
      if (!isAbortError(error)) this.fail("nextEdit", error);
      throw error;
    }
  }

  async nextEditFormat(signal: AbortSignal): Promise<NextEditPromptFormat> {
    const { api, nextEditModel } = this.settings.remote;
    // Unrecognised: Sweep's, whose request then says what the model lacks.
    if (api !== "llama-server") return recogniseNextEditFormat({ name: nextEditModel }) ?? "sweep";
    const info = await this.llamaServer.describe(signal);
    return recogniseNextEditFormat({ name: info.model, hasSpecialToken: (text) => info.specialIds.has(text) }) ?? "sweep";
  }

  async chat(input: ChatInput, options: ChatGenerationOptions): Promise<ChatReply> {
    const { maxTokens, temperature } = this.settings.chat;
    const { api, chatModel } = this.settings.remote;
    const info =
      api === "llama-server"
        ? // Only for the context size and slots: a failure here is the chat request's to report, not this lookup's.
          await this.llamaServer.describe(options.signal).catch(() => undefined)
        : undefined;
    let streamed = false;
    const run = () =>
      openAiChat(this.http, input, {
        ...options,
        onDelta: (delta) => {
          streamed = true;
          options.onDelta(delta);
        },
        model: chatModel,
        maxTokens,
        temperature: options.temperature ?? temperature,
        contextTokens: info?.contextSize ?? this.servedContext(chatModel) ?? DEFAULT_REMOTE_CONTEXT,
        slot: info ? this.llamaServer.slotFor("chat", info.slots) : undefined,
      });
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.track("chat", run);
      } catch (error) {
        // Only a request that failed before answering anything is safe to repeat.
        if (!(error instanceof RemoteError) || !error.transient || streamed || attempt >= CHAT_RETRIES) throw error;
        this.log.warn(`Remote chat failed (${error.message}); retrying.`);
        await abortableDelay(BACKOFF_FIRST_MS * 2 ** attempt, options.signal);
      }
    }
  }

  async agentStep(input: AgentStepInput, options: AgentStepOptions): Promise<AgentStepResult> {
    const { temperature } = this.settings.chat;
    const maxTokens = Math.min(options.maxTokens ?? this.settings.chat.maxTokens, this.settings.chat.maxTokens);
    const { api, chatModel } = this.settings.remote;
    const other = options.servedModel;
    // Right after a reconnect the list is being asked for again.
    if (other !== undefined) await this.checking;
    if (other !== undefined && !this.served.some((entry) => entry.id === other))
      throw new EngineError(
        `The server at ${this.http.url} no longer serves “${other}”.`,
        "Choose another of Hearth's models in the chat's model picker.",
      );
    const info = api === "llama-server" ? await this.llamaServer.describe(options.signal).catch(() => undefined) : undefined;
    const model = other ?? chatModel;
    const step = () =>
      openAiAgentStep(this.http, input, {
        ...options,
        model,
        maxTokens,
        temperature,
        contextTokens: info?.contextSize ?? this.servedContext(model) ?? DEFAULT_REMOTE_CONTEXT,
        slot: info ? this.llamaServer.slotFor("chat", info.slots) : undefined,
      });
    // Not retried: a step may have streamed text, and the loop asks again itself where that is safe. Another served
    // model's failure says nothing of the chat model's status.
    return other === undefined ? this.track("chat", step) : step();
  }

  /** The context /v1/models gave for a served model (vLLM's max_model_len); `""` is the server's first model. */
  private servedContext(model: string): number | undefined {
    return servedContext(this.served, model);
  }

  async countChatTokens(text: string, signal: AbortSignal): Promise<number | undefined> {
    // Only llama-server has a tokenizer endpoint; while the server is down a count would wait for its timeout.
    if (this.settings.remote.api !== "llama-server" || this.statuses.chat.state !== "ready") return undefined;
    return this.llamaServer.countTokens(text, signal).catch((error: unknown) => {
      if (!isAbortError(error))
        this.log.warn(`Remote token count failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
  }

  /**
   * The chat model, then the server's other models (an OpenAI-compatible server's /v1/models, less the embedding
   * models by name: their names say `embed`), each with the served context where the server says (llama-server's
   * per slot, an OpenAI server's max_model_len), else a lower bound.
   */
  async lmModels(signal: AbortSignal): Promise<LmModelChoice[]> {
    // A check under way is about to say what the server serves.
    await this.checking;
    const { api, chatModel } = this.settings.remote;
    const status = this.statuses.chat;
    const fromLlamaServer =
      api === "llama-server" && status.state === "ready"
        ? (await this.llamaServer.describe(signal).catch(() => undefined))?.contextSize
        : undefined;
    const label = chatModel || (status.state === "ready" && status.model) || "the server's chat model";
    return lmChoices(this.served, chatModel, label, fromLlamaServer ?? this.servedContext(chatModel));
  }

  /** A server's models are its own to load. */
  warmUpLm(): void {}

  /** The router asks the local engine; a remote engine on its own has no embedder. */
  embed(): Promise<number[][]> {
    return Promise.reject(
      new EngineError(
        "Embeddings run on the local engine.",
        "Set hearth.agent.embeddingModel; it loads locally.",
        "hearth.agent.embeddingModel",
      ),
    );
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.listeners.clear();
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
  }

  private reconnect(): void {
    this.key = undefined;
    this.http = this.createHttp(this.settings);
    this.llamaServer = new LlamaServerFim(this.http);
    this.served = [];
    this.backoffMs = BACKOFF_FIRST_MS;
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
    this.recheckTimer = undefined;
    for (const role of ["completion", "chat"] as const) this.setStatus({ role, state: "idle", model: this.serverLabel() });
    if (this.settings.engine === "remote") void this.checkHealth();
  }

  private createHttp(settings: HearthSettings): RemoteHttp {
    return new RemoteHttp({
      url: settings.remote.url,
      timeoutMs: settings.remote.timeoutSeconds * 1000,
      apiKey: () => {
        this.key ??= this.apiKey();
        return this.key;
      },
    });
  }

  /** Asks the server whether it is up and what it serves; sets both roles' status. One check at a time. */
  checkHealth(): Promise<void> {
    this.checking ??= this.runHealthCheck().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  private async runHealthCheck(): Promise<void> {
    const controller = new AbortController();
    // A reconnect while this check runs makes its answers another server's.
    const http = this.http;
    const { api, completionModel, chatModel } = this.settings.remote;
    for (const role of ["completion", "chat"] as const) {
      if (this.statuses[role].state !== "ready") this.setStatus({ role, state: "loading", model: this.serverLabel() });
    }
    try {
      if (api === "llama-server") {
        await this.http.json("/health", { signal: controller.signal });
        const chatInfo = await this.http.json<{ model_path?: string }>("/props", { signal: controller.signal });
        const chatName = (chatInfo.model_path ?? "").split(/[\\/]/).pop() || "llama-server";
        this.ready("chat", chatName);
        const info = await this.llamaServer.describeForCompletion(controller.signal).catch((error: unknown) => {
          this.fail("completion", error);
          return undefined;
        });
        if (info) this.ready("completion", `${info.model} (${info.fimTokens.family} FIM)`);
      } else {
        const models = await this.http.json<ModelsResponse>("/v1/models", { signal: controller.signal });
        if (http !== this.http) return;
        this.served = servedModelsOf(models);
        const served = this.served.map((entry) => entry.id);
        for (const [role, wanted, setting] of [
          ["completion", completionModel, "hearth.remote.completionModel"],
          ["chat", chatModel, "hearth.remote.chatModel"],
        ] as const) {
          const missing = unservedModel(this.served, wanted, this.http.url, setting);
          if (missing) this.fail(role, missing);
          else this.ready(role, wanted || served[0] || "server default");
        }
      }
    } catch (error) {
      if (http !== this.http) return;
      // A server that doesn't answer lists no models.
      this.served = [];
      this.fail("completion", error);
      this.fail("chat", error);
    }
  }

  /** Runs one request for a role; its outcome updates the role's status (an abort says nothing about the server). */
  private async track<T>(role: ModelRole, request: () => Promise<T>): Promise<T> {
    try {
      const result = await request();
      if (this.statuses[role].state !== "ready") void this.checkHealth();
      return result;
    } catch (error) {
      if (!isAbortError(error)) this.fail(role, error);
      throw error;
    }
  }

  private ready(role: ModelRole, model: string): void {
    this.backoffMs = BACKOFF_FIRST_MS;
    this.setStatus({ role, state: "ready", model, backend: this.serverLabel() });
  }

  private fail(role: ModelRole, error: unknown): void {
    const remote = error instanceof RemoteError ? error : undefined;
    const message = error instanceof Error ? error.message : String(error);
    const status: EngineStatus = {
      role,
      state: "error",
      model: this.serverLabel(),
      message,
      fix: remote?.fix ?? "See the Hearth log for details.",
      setting: remote?.setting,
    };
    const previous = this.statuses[role];
    if (previous.state !== "error" || previous.message !== message) this.log.error(`Remote ${role}: ${message} ${status.fix}`);
    this.setStatus(status);
    if (remote?.transient) this.scheduleRecheck();
  }

  private scheduleRecheck(): void {
    if (this.recheckTimer || this.disposed || this.settings.engine !== "remote") return;
    const wait = this.backoffMs;
    this.backoffMs = Math.min(BACKOFF_MAX_MS, this.backoffMs * 2);
    this.recheckTimer = setTimeout(() => {
      this.recheckTimer = undefined;
      void this.checkHealth();
    }, wait);
  }

  private serverLabel(): string {
    try {
      return `${this.settings.remote.api} @ ${new URL(this.settings.remote.url).host}`;
    } catch {
      return this.settings.remote.api;
    }
  }

  private setStatus(status: EngineStatus): void {
    this.statuses[status.role] = status;
    this.listeners.emit(status);
  }
}
