/**
 * Speculative decoding inside node-llama-cpp's own generation loop, for what LlamaChat writes (agent steps, VS Code's
 * chat through the provider): a token predictor on the sequence that drafts the way speculativeDecoding.ts does, by
 * looking the tokens up in the prompt and the reply so far, then asking the draft model, with the same adaptive
 * lengths. node-llama-cpp verifies a draft in one batch and keeps what its sampler would have chosen anyway, so the
 * output is the same with or without drafts (greedy token for token; sampled from the same distribution).
 *
 * It drafts only while a step has switched it on (`use`): Hearth's own chat loop on the same sequence drafts by
 * itself, and a predictor switched off costs nothing but a call per token. Keeping a whole agreeing draft needs
 * node-llama-cpp patched (patches/: its speculative evaluation checked the second and later guesses against a list
 * it never filled, so it kept at most one per step).
 */
import type { LlamaContextSequence, Token, TokenPredictor } from "node-llama-cpp";
import { DraftLength, lookupDraft } from "../../core/speculativeDrafts";
import { DRAFT_CONTEXT_TOKENS, draftTokens } from "./draftModel";
import { loadLlamaModule } from "./llamaRuntime";
import type { DraftSources, DraftStats } from "./speculativeDecoding";

/** What one generation drafts from, and where it counts what it drafted. */
export interface StepDrafting {
  sources: DraftSources;
  stats: DraftStats;
}

export interface DraftPredictor extends TokenPredictor {
  /** Drafts from `drafting` for the generations that follow, until called again (undefined: no drafts). */
  use(drafting: StepDrafting | undefined): void;
}

/** A draft offered to the target, followed until the target's own tokens leave it. */
interface Outstanding {
  draft: Token[];
  /** Its leading tokens the target wrote so far. */
  matched: number;
  /** How many tokens were asked for (the length the next draft grows from). */
  asked: number;
  lengths: DraftLength;
  /** The target wrote something else: no more of it can match. */
  left: boolean;
}

/** node-llama-cpp's base class is loaded at run time (its module is ESM), so the class is made once it is. */
let predictorClass: Promise<new () => DraftPredictor> | undefined;

export async function createDraftPredictor(): Promise<DraftPredictor> {
  predictorClass ??= loadLlamaModule().then(({ TokenPredictor: Base }) => draftPredictorClass(Base));
  return new (await predictorClass)();
}

function draftPredictorClass(Base: abstract new () => TokenPredictor): new () => DraftPredictor {
  return class HearthDraftPredictor extends Base implements DraftPredictor {
    private drafting: StepDrafting | undefined;
    /** Every token the sequence holds or is about to evaluate: the prompt, then the reply; the newest last. */
    private history: Token[] = [];
    private lookupLength = new DraftLength();
    private modelLength = new DraftLength();
    /**
     * Where the draft model's view starts in `history` (it reads the recent tokens only). It stays put from step to
     * step while the conversation grows, so the draft's cache still holds the window and reads only what is new; it
     * moves on once the window is twice the draft's context.
     */
    private modelFrom: number | undefined;
    private outstanding: Outstanding | undefined;

    use(drafting: StepDrafting | undefined): void {
      this.settle();
      this.drafting = drafting;
      this.lookupLength = new DraftLength();
      this.modelLength = new DraftLength();
    }

    reset({ stateTokens }: { stateTokens: Token[]; targetSequence: LlamaContextSequence }): void {
      // A new evaluation: node-llama-cpp erased any draft tokens it had not used.
      this.settle();
      this.history = stateTokens.slice();
    }

    pushTokens(tokens: Token[]): void {
      for (const token of tokens) {
        this.history.push(token);
        const outstanding = this.outstanding;
        if (outstanding && !outstanding.left) {
          if (outstanding.matched < outstanding.draft.length && token === outstanding.draft[outstanding.matched])
            outstanding.matched++;
          else outstanding.left = true;
        } else {
          // A token with no draft behind it: drafting paused after refusals resumes after enough of them.
          this.lookupLength.advance(1);
          this.modelLength.advance(1);
        }
      }
    }

    async predictTokens(): Promise<Token[]> {
      // Asked again only once the previous draft's verified tokens are used up: it is settled by now.
      this.settle();
      const drafting = this.drafting;
      if (!drafting || this.history.length === 0) return [];
      const { sources } = drafting;
      let draft: Token[] = [];
      let asked = 0;
      let lengths: DraftLength | undefined;
      if (sources.lookup && this.lookupLength.next() > 0) {
        asked = this.lookupLength.next();
        draft = lookupDraft(this.history, asked);
        lengths = this.lookupLength;
      }
      if (draft.length === 0 && sources.model && this.modelLength.next() > 0) {
        asked = this.modelLength.next();
        const from = this.modelFrom;
        if (from === undefined || from > this.history.length || this.history.length - from > 2 * DRAFT_CONTEXT_TOKENS)
          this.modelFrom = Math.max(0, this.history.length - DRAFT_CONTEXT_TOKENS);
        draft = await draftTokens(sources.model, this.history.slice(this.modelFrom ?? 0), asked);
        lengths = this.modelLength;
        if (draft.length === 0) this.modelLength.unsure();
      }
      // The draft model ran while this step may have been switched off.
      if (draft.length === 0 || !lengths || this.drafting !== drafting) return [];
      this.outstanding = { draft, matched: 0, asked, lengths, left: false };
      return draft;
    }

    override stop(): void {
      // Nothing runs in the background: each draft is made when asked for.
    }

    override updateInputTokens(): void {
      // Drafts are looked up in everything the sequence holds, not only the last user message.
    }

    override dispose(): void {
      this.drafting = undefined;
      this.outstanding = undefined;
      this.history = [];
    }

    /** Counts the outstanding draft: the tokens the target wrote as drafted were accepted. */
    private settle(): void {
      const outstanding = this.outstanding;
      if (!outstanding) return;
      this.outstanding = undefined;
      const accepted = Math.min(outstanding.matched, outstanding.draft.length);
      outstanding.lengths.record(outstanding.draft.length, accepted, outstanding.asked);
      if (this.drafting) {
        this.drafting.stats.drafted += outstanding.draft.length;
        this.drafting.stats.accepted += accepted;
      }
    }
  };
}

/**
 * Tokens a generation wrote on `sequence` since `meterBefore` and `before` were read: node-llama-cpp's token meter also
 * counts the guesses it verified, which a refuted guess or one verified but never used (a reply that ended first)
 * never became.
 */
export function generatedTokens(
  sequence: LlamaContextSequence,
  meterBefore: number,
  before: LlamaContextSequence["tokenPredictions"],
): number {
  const after = sequence.tokenPredictions;
  const wasted = after.refuted - before.refuted + (after.unused - before.unused);
  return sequence.tokenMeter.usedOutputTokens - meterBefore - wasted;
}

/**
 * Erases guesses node-llama-cpp verified but never used (a reply that ended before them) from the KV cache. They sit
 * past `contextTokens`, so a state saved with them (VS Code's chat's prefix, prefixStateCache.ts) would not evaluate
 * on after it is loaded. Does nothing when there are none.
 */
export async function dropUnusedDrafts(sequence: LlamaContextSequence): Promise<void> {
  if (sequence.tokenPredictor === undefined || sequence.disposed) return;
  const end = sequence.nextTokenIndex;
  await sequence.eraseContextTokenRanges([{ start: end, end: end + 1 }]);
}
