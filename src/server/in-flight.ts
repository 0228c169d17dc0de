/** Counts requests being served, so a shutdown can wait for them (with a bound). */
export class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];

  get size(): number {
    return this.count;
  }

  enter(): void {
    this.count++;
  }

  leave(): void {
    this.count--;
    if (this.count === 0) for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves when none is in flight, or after `timeoutMs` to the number still in flight. */
  settled(timeoutMs: number): Promise<number> {
    if (this.count === 0) return Promise.resolve(0);
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        resolve(0);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve(this.count);
      }, timeoutMs);
      this.waiters.push(wake);
    });
  }
}
