/**
 * Shares loaded model weights between roles: when the chat model is the same file as the completion model,
 * it is loaded once and each role gets its own context on it.
 */
import type { LlamaModel } from "node-llama-cpp";
import type { LlamaRuntime } from "./llamaRuntime";

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
      const created: Entry = { model: runtime.llama.loadModel({ modelPath: path, onLoadProgress: onProgress }), users: 0 };
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
