/**
 * Lets inline completions go first: while one runs, chat and next-edit generation wait between tokens (and prompt
 * chunks), so ghost text stays fast during a long chat reply or rewrite on a machine with few cores.
 */
export class PriorityGate {
  private active = 0;
  private waiting: Array<() => void> = [];

  async runWithPriority<T>(work: () => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      if (this.active === 0) for (const resume of this.waiting.splice(0)) resume();
    }
  }

  /** Resolves at once when no priority work runs, otherwise when the last one ends. */
  whenClear(): Promise<void> {
    return this.active === 0 ? Promise.resolve() : new Promise((resolve) => this.waiting.push(resolve));
  }
}
