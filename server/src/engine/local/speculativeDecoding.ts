/**
 * Speculative decoding on a chat or next-edit sequence: draft a few tokens (looked up in the tokens so far, or from
 * the draft model), verify them all in one batch with the target (one `controlledEvaluate`, which gives the target's
 * own choice after every position), keep the drafted tokens it agrees with plus its own next token, and erase the
 * refused tail from the KV cache. Verifying 17 tokens costs about two single-token steps on a CPU, so a draft the
 * target agrees with is nearly free. node-llama-cpp's own token predictors accept about one drafted token per step
 * whatever the draft's length (issue #28's measurement), hence this loop.
 *
 * The tokens come out one at a time, so callers keep their per-token stops, gate and abort checks; breaking out
 * leaves the sequence holding only tokens the target chose.
 */
import type { LlamaContextSequence, Token } from "node-llama-cpp";
import { DraftLength, lookupDraft, verifyDraft } from "../../core/speculativeDrafts";
import { type DraftModel, draftTokens } from "./draftModel";

/** Where drafts come from; with neither, this is plain one-token-at-a-time decoding. */
export interface DraftSources {
  /** Look drafts up in the prompt and the reply so far (fixes, rewrites: replies that copy). */
  lookup: boolean;
  /** A draft model sharing the target's vocabulary, asked when lookup finds nothing. */
  model?: DraftModel;
  /** Where the draft model's view of the tokens starts (it guesses from the recent ones only; fixed for a reply). */
  modelFrom?: number;
}

/** What drafting did in one reply: tokens proposed, and how many of them the target kept. */
export interface DraftStats {
  drafted: number;
  accepted: number;
  /** The longest draft verified in one batch (how far DraftLength grew). */
  longest?: number;
}

export function noDraftStats(): DraftStats {
  return { drafted: 0, accepted: 0 };
}

export interface SpeculativeOptions {
  /** 0 is greedy; otherwise each position is sampled at this temperature and a drafted token kept if it was chosen. */
  temperature: number;
  sources: DraftSources;
  /** Filled in as the reply goes. */
  stats: DraftStats;
  /** Where lookup drafts start and how long they may grow (DraftLength's defaults otherwise). */
  lookupLengths?: { initial: number; longest: number };
}

/**
 * Sampling options with a seed of their own. node-llama-cpp seeds every sampler it makes with the current second, so
 * one seed for a batch would draw the same random number at every position, and each plain run started within the
 * same second would replay the last one's.
 */
function sampling(temperature: number): { temperature: number; seed?: number } {
  return temperature === 0 ? { temperature: 0 } : { temperature, seed: Math.floor(Math.random() * 0x7fffffff) };
}

function choice(temperature: number) {
  return { generateNext: { token: true, options: sampling(temperature) } } as const;
}

/**
 * The target's tokens after `tokens` (the prompt; every token but the last already evaluated on `sequence`), as an
 * endless stream: the caller stops at an end token, a stop, the token cap or an abort.
 */
export async function* speculativeTokens(
  sequence: LlamaContextSequence,
  tokens: readonly Token[],
  options: SpeculativeOptions,
): AsyncGenerator<Token, void, undefined> {
  const { sources, stats, temperature } = options;
  const history = tokens.slice();
  const lookupLength = new DraftLength(options.lookupLengths?.initial, options.lookupLengths?.longest);
  const modelLength = new DraftLength();
  for (;;) {
    const room = sequence.contextSize - sequence.contextTokens.length - 2;
    let draft: Token[] = [];
    let lengths: DraftLength | undefined;
    let asked = 0;
    if (sources.lookup && lookupLength.next() > 0) {
      asked = Math.min(room, lookupLength.next());
      draft = lookupDraft(history, asked);
      lengths = lookupLength;
    }
    if (draft.length === 0 && sources.model && modelLength.next() > 0) {
      asked = Math.min(room, modelLength.next());
      draft = await draftTokens(sources.model, history.slice(sources.modelFrom ?? 0), asked);
      lengths = modelLength;
      if (draft.length === 0) modelLength.unsure();
    }
    if (draft.length === 0) {
      // Nothing worth verifying: node-llama-cpp's own loop (one sampler for the run, cheaper per token than a
      // verification batch of one) until a lookup matches or a paused draft model may be tried again.
      const plain = sequence.evaluate([history[history.length - 1]], { ...sampling(temperature), yieldEogToken: true });
      for await (const token of plain) {
        history.push(token);
        lookupLength.advance(1);
        modelLength.advance(1);
        yield token;
        if (sources.lookup && lookupLength.next() > 0 && lookupDraft(history, 1).length > 0) break;
        if (sources.model && modelLength.next() > 0) break;
      }
      continue;
    }
    const pending = history[history.length - 1];
    const results = await sequence.controlledEvaluate([pending, ...draft].map((token) => [token, choice(temperature)]));
    const chosen = results.map((result) => result?.next.token ?? null);
    if (chosen.some((token) => token === null)) {
      // The target produced nothing (a failed sample): the reply ends, and the cache keeps only the pending token.
      const end = sequence.contextTokens.length;
      if (draft.length > 0) await sequence.eraseContextTokenRanges([{ start: end - draft.length, end }]);
      return;
    }
    const verified = verifyDraft(draft, chosen as Token[]);
    stats.drafted += draft.length;
    stats.accepted += verified.accepted;
    stats.longest = Math.max(stats.longest ?? 0, draft.length);
    lengths?.record(draft.length, verified.accepted, asked);
    const refused = draft.length - verified.accepted;
    if (refused > 0) {
      const end = sequence.contextTokens.length;
      await sequence.eraseContextTokenRanges([{ start: end - refused, end }]);
    }
    for (const token of [...draft.slice(0, verified.accepted), verified.next]) {
      history.push(token);
      yield token;
    }
  }
}
