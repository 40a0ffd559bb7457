/**
 * Gets a node-llama-cpp runtime for the configured GPU backend, falling back to CPU when a requested backend
 * can't start. node-llama-cpp is ESM-only, so it is loaded with a real dynamic import (see esbuild.mjs).
 */
import { availableParallelism } from "node:os";
import type { Llama } from "node-llama-cpp";
import type { GpuSetting } from "../settings";
import type { Logger } from "./logger";

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
