/**
 * Gets a node-llama-cpp runtime for the configured GPU backend, falling back to CPU when a requested backend
 * can't start. node-llama-cpp is ESM-only, so it is loaded with a real dynamic import (see esbuild.mjs).
 */
import { availableParallelism } from "node:os";
import type { Llama } from "node-llama-cpp";
import type { Logger } from "../../logger";
import type { GpuSetting, HearthSettings } from "../../shared/settings";

export type LlamaModule = typeof import("node-llama-cpp");

let llamaModule: Promise<LlamaModule> | undefined;

export function loadLlamaModule(): Promise<LlamaModule> {
  llamaModule ??= import("node-llama-cpp");
  return llamaModule;
}

/** The thread count to use: the setting, or the machine's real parallelism (node-llama-cpp's own default is far too high on small machines). */
export function resolveThreads(setting: number): number {
  return setting > 0 ? setting : Math.max(1, availableParallelism());
}

export interface LlamaRuntime {
  llama: Llama;
  /** `cuda`, `vulkan`, `metal` or `cpu`. */
  backend: string;
  /** Set when the requested backend could not start and CPU is used instead. */
  fallbackReason?: string;
}

export async function startLlamaRuntime(gpu: GpuSetting, threads: number, log: Logger): Promise<LlamaRuntime> {
  const { getLlama, LlamaLogLevel } = await loadLlamaModule();
  const common = {
    maxThreads: threads,
    // Never compile llama.cpp on the user's machine: use the prebuilt binaries shipped in the VSIX.
    build: "never" as const,
    skipDownload: true,
    progressLogs: false,
    logLevel: LlamaLogLevel.warn,
    logger: (level: string, message: string) => {
      const text = message.trim();
      if (text !== "") log.warn(`[llama.cpp ${level}] ${text}`);
    },
  };
  const requested = gpu === "off" ? false : gpu;
  try {
    const llama = await getLlama({ ...common, gpu: requested });
    return { llama, backend: llama.gpu === false ? "cpu" : llama.gpu };
  } catch (error) {
    if (requested === false) throw error;
    const reason = `The ${gpu} backend could not start (${error instanceof Error ? error.message : String(error)}); using the CPU.`;
    log.warn(reason);
    const llama = await getLlama({ ...common, gpu: false });
    return { llama, backend: "cpu", fallbackReason: reason };
  }
}

/** Hands out the runtime for the current GPU and thread settings; both roles share it. */
export class RuntimeProvider {
  private readonly runtimes = new Map<string, Promise<LlamaRuntime>>();

  constructor(private readonly log: Logger) {}

  async get(settings: HearthSettings): Promise<{ runtime: LlamaRuntime; key: string; threads: number }> {
    const threads = resolveThreads(settings.local.threads);
    const key = `${settings.local.gpu}/${threads}`;
    let runtime = this.runtimes.get(key);
    if (runtime === undefined) {
      runtime = startLlamaRuntime(settings.local.gpu, threads, this.log);
      this.runtimes.set(key, runtime);
      runtime.catch(() => this.runtimes.delete(key));
    }
    return { runtime: await runtime, key, threads };
  }

  /** Disposes every runtime (and so every model on it); only at shutdown, since changing settings is rare. */
  async dispose(): Promise<void> {
    const all = [...this.runtimes.values()];
    this.runtimes.clear();
    await Promise.all(all.map((runtime) => runtime.then((r) => r.llama.dispose()).catch(() => undefined)));
  }
}
