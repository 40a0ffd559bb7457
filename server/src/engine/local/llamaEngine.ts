/**
 * The local model engine: node-llama-cpp in the language-server process, with a completion (FIM) model, a
 * chat model and, when one is set, a next-edit model. Each loads on first use (never during activation) and again when a setting it depends on changes;
 * the same file for both roles is loaded once.
 */

import { existsSync } from "node:fs";
import { freemem } from "node:os";
import { Listeners } from "../../core/listeners";
import type { NextEditPromptFormat } from "../../core/nextEdit/nextEditFormat";
import type { Logger } from "../../logger";
import { type CompletionMetrics, cpuOnlyHardware, type EngineStatus, type Hardware } from "../../shared/protocol";
import { DEFAULT_SETTINGS, type HearthSettings, type ModelRole, nextEditModelSetting } from "../../shared/settings";
import { EngineError } from "../engineError";
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
  LocateDraftModel,
  LocateEmbeddingModel,
  LocateModel,
  ModelEngine,
  NextEditInput,
  NextEditOptions,
  NextEditResult,
} from "../modelEngine";
import { generateAgentStep } from "./agentGeneration";
import { generateChat } from "./chatGeneration";
import { type ChatModel, prepareChatModel } from "./chatModel";
import { Embedder } from "./embedder";
import { generateFim } from "./fimGeneration";
import { type FimModel, prepareFimModel } from "./fimModel";
import { RuntimeProvider } from "./llamaRuntime";
import { LM_SEQUENCES, type LmContext } from "./lmContext";
import { ModelCache } from "./modelCache";
import { ModelSlot } from "./modelSlot";
import { generateNextEdit } from "./nextEditGeneration";
import { type NextEditModel, prepareNextEditModel } from "./nextEditModel";
import { PrefixStateCache } from "./prefixStateCache";
import { PriorityGate } from "./priorityGate";

export class LlamaEngine implements ModelEngine {
  private readonly listeners = new Listeners<EngineStatus>();
  private readonly runtimes: RuntimeProvider;
  private readonly gate = new PriorityGate();
  private readonly completion: ModelSlot<FimModel>;
  private readonly chatSlot: ModelSlot<ChatModel>;
  private readonly nextEditSlot: ModelSlot<NextEditModel>;
  private readonly embedder: Embedder;
  private settings: HearthSettings = DEFAULT_SETTINGS;
  private disposed = false;
  private readonly prefixCacheDirectory: () => string | undefined;
  private pruned = false;
  lastMetrics: CompletionMetrics | null = null;

  constructor(
    private readonly log: Logger,
    /** Where a role's model setting points on disk (the models feature's locator); the default takes it as a path. */
    private readonly locateModel: LocateModel = async (role, settings) => ({
      path: settings[role].model,
    }),
    locateEmbedding: LocateEmbeddingModel = async (settings) => ({ path: settings.agent.embeddingModel }),
    /** Where VS Code's chat's prefix states are saved (asked when its context is made); none: never saved. */
    prefixCacheDirectory: () => string | undefined = () => undefined,
    /** Where hearth.chat.draftModel points (the models feature resolves `auto` and catalog ids); the default takes a path. */
    locateDraft: LocateDraftModel = async (settings) =>
      settings.chat.draftModel === "" || settings.chat.draftModel === "auto" ? undefined : { path: settings.chat.draftModel },
  ) {
    this.runtimes = new RuntimeProvider(log);
    this.embedder = new Embedder(this.runtimes, locateEmbedding);
    const deps = {
      log,
      runtimes: this.runtimes,
      cache: new ModelCache(),
      onStatus: (status: EngineStatus) => {
        this.listeners.emit(status);
      },
    };
    const locate = (role: ModelRole) => (s: HearthSettings) => this.locateModel(role, s);
    this.completion = new ModelSlot(
      "completion",
      (s) => s.completion.model,
      "hearth.completion.model",
      locate("completion"),
      prepareFimModel,
      deps,
    );
    const prefixCache = () => {
      const directory = prefixCacheDirectory();
      return directory && this.settings.lm.savePromptState ? new PrefixStateCache(directory, log) : undefined;
    };
    this.prefixCacheDirectory = prefixCacheDirectory;
    this.chatSlot = new ModelSlot(
      "chat",
      (s) => s.chat.model,
      "hearth.chat.model",
      locate("chat"),
      (model, path, contextSize, threads, { settings, acquire }) =>
        prepareChatModel(model, path, contextSize, threads, prefixCache, { locate: () => locateDraft(settings), acquire }).then(
          (chat) => {
            void this.preloadLmPrefix(chat);
            return chat;
          },
        ),
      deps,
    );
    this.nextEditSlot = new ModelSlot(
      "nextEdit",
      nextEditModelSetting,
      "hearth.nextEdit.model",
      locate("nextEdit"),
      prepareNextEditModel,
      deps,
    );
  }

  status(role: ModelRole): EngineStatus {
    return this.slot(role).status;
  }

  onStatus(listener: (status: EngineStatus) => void): () => void {
    return this.listeners.add(listener);
  }

  configure(settings: HearthSettings): void {
    this.settings = settings;
    // Turned off: what was saved goes too (it holds a request's text and tool results).
    const saved = this.prefixCacheDirectory();
    if (!settings.lm.savePromptState && saved)
      void PrefixStateCache.clear(saved).catch((error) =>
        this.log.warn(`Could not delete the saved prompt states in ${saved}: ${String(error)}`),
      );
    // Once a session: the states of model files deleted or replaced since would never be loaded again.
    else if (saved && !this.pruned) {
      this.pruned = true;
      void new PrefixStateCache(saved, this.log).prune();
    }
    this.completion.configure(settings);
    this.chatSlot.configure(settings);
    this.nextEditSlot.configure(settings);
  }

  warmUp(role: ModelRole): void {
    if (!this.disposed) this.slot(role).warmUp();
  }

  async fillInMiddle(input: FimInput, options: FimGenerationOptions): Promise<FimResult> {
    const loaded = await this.completion.ensureLoaded();
    options.signal.throwIfAborted();
    return this.completion.exclusive(async () => {
      options.signal.throwIfAborted();
      // While this runs, chat generation pauses between tokens.
      const result = await this.gate.runWithPriority(() => generateFim(loaded, input, options));
      this.lastMetrics = result.metrics;
      return result;
    });
  }

  async predictEdit(input: NextEditInput, options: NextEditOptions): Promise<NextEditResult> {
    const loaded = await this.nextEditSlot.ensureLoaded();
    options.signal.throwIfAborted();
    return this.nextEditSlot.exclusive(() => {
      options.signal.throwIfAborted();
      return generateNextEdit(loaded, input, options, this.gate);
    });
  }

  async nextEditFormat(signal: AbortSignal): Promise<NextEditPromptFormat> {
    const loaded = await this.nextEditSlot.ensureLoaded();
    signal.throwIfAborted();
    return loaded.format;
  }

  async chat(input: ChatInput, options: ChatGenerationOptions): Promise<ChatReply> {
    const loaded = await this.chatSlot.ensureLoaded();
    const { maxTokens, temperature } = this.settings.chat;
    return this.chatSlot.exclusive(() =>
      generateChat(loaded, input, { ...options, maxTokens, temperature: options.temperature ?? temperature, gate: this.gate }),
    );
  }

  async agentStep(input: AgentStepInput, options: AgentStepOptions): Promise<AgentStepResult> {
    if (options.servedModel)
      throw new EngineError(
        `“${options.servedModel}” is a remote server's model, and Hearth now runs its local engine.`,
        "Choose Hearth's local model in the chat's model picker.",
      );
    const loaded = await this.chatSlot.ensureLoaded();
    const { temperature } = this.settings.chat;
    const maxTokens = Math.min(options.maxTokens ?? this.settings.chat.maxTokens, this.settings.chat.maxTokens);
    // One queue for the chat model's contexts, VS Code's included: one generation at a time on these weights.
    return this.chatSlot.exclusive(async () => {
      // The prompt yields to inline completions between chunks; LlamaChat's generation can't pause between tokens
      // as chat does, so it starts only while no inline completion runs.
      await this.gate.whenClear();
      const lmContext = options.contextFor === "lm" ? await this.lmContextOf(loaded) : undefined;
      return generateAgentStep(loaded, input, { ...options, maxTokens, temperature, gate: this.gate, lmContext });
    });
  }

  async countChatTokens(text: string): Promise<number | undefined> {
    // A count never loads the model: VS Code asks for one before every request, and an estimate serves until then.
    const loaded = this.chatSlot.loaded;
    if (!loaded) return undefined;
    try {
      return loaded.model.tokenize(text).length;
    } catch {
      return undefined; // unloaded meanwhile: the caller estimates
    }
  }

  async lmModels(): Promise<LmModelChoice[]> {
    const status = this.chatSlot.status;
    const requested = this.settings.lm.contextSize;
    return [
      {
        label: status.model ?? this.settings.chat.model,
        where: status.backend ? `local, ${status.backend}` : "local",
        contextSize: this.chatSlot.loaded?.lm.sizeFor(requested) ?? requested,
      },
    ];
  }

  warmUpLm(): void {
    const directory = this.prefixCacheDirectory();
    if (this.disposed || this.chatSlot.loaded || !directory || !this.settings.lm.savePromptState) return;
    // Only for someone who used VS Code's chat with this model: a state was saved for it.
    void (async () => {
      const located = await this.locateModel("chat", this.settings);
      if (located.path === "" || located.missingDownload) return;
      if (await new PrefixStateCache(directory, this.log).hasState(located.path)) this.chatSlot.warmUp();
    })().catch(() => undefined);
  }

  /** Once the chat model has loaded: its saved prefix state, into VS Code's chat's context, ahead of a request. */
  private async preloadLmPrefix(chat: ChatModel): Promise<void> {
    try {
      if (!(await chat.lm.hasSavedPrefix())) return;
      await this.chatSlot.exclusive(async () => {
        await this.gate.whenClear();
        await (await this.lmContextOf(chat)).preload();
      });
    } catch (error) {
      this.log.info(`The saved prompt state for VS Code's Chat was not loaded ahead: ${String(error)}`);
    }
  }

  /** VS Code's chat's context on the chat model, made at its first request (lmContext.ts). */
  private async lmContextOf(loaded: ChatModel): Promise<LmContext> {
    const { context, made, notice } = await loaded.lm.get(this.settings.lm.contextSize);
    if (made)
      this.log.info(
        `Made the context for VS Code's Chat on ${loaded.name}: ${LM_SEQUENCES} sequences of ${context.contextSize} tokens.`,
      );
    if (notice) this.chatSlot.notify(notice);
    return context;
  }

  embed(texts: readonly string[], kind: "query" | "document", signal: AbortSignal): Promise<number[][]> {
    return this.embedder.embed(texts, kind, this.settings, signal);
  }

  /** Frees every model; they load again on next use. */
  release(): void {
    this.completion.release();
    this.chatSlot.release();
    this.nextEditSlot.release();
  }

  /** After a download: models whose load failed try again. */
  retryFailedLoads(): void {
    this.completion.retryIfFailed();
    this.chatSlot.retryIfFailed();
    this.nextEditSlot.retryIfFailed();
    // A chat model that runs without its draft because the draft wasn't downloaded takes it now (only once it is).
    const missing = this.chatSlot.loaded?.draftMissing;
    if (missing && existsSync(missing)) this.chatSlot.reload();
  }

  /** The backend and free memory, for choosing models. */
  async hardware(): Promise<Hardware> {
    const { runtime } = await this.runtimes.get(this.settings);
    const vram = runtime.backend === "cpu" ? { free: 0 } : await runtime.llama.getVramState();
    return { ...cpuOnlyHardware(freemem()), backend: runtime.backend, freeVramBytes: vram.free };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.listeners.clear();
    await Promise.all([this.completion.dispose(), this.chatSlot.dispose(), this.nextEditSlot.dispose(), this.embedder.release()]);
    await this.runtimes.dispose();
  }

  private slot(role: ModelRole): ModelSlot<FimModel> | ModelSlot<ChatModel> | ModelSlot<NextEditModel> {
    return role === "chat" ? this.chatSlot : role === "nextEdit" ? this.nextEditSlot : this.completion;
  }
}
