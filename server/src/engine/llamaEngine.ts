/**
 * The local model engine: node-llama-cpp in the language-server process.
 * The model loads on first use (never during activation), reloads when a reload-relevant setting changes,
 * and reports its state for the status bar.
 */
import { basename } from "node:path";
import type { CompletionMetrics, EngineStatus } from "../protocol";
import { DEFAULT_SETTINGS, type HearthSettings, needsModelReload } from "../settings";
import { generateFim } from "./fimGeneration";
import { type LlamaRuntime, resolveThreads, startLlamaRuntime } from "./llamaRuntime";
import { type LoadedModel, loadModel } from "./loadedModel";
import type { Logger } from "./logger";
import { EngineError, type FimGenerationOptions, type FimInput, type FimResult, type ModelEngine } from "./modelEngine";
import { checkModelFile } from "./modelFileCheck";

/** Load progress is reported at most this often, to keep the status notification cheap. */
const PROGRESS_INTERVAL_MS = 150;

export class LlamaEngine implements ModelEngine {
  private settings: HearthSettings = DEFAULT_SETTINGS;
  private current: Promise<LoadedModel> | undefined;
  private runtime: { key: string; value: Promise<LlamaRuntime> } | undefined;
  /** Serialises use of the single FIM sequence; each run waits for the one before it. */
  private queue: Promise<unknown> = Promise.resolve();
  private statusValue: EngineStatus = { state: "idle" };
  private readonly listeners = new Set<(status: EngineStatus) => void>();
  private disposed = false;
  private loadGeneration = 0;
  lastMetrics: CompletionMetrics | null = null;

  constructor(private readonly log: Logger) {}

  get status(): EngineStatus {
    return this.statusValue;
  }

  onStatus(listener: (status: EngineStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  configure(settings: HearthSettings): void {
    const reload = needsModelReload(this.settings, settings);
    const wasLoaded = this.current !== undefined;
    this.settings = settings;
    if (reload && wasLoaded) {
      this.unload();
      this.warmUp(); // the user was already using a model: load its replacement now rather than on the next keystroke
    } else if (!wasLoaded) {
      this.setStatus(this.idleStatus());
    }
  }

  warmUp(): void {
    this.ensureLoaded().catch(() => {
      // The failure is already in the status and the log; warm-up has no caller to tell.
    });
  }

  async fillInMiddle(input: FimInput, options: FimGenerationOptions): Promise<FimResult> {
    const loaded = await this.ensureLoaded();
    options.signal.throwIfAborted();
    const run = this.queue.then(async () => {
      options.signal.throwIfAborted();
      const result = await generateFim(loaded, input, options);
      this.lastMetrics = result.metrics;
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.listeners.clear();
    await this.queue;
    const loaded = this.current;
    this.current = undefined;
    await loaded?.then((model) => model.dispose()).catch(() => undefined);
    const runtime = this.runtime;
    this.runtime = undefined;
    await runtime?.value.then((r) => r.llama.dispose()).catch(() => undefined);
  }

  private ensureLoaded(): Promise<LoadedModel> {
    if (this.disposed) return Promise.reject(new Error("The engine has shut down."));
    this.current ??= this.load(this.settings);
    return this.current;
  }

  private async load(settings: HearthSettings): Promise<LoadedModel> {
    const generation = ++this.loadGeneration;
    // A load that a settings change has replaced must not overwrite the newer load's status.
    const setStatus = (status: EngineStatus) => {
      if (generation === this.loadGeneration) this.setStatus(status);
    };
    const path = settings.completion.model;
    const name = path === "" ? undefined : basename(path);
    try {
      await checkModelFile(path);
      setStatus({ state: "loading", model: name, progress: 0 });
      const threads = resolveThreads(settings.engine.threads);
      const runtime = await this.getRuntime(settings, threads);
      const started = performance.now();
      let lastReport = 0;
      const loaded = await loadModel(runtime, {
        path,
        contextSize: settings.engine.contextSize,
        threads,
        onProgress: (progress) => {
          const now = performance.now();
          if (now - lastReport < PROGRESS_INTERVAL_MS) return;
          lastReport = now;
          setStatus({ state: "loading", model: name, progress });
        },
      });
      this.log.info(
        `Loaded ${loaded.name} in ${Math.round(performance.now() - started)} ms on ${runtime.backend} with ${threads} threads` +
          ` (FIM format: ${loaded.fimTokens.family}, context ${loaded.fimSequence.contextSize} tokens).`,
      );
      setStatus({ state: "ready", model: name, backend: runtime.backend, message: runtime.fallbackReason });
      return loaded;
    } catch (error) {
      const status: EngineStatus =
        error instanceof EngineError
          ? { state: "error", model: name, message: error.message, fix: error.fix, setting: error.setting }
          : {
              state: "error",
              model: name,
              message: String(error instanceof Error ? error.message : error),
              fix: "See the Hearth log for details.",
            };
      this.log.error(`${status.message} ${status.fix ?? ""}`.trim());
      setStatus(status);
      throw error instanceof EngineError ? error : new EngineError(status.message ?? "Model load failed.", status.fix ?? "");
    }
  }

  private getRuntime(settings: HearthSettings, threads: number): Promise<LlamaRuntime> {
    const key = `${settings.engine.gpu}/${threads}`;
    if (this.runtime?.key !== key) {
      const previous = this.runtime;
      previous?.value.then((r) => r.llama.dispose()).catch(() => undefined);
      this.runtime = { key, value: startLlamaRuntime(settings.engine.gpu, threads, this.log) };
    }
    return this.runtime.value;
  }

  private unload(): void {
    const previous = this.current;
    this.current = undefined;
    this.lastMetrics = null;
    // Wait for any run on the old model to finish before freeing it.
    const release = this.queue.then(() => previous?.then((model) => model.dispose()));
    this.queue = release.catch(() => undefined);
  }

  private idleStatus(): EngineStatus {
    const path = this.settings.completion.model;
    if (path === "") {
      return {
        state: "error",
        message: "No completion model is set.",
        fix: "Set hearth.completion.model to the path of a .gguf file.",
        setting: "hearth.completion.model",
      };
    }
    return { state: "idle", model: basename(path) };
  }

  private setStatus(status: EngineStatus): void {
    this.statusValue = status;
    for (const listener of this.listeners) listener(status);
  }
}
