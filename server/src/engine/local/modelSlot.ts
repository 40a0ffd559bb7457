/**
 * One role's model (completion or chat): loaded on first use, loaded again when a setting it depends on changes,
 * with a status for the client and a queue so one request at a time uses its context.
 */
import { basename } from "node:path";
import type { LlamaContext, LlamaModel } from "node-llama-cpp";
import type { Logger } from "../../logger";
import type { EngineStatus } from "../../shared/protocol";
import { type HearthSettings, type ModelRole, needsModelReload } from "../../shared/settings";
import { EngineError } from "../engineError";
import type { LocatedModel } from "../modelEngine";
import type { RuntimeProvider } from "./llamaRuntime";
import { explainLoadFailure, isOutOfMemory } from "./loadFailure";
import { cpuFallbacks, type ModelCache, type ModelLease } from "./modelCache";
import { checkModelFile } from "./modelFileCheck";

/** Load progress is reported at most this often, to keep status notifications cheap. */
const PROGRESS_INTERVAL_MS = 150;

export interface PreparedModel {
  /** One line for the log. */
  describe(): string;
  /** Something the user should know about how it was loaded (a context reduced to fit memory). */
  notice?: string;
  dispose(): Promise<void>;
}

/** What a role may need beyond its own model: the settings it loaded with, and another model on the same runtime. */
export interface PrepareExtras {
  settings: HearthSettings;
  /** Loads (or shares) another model file's weights on this role's runtime: a draft model. */
  acquire(path: string): Promise<ModelLease>;
}

export interface SlotDependencies {
  log: Logger;
  runtimes: RuntimeProvider;
  cache: ModelCache;
  onStatus(status: EngineStatus): void;
}

export class ModelSlot<T extends PreparedModel> {
  private settings: HearthSettings | undefined;
  private current: Promise<{ prepared: T; release(): Promise<void> }> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** The loaded model while `current` holds it, for what must not load it (a token count). */
  private loadedValue: T | undefined;
  private generation = 0;
  private statusValue: EngineStatus;

  constructor(
    readonly role: ModelRole,
    /** The raw setting value (a path, catalog id, hf: URI or auto), for the idle status. */
    private readonly currentSetting: (settings: HearthSettings) => string,
    private readonly setting: string,
    private readonly locate: (settings: HearthSettings) => Promise<LocatedModel>,
    private readonly prepare: (
      model: LlamaModel,
      path: string,
      contextSize: number,
      threads: number,
      more: PrepareExtras,
    ) => Promise<T>,
    private readonly deps: SlotDependencies,
  ) {
    this.statusValue = { role, state: "idle" };
  }

  get status(): EngineStatus {
    return this.statusValue;
  }

  configure(settings: HearthSettings): void {
    const previous = this.settings;
    this.settings = settings;
    const wasLoaded = this.current !== undefined;
    if (previous !== undefined && wasLoaded && needsModelReload(previous, settings, this.role)) {
      this.unload();
      this.warmUp(); // the user was using a model: load its replacement now rather than on the next request
    } else if (!wasLoaded) {
      this.setStatus(this.idleStatus());
    }
  }

  /** Loads again if the last load failed (say, the file has just been downloaded). */
  retryIfFailed(): void {
    if (this.statusValue.state !== "error" || this.current === undefined) return;
    this.current = undefined;
    this.loadedValue = undefined;
    this.warmUp();
  }

  warmUp(): void {
    this.ensureLoaded().catch(() => {
      // Already reported through the status and the log; a warm-up has no caller to tell.
    });
  }

  async ensureLoaded(): Promise<T> {
    if (this.settings === undefined) throw new Error("The engine is not configured yet.");
    this.current ??= this.load(this.settings);
    return (await this.current).prepared;
  }

  /** The model if it is loaded now; never starts a load. */
  get loaded(): T | undefined {
    return this.loadedValue;
  }

  /** Adds a notice to a ready model's status (a context made later had to be smaller than asked). */
  notify(notice: string): void {
    const status = this.statusValue;
    if (status.state !== "ready") return;
    this.deps.log.warn(notice);
    this.setStatus({ ...status, message: [status.message, notice].filter(Boolean).join(" ") });
  }

  /** Runs `work` when the requests before it on this slot's context have finished. */
  exclusive<R>(work: () => Promise<R>): Promise<R> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  async dispose(): Promise<void> {
    await this.queue;
    const current = this.current;
    this.current = undefined;
    this.loadedValue = undefined;
    await current?.then((loaded) => loaded.prepared.dispose().then(() => loaded.release())).catch(() => undefined);
  }

  private async load(settings: HearthSettings): Promise<{ prepared: T; release(): Promise<void> }> {
    const generation = ++this.generation;
    // A load that a settings change replaced must not overwrite the newer load's status.
    const setStatus = (status: EngineStatus) => {
      if (generation === this.generation) this.setStatus(status);
    };
    const role = this.role;
    let name: string | undefined;
    try {
      const located = await this.locate(settings);
      const path = located.path;
      name = path === "" ? undefined : basename(path);
      if (located.missingDownload) {
        const { repo, file, sizeBytes } = located.missingDownload;
        throw new EngineError(
          `${file} is not downloaded yet.`,
          "Run Hearth: Select Model… or choose Download; nothing is downloaded without your consent.",
          this.setting,
          { repo, file, sizeBytes },
        );
      }
      await checkModelFile(path, role, this.setting);
      setStatus({ role, state: "loading", model: name, progress: 0 });
      const { runtime, key, threads } = await this.deps.runtimes.get(settings);
      const started = performance.now();
      let lastReport = 0;
      let lease: Awaited<ReturnType<ModelCache["acquire"]>>;
      try {
        lease = await this.deps.cache.acquire(runtime, key, path, (progress) => {
          const now = performance.now();
          if (now - lastReport < PROGRESS_INTERVAL_MS) return;
          lastReport = now;
          setStatus({ role, state: "loading", model: name, progress });
        });
      } catch (error) {
        throw await explainLoadFailure(path, error, this.setting);
      }
      let prepared: T;
      try {
        prepared = await this.prepare(lease.model, path, settings.local.contextSize, threads, {
          settings,
          acquire: (other) => this.deps.cache.acquire(runtime, key, other, () => undefined),
        });
      } catch (error) {
        await lease.release();
        throw error;
      }
      this.deps.log.info(
        `Loaded ${name} for ${role} in ${Math.round(performance.now() - started)} ms on ${runtime.backend} with ${threads} threads (${prepared.describe()}).`,
      );
      const onCpu = cpuFallbacks.has(lease.model)
        ? "The GPU had too little free memory for this model, so it runs on the CPU (slower); close programs using the GPU and restart Hearth to use it."
        : undefined;
      const message = [runtime.fallbackReason, onCpu, prepared.notice].filter(Boolean).join(" ") || undefined;
      if (prepared.notice) this.deps.log.warn(prepared.notice);
      setStatus({ role, state: "ready", model: name, backend: onCpu ? "cpu" : runtime.backend, message });
      if (generation === this.generation) this.loadedValue = prepared;
      return { prepared, release: lease.release };
    } catch (error) {
      const status: EngineStatus =
        error instanceof EngineError
          ? {
              role,
              state: "error",
              model: name,
              message: error.message,
              fix: error.fix,
              setting: error.setting,
              download: error.download,
            }
          : {
              role,
              state: "error",
              model: name,
              message: error instanceof Error ? error.message : String(error),
              fix: "See the Hearth log for details.",
            };
      this.deps.log.error(`${status.message} ${status.fix ?? ""}`.trim());
      setStatus(status);
      throw error instanceof EngineError ? error : new EngineError(status.message ?? "Model load failed.", status.fix ?? "");
    }
  }

  /** Loads the model again now (a draft it lacked has been downloaded). */
  reload(): void {
    if (this.current === undefined) return;
    this.unload();
    this.warmUp();
  }

  /** Frees the model (once queued requests finish), e.g. when the remote engine takes over. */
  release(): void {
    if (this.current === undefined) return;
    this.unload();
    this.setStatus(this.idleStatus());
  }

  private unload(): void {
    const previous = this.current;
    this.current = undefined;
    this.loadedValue = undefined;
    this.generation++;
    // Free the old model once the requests already queued on it are done.
    const release = this.queue.then(() => previous?.then((loaded) => loaded.prepared.dispose().then(() => loaded.release())));
    this.queue = release.catch(() => undefined);
  }

  private idleStatus(): EngineStatus {
    const path = this.settings ? this.currentSetting(this.settings) : "";
    if (path === "" && this.role === "nextEdit") {
      // No next-edit model is a choice, not a fault: ghost text goes on alone.
      return { role: this.role, state: "disabled", message: "No next-edit model is set (hearth.nextEdit.model)." };
    }
    if (path === "") {
      return {
        role: this.role,
        state: "error",
        message: `No ${this.role} model is set.`,
        fix: `Set ${this.setting} to the path of a .gguf file.`,
        setting: this.setting,
      };
    }
    return { role: this.role, state: "idle", model: basename(path) };
  }

  private setStatus(status: EngineStatus): void {
    this.statusValue = status;
    this.deps.onStatus(status);
  }
}

/** Creates a context, turning an out-of-memory failure into advice. */
/** The smallest context worth having; below it, not enough memory is an error. */
const MIN_CONTEXT = 1024;

/**
 * Creates a context of the requested size, or, when memory runs short, the largest that fits (halving down to 1,024
 * tokens); the caller tells the user through contextNotice().
 */
export async function createContextOrExplain(
  model: Pick<LlamaModel, "createContext" | "trainContextSize">,
  name: string,
  contextSize: number,
  threads: number,
  sequences = 1,
  /** The setting that asks for `contextSize`, for the advice. */
  setting = "hearth.local.contextSize",
): Promise<LlamaContext> {
  let size = Math.min(contextSize, model.trainContextSize);
  for (;;) {
    try {
      // Sliding-window models (Gemma 4, Mellum2) would otherwise keep only the window's KV cache, and the prefix reuse
      // that makes a keystroke cost 1–2 tokens would stop at the window; no effect on other models.
      return await model.createContext({ contextSize: size, threads, sequences, swaFullCache: true });
    } catch (error) {
      if (size / 2 >= MIN_CONTEXT && isOutOfMemory(error)) {
        size = Math.floor(size / 2);
        continue;
      }
      throw new EngineError(
        `Not enough memory for a ${size}-token context with ${name}: ${error instanceof Error ? error.message : String(error)}`,
        `Lower ${setting}, close other programs, or choose a smaller model.`,
        setting,
      );
    }
  }
}

/** What to tell the user when the context had to be smaller than asked, or undefined. */
export function contextNotice(
  context: Pick<LlamaContext, "contextSize">,
  requested: number,
  model: Pick<LlamaModel, "trainContextSize">,
  setting = "hearth.local.contextSize",
): string | undefined {
  const wanted = Math.min(requested, model.trainContextSize);
  return context.contextSize < wanted
    ? `Context reduced to ${context.contextSize} tokens to fit in memory (${setting} asks for ${requested}).`
    : undefined;
}
