/**
 * Embeddings for the agent's code search, from hearth.agent.embeddingModel (a catalog embedder such as
 * bge-small-en-v1.5, an `hf:` URI, or a path), through node-llama-cpp's embedding context. Loaded on first use and
 * again when the setting changes; texts longer than the context are cut to it (a chunk is 40 lines).
 */
import type { LlamaEmbeddingContext, LlamaModel } from "node-llama-cpp";
import type { HearthSettings } from "../../shared/settings";
import { EngineError } from "../engineError";
import type { LocatedModel, LocateEmbeddingModel } from "../modelEngine";
import type { RuntimeProvider } from "./llamaRuntime";
import { checkModelFile } from "./modelFileCheck";

const SETTING = "hearth.agent.embeddingModel";
const CONTEXT_TOKENS = 2048;

interface LoadedEmbedder {
  model: LlamaModel;
  context: LlamaEmbeddingContext;
  /**
   * The most text tokens one embedding takes: node-llama-cpp adds the vocabulary's start and end tokens (BERT's
   * CLS and SEP) and refuses an input that fills the whole context.
   */
  maxTextTokens: number;
  /** Some embedders want the task named at the start of every text (the catalog says which; nomic's by name). */
  prefixes: { query: string; document: string };
}

/** nomic-embed files from elsewhere than the catalog still get the prefixes their card asks for. */
function prefixesOf(located: LocatedModel): LoadedEmbedder["prefixes"] {
  if (located.embeddingPrefixes) return located.embeddingPrefixes;
  return /nomic-embed-text/i.test(located.path)
    ? { query: "search_query: ", document: "search_document: " }
    : { query: "", document: "" };
}

export class Embedder {
  private loaded: Promise<LoadedEmbedder> | undefined;
  private path = "";

  constructor(
    private readonly runtimes: RuntimeProvider,
    private readonly locate: LocateEmbeddingModel,
  ) {}

  async embed(
    texts: readonly string[],
    kind: "query" | "document",
    settings: HearthSettings,
    signal: AbortSignal,
  ): Promise<number[][]> {
    const setting = settings.agent.embeddingModel.trim();
    if (setting === "")
      throw new EngineError("No embedding model is set.", `Set ${SETTING}: Hearth: Select Model… → Embedding model.`, SETTING);
    if (setting !== this.path || !this.loaded) {
      void this.release();
      this.path = setting;
      this.loaded = this.load(setting, settings);
      this.loaded.catch(() => {
        this.loaded = undefined;
      });
    }
    const { model, context, maxTextTokens, prefixes } = await this.loaded;
    const vectors: number[][] = [];
    for (const text of texts) {
      signal.throwIfAborted();
      const tokens = model.tokenize(`${prefixes[kind]}${text}`).slice(0, maxTextTokens);
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

  private async load(setting: string, settings: HearthSettings): Promise<LoadedEmbedder> {
    const located = await this.locate(settings);
    if (located.missingDownload)
      throw new EngineError(
        `The embedding model ${setting} is not downloaded.`,
        "Download it with Hearth: Select Model… → Embedding model.",
        SETTING,
      );
    await checkModelFile(located.path, "embedding", SETTING);
    const { runtime, threads } = await this.runtimes.get(settings);
    const model = await runtime.llama.loadModel({ modelPath: located.path });
    const contextSize = Math.min(CONTEXT_TOKENS, model.trainContextSize);
    const context = await model.createEmbeddingContext({ contextSize, threads });
    const maxTextTokens = contextSize - 1 - context.calculateInputLength([]);
    return { model, context, maxTextTokens, prefixes: prefixesOf(located) };
  }
}
