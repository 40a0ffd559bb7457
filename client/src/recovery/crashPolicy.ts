/**
 * When the language server dies: restart it after a growing pause, and give up after too many deaths in a short
 * window (a model that crashes llama.cpp on load would otherwise restart forever). Pure, so it is unit-tested.
 */

export interface CrashPolicyOptions {
  /** Deaths allowed within the window; one more gives up. */
  maxCrashes: number;
  windowMs: number;
  /** The first restart waits this long, doubling per recent death up to maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_CRASH_POLICY: CrashPolicyOptions = {
  maxCrashes: 4,
  windowMs: 3 * 60_000,
  firstDelayMs: 250,
  maxDelayMs: 8000,
};

export type CrashDecision = { restart: true; delayMs: number; recentCrashes: number } | { restart: false; recentCrashes: number };

export class CrashPolicy {
  private crashes: number[] = [];

  constructor(private readonly options: CrashPolicyOptions = DEFAULT_CRASH_POLICY) {}

  /** Records a death at `now` and says what to do. */
  onCrash(now: number): CrashDecision {
    this.crashes = [...this.crashes.filter((time) => now - time < this.options.windowMs), now];
    const recentCrashes = this.crashes.length;
    if (recentCrashes > this.options.maxCrashes) return { restart: false, recentCrashes };
    const delayMs = Math.min(this.options.maxDelayMs, this.options.firstDelayMs * 2 ** (recentCrashes - 1));
    return { restart: true, delayMs, recentCrashes };
  }

  /** The user restarted by hand: start counting afresh. */
  reset(): void {
    this.crashes = [];
  }

  get windowMinutes(): number {
    return Math.round(this.options.windowMs / 60_000);
  }
}
