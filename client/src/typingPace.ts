/**
 * How long to wait after a keystroke before asking the model, adapted to how fast the user types and how fast the
 * model answers. A fast typist's next key usually comes soon, so waiting a little saves a request that would be
 * aborted anyway; a slow typist gets the request almost at once; and when answers typically arrive well before the
 * next key (a GPU, a warm cache), there is nothing to save, so the wait is the shortest. Pure, so it can be
 * unit-tested.
 */

export interface TypingPaceOptions {
  /** Shortest wait in milliseconds. */
  minDelayMs: number;
  /** Longest wait in milliseconds. */
  maxDelayMs: number;
  /** Fraction of the typical gap between keys to wait. */
  fractionOfGap: number;
  /** Gaps longer than this are pauses, not typing, and are not counted. */
  pauseMs: number;
}

export const DEFAULT_TYPING_PACE: TypingPaceOptions = { minDelayMs: 15, maxDelayMs: 90, fractionOfGap: 0.5, pauseMs: 1000 };

export class TypingPace {
  private lastKeyAt: number | undefined;
  private typicalGapMs: number | undefined;
  private typicalAnswerMs: number | undefined;

  constructor(private readonly options: TypingPaceOptions = DEFAULT_TYPING_PACE) {}

  /** Records a keystroke at `now` (milliseconds) and returns how long to wait before requesting a suggestion. */
  keystroke(now: number): number {
    if (this.lastKeyAt !== undefined) {
      const gap = now - this.lastKeyAt;
      if (gap > 0 && gap < this.options.pauseMs) {
        // An exponential moving average follows changes in pace without jumping at one odd gap.
        this.typicalGapMs = this.typicalGapMs === undefined ? gap : 0.7 * this.typicalGapMs + 0.3 * gap;
      }
    }
    this.lastKeyAt = now;
    return this.delayMs();
  }

  /** Records how long a request took from asking to answer (model or cache). */
  answered(latencyMs: number): void {
    if (!(latencyMs >= 0)) return;
    this.typicalAnswerMs = this.typicalAnswerMs === undefined ? latencyMs : 0.7 * this.typicalAnswerMs + 0.3 * latencyMs;
  }

  delayMs(): number {
    const { minDelayMs, maxDelayMs, fractionOfGap } = this.options;
    if (this.typicalGapMs === undefined) return Math.round((minDelayMs + maxDelayMs) / 2);
    // The answer usually lands before half the gap to the next key: a request now is not wasted.
    if (this.typicalAnswerMs !== undefined && minDelayMs + this.typicalAnswerMs < this.typicalGapMs / 2) return minDelayMs;
    return Math.round(Math.min(maxDelayMs, Math.max(minDelayMs, this.typicalGapMs * fractionOfGap)));
  }
}
