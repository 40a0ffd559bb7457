/**
 * Shares loaded model weights between roles: when the chat model is the same file as the completion model,
 * it is loaded once and each role gets its own context on it.
 */
import type { LlamaModel } from "node-llama-cpp";
import type { LlamaRuntime } from "./llamaRuntime";
import { isOutOfMemory } from "./loadFailure";

interface Entry {
  model: Promise<LlamaModel>;
  users: number;
}

export interface ModelLease {
  model: LlamaModel;
  /** Frees the weights once no role uses them. */
  release(): Promise<void>;
}

export class ModelCache {
  private readonly entries = new Map<string, Entry>();

  async acquire(
    runtime: LlamaRuntime,
    runtimeKey: string,
    path: string,
    onProgress: (fraction: number) => void,
  ): Promise<ModelLease> {
    const key = `${runtimeKey}\u0000${path}`;
    let entry = this.entries.get(key);
    if (entry === undefined) {
      const created: Entry = { model: loadWithFallback(runtime, path, onProgress), users: 0 };
      entry = created;
      this.entries.set(key, created);
      created.model.catch(() => {
        if (this.entries.get(key) === created) this.entries.delete(key);
      });
    }
    entry.users++;
    const owned = entry;
    let model: LlamaModel;
    try {
      model = await owned.model;
    } catch (error) {
      owned.users--;
      throw error;
    }
    let released = false;
    return {
      model,
      release: async () => {
        if (released) return;
        released = true;
        owned.users--;
        if (owned.users === 0 && this.entries.get(key) === owned) {
          this.entries.delete(key);
          await model.dispose();
        }
      },
    };
  }
}

/**
 * Loads with node-llama-cpp's automatic GPU offload; if the GPU runs out of memory anyway (another program took
 * VRAM meanwhile), loads again on the CPU and says so through `cpuFallback`.
 */
async function loadWithFallback(
  runtime: LlamaRuntime,
  path: string,
  onProgress: (fraction: number) => void,
): Promise<LlamaModel> {
  try {
    return await runtime.llama.loadModel({ modelPath: path, onLoadProgress: onProgress });
  } catch (error) {
    if (runtime.backend === "cpu" || !isOutOfMemory(error)) throw error;
    const model = await runtime.llama.loadModel({ modelPath: path, onLoadProgress: onProgress, gpuLayers: 0 });
    cpuFallbacks.add(model);
    return model;
  }
}

/** Models that had to be loaded on the CPU because the GPU was out of memory. */
export const cpuFallbacks = new WeakSet<LlamaModel>();
