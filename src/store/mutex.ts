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

  private release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.locked = false;
  }
}
