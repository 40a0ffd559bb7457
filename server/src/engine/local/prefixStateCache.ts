/**
 * VS Code's agent sends the same ~10k-token system prompt and tool schemas in every request; evaluating them cold
 * costs minutes on a CPU, and a restart of the server used to pay that again. The provider's sequence state (its KV
 * cache and tokens) is saved to disk at the moment it holds exactly those instructions and tools, one file per chat
 * model (the newest prefix), and loaded into the provider's context when it is made again: once the chat model has
 * loaded, or at the latest before the first request's prompt is evaluated. It holds nothing of a conversation.
 *
 * A state loaded into another model may crash the process (node-llama-cpp's acceptRisk), so a state is keyed
 * strictly: the model file's path, size and modification time, llama.cpp's release and build, the backend, and the
 * context's sizes. Any difference deletes the files and the request goes on cold; so does a load that fails.
 *
 * On disk a state costs its tokens × the model's KV bytes per token (2 × layers × KV heads × head size × 2 bytes in
 * f16): ~57 KB a token for a 7B Qwen2.5, so ~0.6 GB for VS Code's agent prefix; one file per chat model.
 */
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import { commonPrefixLength } from "../../core/prefixRouting";
import type { Logger } from "../../logger";

/** Shorter prefixes are cheap to evaluate again; saving them would only cost disk writes. */
export const MIN_PREFIX_TOKENS = 2048;

/** A temporary file, or a state without its sidecar, this old was left by a save that never finished. */
const ORPHAN_AGE_MS = 10 * 60_000;

async function olderThan(path: string, ms: number): Promise<boolean> {
  return stat(path).then(
    (file) => Date.now() - file.mtimeMs > ms,
    () => false,
  );
}

/** What must all be the same for a saved state to be loaded (see the file comment). */
export interface PrefixStateKey {
  modelPath: string;
  modelBytes: number;
  modelModifiedMs: number;
  llamaCpp: string;
  build: string;
  backend: string;
  contextSize: number;
  sequenceContextSize: number;
}

export async function prefixStateKey(
  model: LlamaModel,
  modelPath: string,
  sequence: LlamaContextSequence,
): Promise<PrefixStateKey> {
  const file = await stat(modelPath);
  const { llama } = model;
  return {
    modelPath,
    modelBytes: file.size,
    modelModifiedMs: file.mtimeMs,
    llamaCpp: `${llama.llamaCppRelease.repo}@${llama.llamaCppRelease.release}`,
    build: `${llama.buildType} ${JSON.stringify(llama.cmakeOptions)}`,
    backend: `${llama.gpu || "cpu"} gpuLayers=${model.gpuLayers}`,
    contextSize: sequence.context.contextSize,
    sequenceContextSize: sequence.contextSize,
  };
}

interface Sidecar {
  key: PrefixStateKey;
  tokens: Token[];
}

export class PrefixStateCache {
  constructor(
    readonly directory: string,
    private readonly log: Logger,
  ) {}

  /** Deletes every saved state in `directory` (hearth.lm.savePromptState turned off). */
  static async clear(directory: string): Promise<void> {
    await rm(directory, { recursive: true, force: true });
  }

  /**
   * Deletes what can never be loaded again: states whose model file is gone or changed (a re-download, a deleted
   * model), states without a sidecar, and temporary files a crash left. Logged, never thrown.
   */
  async prune(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch {
      return; // nothing saved yet
    }
    const stale: string[] = [];
    for (const name of names) {
      const path = join(this.directory, name);
      const orphan = name.endsWith(".tmp") || (name.endsWith(".state") && !names.includes(name.replace(/\.state$/, ".json")));
      // Another window's server may be saving right now: only what is old enough is left over.
      if (orphan) {
        if (await olderThan(path, ORPHAN_AGE_MS)) stale.push(path);
      } else if (name.endsWith(".json") && !(await this.modelStillThere(path)))
        stale.push(path, path.replace(/\.json$/, ".state"));
    }
    for (const path of stale) await rm(path, { force: true }).catch(() => undefined);
    if (stale.length > 0) this.log.info(`Deleted ${stale.length} saved prompt state files that no model file matches.`);
  }

  /**
   * Whether the model file a sidecar names is still the one it was saved with (path, size, modification time). A
   * sidecar that can't be read now (another window's save is replacing it) counts as kept; one that doesn't parse,
   * as stale once it is old enough to be no save in progress.
   */
  private async modelStillThere(sidecar: string): Promise<boolean> {
    let key: PrefixStateKey;
    try {
      key = (JSON.parse(await readFile(sidecar, "utf8")) as Sidecar).key;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "ENOENT" || !(await olderThan(sidecar, ORPHAN_AGE_MS));
    }
    try {
      const file = await stat(key.modelPath);
      return file.size === key.modelBytes && file.mtimeMs === key.modelModifiedMs;
    } catch {
      return false; // the model is gone
    }
  }

  /** A save that failed before it began (the model file's key unreadable): logged, as `save` logs its own. */
  saveFailed(error: unknown): void {
    this.log.warn(`Could not save the prompt state for VS Code's Chat in ${this.directory}: ${String(error)}`);
  }

  /** Whether a state was saved for the model at `modelPath` (whatever its key). */
  async hasState(modelPath: string): Promise<boolean> {
    return stat(this.files({ modelPath }).sidecar).then(
      (file) => file.isFile(),
      () => false,
    );
  }

  /** The state and its sidecar (key and tokens), named after the model file: one of each per chat model. */
  private files({ modelPath }: Pick<PrefixStateKey, "modelPath">): { state: string; sidecar: string } {
    const name = createHash("sha256").update(modelPath).digest("hex").slice(0, 16);
    return { state: join(this.directory, `${name}.state`), sidecar: join(this.directory, `${name}.json`) };
  }

  /** The saved state's tokens when its key matches; a state whose key doesn't is deleted. */
  private async savedTokens(key: PrefixStateKey): Promise<Token[] | undefined> {
    const { sidecar } = this.files(key);
    let saved: Sidecar;
    try {
      saved = JSON.parse(await readFile(sidecar, "utf8")) as Sidecar;
    } catch {
      return undefined; // none saved (or a sidecar cut short: the state is never loaded without one)
    }
    if (JSON.stringify(saved.key) !== JSON.stringify(key) || !Array.isArray(saved.tokens)) {
      this.log.info(`The saved prompt state for ${key.modelPath} was made with another model file or settings: deleted.`);
      await this.remove(key);
      return undefined;
    }
    return saved.tokens;
  }

  private async remove(key: PrefixStateKey): Promise<void> {
    const { state, sidecar } = this.files(key);
    await rm(sidecar, { force: true });
    await rm(state, { force: true });
  }

  /**
   * Loads the saved state into an empty `sequence` when its key matches and, given a `prompt`, it shares at least
   * MIN_PREFIX_TOKENS with it; the prompt's evaluation then reuses the shared prefix and erases the rest. Without a
   * prompt (loaded ahead of the first request) it loads whenever the key matches. Returns the tokens shared or
   * loaded (0: cold).
   */
  async restore(sequence: LlamaContextSequence, key: PrefixStateKey, prompt?: readonly Token[]): Promise<number> {
    const tokens = await this.savedTokens(key);
    if (!tokens) return 0;
    const shared = prompt ? commonPrefixLength(tokens, prompt) : tokens.length;
    if (shared < MIN_PREFIX_TOKENS) return 0;
    const started = performance.now();
    try {
      await sequence.loadStateFromFile(this.files(key).state, { acceptRisk: true });
      const loaded = sequence.contextTokens;
      if (loaded.length !== tokens.length || commonPrefixLength(loaded, tokens) !== tokens.length)
        throw new Error("its tokens are not the ones its sidecar lists");
    } catch (error) {
      this.log.warn(`Could not load the saved prompt state for ${key.modelPath} (${String(error)}): deleted.`);
      await sequence.clearHistory().catch(() => undefined);
      await this.remove(key);
      return 0;
    }
    const ms = Math.round(performance.now() - started);
    this.log.info(
      prompt
        ? `Loaded the saved prompt state for VS Code's Chat: ${shared} of ${prompt.length} prompt tokens in ${ms} ms.`
        : `Loaded the saved prompt state for VS Code's Chat ahead of its first request: ${shared} tokens in ${ms} ms.`,
    );
    return shared;
  }

  /**
   * Saves `sequence`'s state (a prefix shared by conversations: see LmContext.prefixCheckpoint) unless the same
   * tokens are saved already; another prefix (other instructions, a changed tool list) replaces it: the newest wins.
   * The sidecar goes last, so a state without one is never loaded. A failure is logged, never thrown: the request
   * that passes the prefix goes on.
   */
  async save(sequence: LlamaContextSequence, key: PrefixStateKey): Promise<void> {
    const tokens = sequence.contextTokens.slice();
    if (tokens.length < MIN_PREFIX_TOKENS) return;
    const { state, sidecar } = this.files(key);
    const temporary = `.${process.pid}.tmp`;
    const started = performance.now();
    try {
      const saved = await this.savedTokens(key);
      if (saved && saved.length === tokens.length && commonPrefixLength(saved, tokens) === tokens.length) return;
      await mkdir(this.directory, { recursive: true });
      const { fileSize } = await sequence.saveStateToFile(state + temporary);
      await writeFile(sidecar + temporary, JSON.stringify({ key, tokens } satisfies Sidecar));
      await rm(sidecar, { force: true });
      await rename(state + temporary, state);
      await rename(sidecar + temporary, sidecar);
      this.log.info(
        `Saved the prompt state for VS Code's Chat: ${tokens.length} tokens, ${Math.round(fileSize / 1024)} KiB in ${Math.round(performance.now() - started)} ms.`,
      );
    } catch (error) {
      this.log.warn(`Could not save the prompt state for VS Code's Chat in ${this.directory}: ${String(error)}`);
    } finally {
      await rm(state + temporary, { force: true }).catch(() => undefined);
      await rm(sidecar + temporary, { force: true }).catch(() => undefined);
    }
  }
}
