/**
 * The pure parts of speculative decoding (draft, then verify the whole draft in one batch): which drafted tokens
 * the target accepts, drafts looked up in the tokens so far (prompt lookup), and how long the next draft should be.
 *
 * Acceptance compares each drafted token with the token the target chose at that position (greedy, or sampled with
 * the request's temperature). Every token kept is one the target itself chose after exactly the tokens before it,
 * so greedy output is unchanged and sampled output follows the target's distribution.
 */

/** How a round went: `accepted` drafted tokens kept, then `next`, the target's own token after them. */
export interface VerifiedDraft<T> {
  accepted: number;
  next: T;
}

/**
 * `chosen[i]` is the target's token after the pending token and the first `i` drafted tokens (so `chosen` has one
 * more entry than `draft`). Drafted tokens are kept while each matches the target's choice at its position.
 */
export function verifyDraft<T>(draft: readonly T[], chosen: readonly T[]): VerifiedDraft<T> {
  if (chosen.length !== draft.length + 1) throw new Error("verifyDraft needs one chosen token per draft position, plus one");
  let accepted = 0;
  while (accepted < draft.length && draft[accepted] === chosen[accepted]) accepted++;
  return { accepted, next: chosen[accepted] };
}

/** The n-gram lengths prompt lookup tries, longest first: a longer match predicts a continuation better. */
export const LOOKUP_NGRAM = { longest: 4, shortest: 2 } as const;

/**
 * A draft of up to `length` tokens: the tokens that followed the latest earlier occurrence of the last n tokens of
 * `history` (n from 4 down to 2), or none. Replies that copy their prompt (a fix, a search block repeating a file
 * just read, a rewritten window) draft well this way, at no model cost.
 */
export function lookupDraft<T>(history: readonly T[], length: number): T[] {
  if (length <= 0) return [];
  const end = history.length;
  for (let n = Math.min(LOOKUP_NGRAM.longest, end - 1); n >= LOOKUP_NGRAM.shortest; n--) {
    // Newest match first: the latest copy of a pattern is the likeliest to go on the same way.
    for (let start = end - n - 1; start >= 0; start--) {
      let matches = true;
      for (let i = 0; i < n && matches; i++) matches = history[start + i] === history[end - n + i];
      if (!matches) continue;
      const from = start + n;
      return history.slice(from, Math.min(from + length, end));
    }
  }
  return [];
}

/** Draft lengths: the longest a verification batch gets, and where a draft model starts. */
export const DRAFT_LENGTH = { shortest: 1, initial: 4, longest: 16 } as const;
/** After this many rounds in a row with nothing accepted, drafting pauses (for longer each time). */
const REFUSED_ROUNDS_BEFORE_PAUSE = 2;
const PAUSE_TOKENS = { shortest: 8, longest: 256 } as const;

/**
 * Adapts the draft length to how much of the drafts the target accepts: a whole accepted draft doubles it, a partial
 * one sets it just past what was accepted. Drafts refused round after round (a draft model that disagrees with this
 * target, or is unsure of everything, a reply that copies nothing) pause drafting for a number of plain tokens that
 * doubles each time, so a useless draft costs little; one accepted token ends the pauses.
 */
export class DraftLength {
  private length: number;
  private refusedRounds = 0;
  private pause: number = PAUSE_TOKENS.shortest;
  private pausedFor = 0;

  constructor(
    initial: number = DRAFT_LENGTH.initial,
    /** The longest draft: a reply known to copy long runs (a rewritten window) verifies more at once. */
    private readonly longest: number = DRAFT_LENGTH.longest,
  ) {
    this.length = this.clamp(initial);
  }

  /** Tokens to draft now: 0 while drafting is paused. */
  next(): number {
    return this.pausedFor > 0 ? 0 : this.length;
  }

  /** Plain tokens were generated: a pause runs out with them. */
  advance(tokens: number): void {
    this.pausedFor = Math.max(0, this.pausedFor - tokens);
  }

  /**
   * Records how many of `drafted` tokens the target accepted (a round that drafted nothing doesn't count). A whole
   * draft doubles the length `asked` for it (a short draft that was whole, cut by the source, keeps the length).
   */
  record(drafted: number, accepted: number, asked = drafted): void {
    if (drafted === 0) return;
    if (accepted === 0) {
      this.length = DRAFT_LENGTH.shortest;
      this.refused();
      return;
    }
    this.refusedRounds = 0;
    this.pause = PAUSE_TOKENS.shortest;
    this.length = this.clamp(accepted === drafted ? Math.max(asked, drafted) * 2 : accepted + 1);
  }

  /**
   * The draft model was asked and guessed nothing it was sure of: it cost a step and offered nothing, so drafting
   * pauses at once (a refused draft might have been a near miss; an unsure one says the model can't follow).
   */
  unsure(): void {
    this.refused(true);
  }

  private clamp(length: number): number {
    return Math.max(DRAFT_LENGTH.shortest, Math.min(this.longest, length));
  }

  private refused(now = false): void {
    if (++this.refusedRounds < REFUSED_ROUNDS_BEFORE_PAUSE && !now) return;
    this.pausedFor = this.pause;
    this.pause = Math.min(PAUSE_TOKENS.longest, this.pause * 2);
    this.refusedRounds = 0;
  }
}
