/**
 * The context for another chat's requests (VS Code's Chat, Agent and inline chat through `hearth/lm/step`): its own
 * LlamaContext on the chat model's already loaded weights, so Hearth's chat never evicts the agent's prefix and the
 * other way round. Made at the first such request (someone who never uses VS Code's chat pays nothing), sized by
 * hearth.lm.contextSize and reduced to fit memory like every context, and disposed with the chat model.
 *
 * It has LM_SEQUENCES sequences, each of the full size (node-llama-cpp sizes a context per sequence: the KV cache
 * holds contextSize × sequences tokens). Each request runs on the sequence chosen by core/prefixRouting: a new agent
 * conversation lands where the agent's ~10k-token system prompt and tool schemas are cached, and a title or progress
 * request (other instructions) on the other, so it doesn't evict them. With a prefix cache, the instructions and tools
 * (when long) are saved to disk as the prompt's evaluation passes them, and loaded when the context is made again,
 * after a restart: once the chat model has loaded, before the first request (prefixStateCache.ts).
 */
import type { LlamaContext, LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import { chooseSequence, commonPrefixLength } from "../../core/prefixRouting";
import { canSpeculate } from "./draftModel";
import { createDraftPredictor, type DraftPredictor, dropUnusedDrafts } from "./draftPredictor";
import { contextNotice, createContextOrExplain } from "./modelSlot";
import { MIN_PREFIX_TOKENS, type PrefixStateCache, prefixStateKey } from "./prefixStateCache";

/** The agent's conversations and VS Code's short utility requests each keep a cache; more would cost memory. */
export const LM_SEQUENCES = 2;
export const LM_CONTEXT_SETTING = "hearth.lm.contextSize";

export class LmContext {
  private readonly sequences: LlamaContextSequence[];
  private readonly lastUsed: number[];
  private uses = 0;
  /** The saved prefix is loaded only into a fresh context, before or at its first request. */
  private restoreTried = false;
  private readonly predictors = new Map<LlamaContextSequence, DraftPredictor>();
  private instructions: { key: string; tokens: readonly Token[] } | undefined;

  constructor(
    private readonly context: LlamaContext,
    /** What hearth.lm.contextSize asked for when it was made. */
    readonly requested: number,
    private readonly persisted?: { cache: PrefixStateCache; model: LlamaModel; modelPath: string },
    /** One per sequence, where the model can speculate (draftPredictor.ts). */
    tokenPredictors: readonly DraftPredictor[] = [],
  ) {
    this.sequences = Array.from({ length: LM_SEQUENCES }, (_, index) => {
      const tokenPredictor = tokenPredictors[index];
      const sequence = context.getSequence(tokenPredictor ? { tokenPredictor } : undefined);
      if (tokenPredictor) this.predictors.set(sequence, tokenPredictor);
      return sequence;
    });
    this.lastUsed = this.sequences.map(() => 0);
  }

  /** The draft predictor on one of this context's sequences, if the model speculates. */
  predictorFor(sequence: LlamaContextSequence): DraftPredictor | undefined {
    return this.predictors.get(sequence);
  }

  /** Tokens per request (per sequence): what was asked for, or less where memory or the model's training ran short. */
  get contextSize(): number {
    return this.context.contextSize;
  }

  /**
   * The sequence a prompt runs on (the cheapest for its prefix: see chooseSequence), marked as used now. The first
   * gets the saved prefix state where it matches and wasn't loaded already (never a reason to fail: the prompt is
   * then evaluated cold).
   */
  async sequenceFor(prompt: readonly Token[]): Promise<LlamaContextSequence> {
    const index = chooseSequence(
      this.sequences.map((sequence) => sequence.contextTokens),
      this.lastUsed,
      prompt,
    );
    this.lastUsed[index] = ++this.uses;
    const sequence = this.sequences[index];
    if (!this.restoreTried) await this.restore(sequence, prompt);
    return sequence;
  }

  /**
   * Loads the saved prefix state, before any request, into the first sequence (after the chat model loads, in its
   * queue): the first request of VS Code's agent then finds its instructions evaluated. Returns the tokens loaded.
   */
  preload(): Promise<number> {
    return this.restoreTried ? Promise.resolve(0) : this.restore(this.sequences[0]);
  }

  private async restore(sequence: LlamaContextSequence, prompt?: readonly Token[]): Promise<number> {
    this.restoreTried = true;
    if (!this.persisted) return 0;
    const { cache, model, modelPath } = this.persisted;
    return prefixStateKey(model, modelPath, sequence)
      .then((key) => cache.restore(sequence, key, prompt))
      .catch(() => 0);
  }

  /**
   * The tokens the instructions and tools named by `key` render to, shared by every conversation: computed once per
   * key (rendering VS Code's ~40,000 characters twice for every step would be waste).
   */
  instructionTokens(key: string, compute: () => readonly Token[]): readonly Token[] {
    if (this.instructions?.key !== key) this.instructions = { key, tokens: compute() };
    return this.instructions.tokens;
  }

  /**
   * Where a step's prompt evaluation saves the prefix state: once the sequence holds exactly the instructions and
   * tools shared by every conversation (`instructions`), so the state holds nothing of a conversation (no question,
   * no tool result) and a changed tool list replaces it. None without a prefix cache, for a short prefix, or when the
   * prompt doesn't start with them (a template that puts the tools before the last question, as Mistral's does,
   * would otherwise save the conversation before them). A failure is logged; the request goes on.
   */
  prefixCheckpoint(
    sequence: LlamaContextSequence,
    prompt: readonly Token[],
    instructions: readonly Token[],
  ): { at: number; run: () => Promise<void> } | undefined {
    const persisted = this.persisted;
    const at = instructions.length;
    if (!persisted || at < MIN_PREFIX_TOKENS || commonPrefixLength(prompt, instructions) < at) return undefined;
    return {
      at,
      run: async () => {
        try {
          // A guess verified but never used would be saved past the tokens the state says it holds.
          await dropUnusedDrafts(sequence);
          await persisted.cache.save(sequence, await prefixStateKey(persisted.model, persisted.modelPath, sequence));
        } catch (error) {
          persisted.cache.saveFailed(error);
        }
      },
    };
  }

  dispose(): Promise<void> {
    return this.context.dispose();
  }
}

/** The chat model's LmContext, made on demand and again when hearth.lm.contextSize changes. */
export class LmContextHolder {
  private made: Promise<LmContext> | undefined;
  private ready: LmContext | undefined;
  private disposed = false;

  constructor(
    private readonly model: LlamaModel,
    private readonly name: string,
    private readonly threads: number,
    /** The model's file and where its prefix states go; none: nothing is saved or loaded. */
    private readonly persisted?: { modelPath: string; cacheOf: () => PrefixStateCache | undefined },
  ) {}

  /**
   * The tokens a request will get when hearth.lm.contextSize is `requested`: the made context's size once it is made
   * for it, else the setting capped to what the model was trained for (memory may still reduce it when it is made).
   */
  sizeFor(requested: number): number {
    return this.ready?.requested === requested ? this.ready.contextSize : Math.min(requested, this.model.trainContextSize);
  }

  /**
   * The context for `requested` tokens per sequence, made now if need be; `notice` says when it came out smaller
   * than asked (memory). The caller serializes calls (the chat model's queue).
   */
  async get(requested: number): Promise<{ context: LmContext; made: boolean; notice?: string }> {
    if (this.disposed) throw new Error("The chat model was unloaded.");
    const current = await this.made?.catch(() => undefined);
    if (current?.requested === requested) return { context: current, made: false };
    this.ready = undefined;
    await current?.dispose();
    this.made = createContextOrExplain(this.model, this.name, requested, this.threads, LM_SEQUENCES, LM_CONTEXT_SETTING).then(
      async (context) => {
        const cache = this.persisted?.cacheOf();
        const persisted = cache && this.persisted && { cache, model: this.model, modelPath: this.persisted.modelPath };
        const predictors = canSpeculate(this.model)
          ? await Promise.all(Array.from({ length: LM_SEQUENCES }, () => createDraftPredictor()))
          : [];
        return new LmContext(context, requested, persisted, predictors);
      },
    );
    const context = await this.made;
    this.ready = context;
    const notice = contextNotice(context, requested, this.model, LM_CONTEXT_SETTING);
    return { context, made: true, notice: notice && `VS Code's Chat: ${notice}` };
  }

  /** Whether a prefix state was saved for this model file (its key is checked only when it is loaded). */
  async hasSavedPrefix(): Promise<boolean> {
    const cache = this.persisted?.cacheOf();
    return cache !== undefined && this.persisted !== undefined && cache.hasState(this.persisted.modelPath);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.ready = undefined;
    await (await this.made?.catch(() => undefined))?.dispose();
  }
}
