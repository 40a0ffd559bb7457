/**
 * Embeddings for the agent's code search, from the GGUF named by hearth.agent.embeddingModel (a small embedder such
 * as nomic-embed-text-v1.5, ~140 MB at Q8_0), through node-llama-cpp's embedding context. Loaded on first use and
 * again when the setting changes; texts longer than the context are cut to it (a chunk is 40 lines).
 */
import type { LlamaEmbeddingContext, LlamaModel } from "node-llama-cpp";
import type { HearthSettings } from "../../shared/settings";
import { EngineError } from "../engineError";
import type { RuntimeProvider } from "./llamaRuntime";
import { checkModelFile } from "./modelFileCheck";

const SETTING = "hearth.agent.embeddingModel";
const CONTEXT_TOKENS = 2048;

interface LoadedEmbedder {
  model: LlamaModel;
  context: LlamaEmbeddingContext;
  contextSize: number;
  /** nomic-embed models want their task named at the start of every text. */
  prefixes: { query: string; document: string };
}

export class Embedder {
  private loaded: Promise<LoadedEmbedder> | undefined;
  private path = "";

  constructor(private readonly runtimes: RuntimeProvider) {}

  async embed(
    texts: readonly string[],
    kind: "query" | "document",
    settings: HearthSettings,
    signal: AbortSignal,
  ): Promise<number[][]> {
    const path = settings.agent.embeddingModel;
    if (path === "") throw new EngineError("No embedding model is set.", `Set ${SETTING} to a .gguf embedding model.`, SETTING);
    if (path !== this.path || !this.loaded) {
      void this.release();
      this.path = path;
      this.loaded = this.load(path, settings);
      this.loaded.catch(() => {
        this.loaded = undefined;
      });
    }
    const { model, context, contextSize, prefixes } = await this.loaded;
    const vectors: number[][] = [];
    for (const text of texts) {
      signal.throwIfAborted();
      const tokens = model.tokenize(`${prefixes[kind]}${text}`).slice(0, contextSize);
      vectors.push([...(await context.getEmbeddingFor(tokens)).vector]);
    }
    return vectors;
  }

  async release(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = undefined;
    this.path = "";
    const done = await loaded?.catch(() => undefined);
    await done?.context.dispose();
    await done?.model.dispose();
  }

  private async load(path: string, settings: HearthSettings): Promise<LoadedEmbedder> {
    await checkModelFile(path, "embedding", SETTING);
    const { runtime, threads } = await this.runtimes.get(settings);
    const model = await runtime.llama.loadModel({ modelPath: path });
    const contextSize = Math.min(CONTEXT_TOKENS, model.trainContextSize);
    const context = await model.createEmbeddingContext({ contextSize, threads });
    const nomic = /nomic-embed/i.test(path);
    return {
      model,
      context,
      contextSize,
      prefixes: nomic ? { query: "search_query: ", document: "search_document: " } : { query: "", document: "" },
    };
  }
}
