/** A FIFO async mutex: `const release = await m.acquire(); try { ... } finally { release(); }`. */
export class Mutex {
  private locked = false;
  private readonly waiters: (() => void)[] = [];

  acquire(): Promise<() => void> {
    if (!this.locked) {
      this.locked = true;
      return Promise.resolve(() => this.release());
    }
    return new Promise((resolve) => this.waiters.push(() => resolve(() => this.release())));
  }

  /**
   * Held, or handed on to a waiter that has not run yet. The SQLite store commits its open
   * batch only when this is false, so every call already queued joins that batch.
   */
  get busy(): boolean {
    return this.locked;
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.locked = false;
  }
}
