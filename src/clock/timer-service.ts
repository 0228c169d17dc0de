/**
 * Fires deadlines (SWF timeouts, timers, retention) from the store's due-table, earliest
 * first. On the real clock it sleeps until the next due time; on the virtual clock it fires
 * only when time is advanced. Deadlines that fell due while the server was down fire as soon
 * as it starts. Each batch of firings is one transaction.
 */
import type { Clock } from './clock.js';
import { VirtualClock } from './clock.js';
import type { Store, StoreTx, TimerRow } from '../store/types.js';
import type { Executor } from '../executor/executor.js';
import { fireTimeout, isOpen } from '../engine/index.js';

/** How many due deadlines one transaction fires. */
const BATCH = 64;
/** The longest the service sleeps without looking at the due-table (a safety net). */
const MAX_SLEEP_MS = 30_000;

export class TimerService {
  private timer: NodeJS.Timeout | undefined;
  private wakeAt = Number.POSITIVE_INFINITY;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly executor: Executor,
    private readonly clock: Clock,
    private readonly log: (line: string) => void = () => {},
  ) {}

  start(): void {
    this.stopped = false;
    void this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** A deadline was armed at `dueAt`: make sure we wake up for it. */
  armed(dueAt: number): void {
    if (this.stopped || this.clock.kind === 'virtual') return;
    if (dueAt < this.wakeAt) this.sleepUntil(dueAt);
  }

  /** Fires everything due now, then sleeps until the next deadline. */
  kick(): Promise<void> {
    if (this.running) return this.running;
    const run = this.fireDue()
      .then(() => undefined)
      .catch((err: unknown) => this.log(`timer service: ${errorText(err)}`))
      .finally(() => {
        this.running = undefined;
        void this.scheduleNext();
      });
    this.running = run;
    return run;
  }

  /**
   * Virtual clock only: moves time to `target`, firing every deadline on the way in due
   * order, each at its own due time (so its events carry that timestamp).
   */
  async advanceTo(target: number): Promise<number> {
    if (!(this.clock instanceof VirtualClock)) throw new Error('the clock is not virtual');
    let fired = 0;
    await this.running;
    for (;;) {
      const next = await this.store.nextDueAt();
      if (next === undefined || next > target) break;
      this.clock.set(next);
      fired += await this.fireDue();
    }
    this.clock.set(target);
    return fired;
  }

  private async scheduleNext(): Promise<void> {
    if (this.stopped || this.clock.kind === 'virtual') return;
    const next = await this.store.nextDueAt();
    this.sleepUntil(next ?? this.clock.now() + MAX_SLEEP_MS);
  }

  private sleepUntil(at: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.wakeAt = at;
    const delay = Math.max(0, Math.min(at - this.clock.now(), MAX_SLEEP_MS));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.wakeAt = Number.POSITIVE_INFINITY;
      void this.kick();
    }, delay);
    this.timer.unref?.();
  }

  /** Fires due deadlines in batches until none is due; returns how many fired. */
  private async fireDue(): Promise<number> {
    let fired = 0;
    for (;;) {
      const now = this.clock.now();
      let n: number;
      try {
        n = await this.store.transaction(async (tx) => {
          const rows = await tx.takeDueTimers(now, BATCH);
          for (const row of rows) await this.fire(tx, row);
          return rows.length;
        });
      } catch (err) {
        // One bad deadline must not block the others: retry one at a time, and drop (with a
        // log line) a deadline that fails on its own.
        this.log(`timer service: batch failed, firing one by one: ${errorText(err)}`);
        n = await this.fireOneByOne(now);
      }
      fired += n;
      if (n < BATCH || this.stopped) return fired;
    }
  }

  private async fireOneByOne(now: number): Promise<number> {
    let fired = 0;
    for (let i = 0; i < BATCH; i++) {
      const took = await this.store
        .transaction(async (tx) => {
          const rows = await tx.takeDueTimers(now, 1);
          for (const row of rows) await this.fire(tx, row);
          return rows.length;
        })
        .catch(async (err: unknown) => {
          const dropped = await this.store.transaction((tx) => tx.takeDueTimers(now, 1));
          this.log(`timer service: dropped deadline ${JSON.stringify(dropped[0]?.key)}: ${errorText(err)}`);
          return dropped.length;
        });
      if (took === 0) break;
      fired += took;
    }
    return fired;
  }

  private async fire(tx: StoreTx, row: TimerRow): Promise<void> {
    const { key } = row;
    if (key.kind === 'retention') {
      const state = await tx.getExecution(key.runId);
      if (state && !isOpen(state)) await tx.deleteExecution(key.runId);
      return;
    }
    const kind = key.kind;
    await this.executor.update(tx, key.runId, (t) => fireTimeout(t, kind, key.ref));
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
