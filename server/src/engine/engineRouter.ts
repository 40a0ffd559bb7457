/**
 * The engine the features use: the local one (node-llama-cpp in this process) or the remote one (HTTP to a
 * serving engine), as `hearth.engine` says. Only the active engine's status reaches the client; switching to the
 * remote engine frees the local models.
 */
import { Listeners } from "../core/listeners";
import type { NextEditPromptFormat } from "../core/nextEdit/nextEditFormat";
import type { CompletionMetrics, EngineLoad, EngineStatus, Hardware } from "../shared/protocol";
import { DEFAULT_SETTINGS, type HearthSettings, type ModelRole } from "../shared/settings";
import type { LlamaEngine } from "./local/llamaEngine";
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
} from "./modelEngine";
import type { RemoteEngine } from "./remote/remoteEngine";

export class EngineRouter implements ModelEngine {
  private readonly listeners = new Listeners<EngineStatus>();
  private settings: HearthSettings = DEFAULT_SETTINGS;
  private readonly unsubscribe: (() => void)[];
  readonly load: EngineLoad = { liveCompletions: 0, maxLiveCompletions: 0, completions: 0, speculativeCompletions: 0 };

  constructor(
    readonly local: LlamaEngine,
    readonly remote: RemoteEngine,
  ) {
    this.unsubscribe = [
      local.onStatus((status) => this.forward("local", status)),
      remote.onStatus((status) => this.forward("remote", status)),
    ];
  }

  private get active(): ModelEngine {
    return this.settings.engine === "remote" ? this.remote : this.local;
  }

  /** The last requested (not speculative) completion's measurements. */
  lastMetrics: CompletionMetrics | null = null;
  /** The last requested completion's prompt as text, for tests (debug request). */
  lastPromptText: (() => string) | undefined;

  status(role: ModelRole): EngineStatus {
    return this.active.status(role);
  }

  onStatus(listener: (status: EngineStatus) => void): () => void {
    return this.listeners.add(listener);
  }

  configure(settings: HearthSettings): void {
    const switched = settings.engine !== this.settings.engine;
    this.settings = settings;
    if (switched && settings.engine === "remote") this.local.release();
    this.local.configure(settings);
    this.remote.configure(settings);
    if (switched) {
      for (const role of ["completion", "chat", "nextEdit"] as const) this.emit(this.active.status(role));
      if (settings.engine === "remote") this.remote.warmUp("completion");
    }
  }

  warmUp(role: ModelRole): void {
    this.active.warmUp(role);
  }

  async fillInMiddle(input: FimInput, options: FimGenerationOptions): Promise<FimResult> {
    // Count work that is still wanted: a call leaves the count when it ends or is aborted, whichever comes first.
    const load = this.load;
    let counted = true;
    const leave = () => {
      if (counted) load.liveCompletions--;
      counted = false;
    };
    if (options.speculative) load.speculativeCompletions++;
    else load.completions++;
    load.liveCompletions++;
    load.maxLiveCompletions = Math.max(load.maxLiveCompletions, load.liveCompletions);
    options.signal.addEventListener("abort", leave, { once: true });
    try {
      const result = await this.active.fillInMiddle(input, options);
      if (!options.speculative) {
        this.lastMetrics = result.metrics;
        this.lastPromptText = result.promptText;
      }
      return result;
    } finally {
      options.signal.removeEventListener("abort", leave);
      leave();
    }
  }

  chat(input: ChatInput, options: ChatGenerationOptions): Promise<ChatReply> {
    return this.active.chat(input, options);
  }

  predictEdit(input: NextEditInput, options: NextEditOptions): Promise<NextEditResult> {
    return this.active.predictEdit(input, options);
  }

  nextEditFormat(signal: AbortSignal): Promise<NextEditPromptFormat> {
    return this.active.nextEditFormat(signal);
  }

  agentStep(input: AgentStepInput, options: AgentStepOptions): Promise<AgentStepResult> {
    return this.active.agentStep(input, options);
  }

  countChatTokens(text: string, signal: AbortSignal): Promise<number | undefined> {
    return this.active.countChatTokens(text, signal);
  }

  lmModels(signal: AbortSignal): Promise<LmModelChoice[]> {
    return this.active.lmModels(signal);
  }

  warmUpLm(): void {
    this.active.warmUpLm();
  }

  /** Always the local engine's: the embedder is small, and the code stays on this machine. */
  embed(texts: readonly string[], kind: "query" | "document", signal: AbortSignal): Promise<number[][]> {
    return this.local.embed(texts, kind, signal);
  }

  /** This machine's hardware, for choosing local models (the catalog is about local models either way). */
  hardware(): Promise<Hardware> {
    return this.local.hardware();
  }

  retryFailedLoads(): void {
    this.local.retryFailedLoads();
  }

  async dispose(): Promise<void> {
    for (const stop of this.unsubscribe) stop();
    this.listeners.clear();
    await Promise.all([this.local.dispose(), this.remote.dispose()]);
  }

  private forward(from: "local" | "remote", status: EngineStatus): void {
    if (from === (this.settings.engine === "remote" ? "remote" : "local")) this.emit(status);
  }

  private emit(status: EngineStatus): void {
    this.listeners.emit(status);
  }
}
