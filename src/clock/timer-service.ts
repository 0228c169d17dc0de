/**
 * Fires deadlines (SWF timeouts, timers, retention) from the store's due-table, earliest
 * first. The table lives in the store, not in memory: the service only remembers when it
 * next has to look, so a hundred thousand pending deadlines cost it nothing.
 *
 * On the real clock it sleeps until the next due time; deadlines that fell due while the
 * server was down fire as soon as it starts, stamped with the time they actually fire. On the
 * virtual clock nothing falls due until time is advanced, and an advance steps through every
 * due time on the way, so each deadline fires at (and its events carry) its own due time.
 * A deadline armed already due (StartTimer "0") fires at once on either clock.
 *
 * Every firing pass runs on one chain, so passes never overlap and deadlines fire in due
 * order (ties in the order they were armed). Each batch is one transaction that claims the
 * rows and applies their effects: a crash before commit fires them again, after it never.
 */
import type { Clock } from './clock.js';
import { VirtualClock } from './clock.js';
import type { Store, StoreTx, TimerRow } from '../store/types.js';
import type { Executor } from '../executor/executor.js';
import { fireTimeout, isOpen } from '../engine/index.js';
import { silentLogger, type Logger } from '../log.js';

/** How many due deadlines one transaction fires. */
const BATCH = 64;
/** The longest the service sleeps without looking at the due-table (a safety net). */
const MAX_SLEEP_MS = 30_000;
/** How long the service waits before trying again after the store failed. */
const RETRY_MS = 1_000;

export interface TimerServiceHooks {
  /** Called after the commit that fired `row`, with the clock's time then (metrics, benchmarks). */
  fired?(row: TimerRow, firedAt: number): void;
}

export class TimerService {
  private sleeper: NodeJS.Timeout | undefined;
  /** When the sleeper goes off; +Infinity when none is set. */
  private wakeAt = Number.POSITIVE_INFINITY;
  /** Every pass (kick or advance) runs on this chain, one after another. */
  private chain: Promise<unknown> = Promise.resolve();
  /** A kick waiting on the chain that has not started yet; later kicks join it. */
  private queuedKick: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly store: Store,
    private readonly executor: Executor,
    private readonly clock: Clock,
    private readonly log: Logger = silentLogger,
    private readonly hooks: TimerServiceHooks = {},
  ) {}

  /** Starts firing: at once for whatever is already due (overdue after a restart), then on time. */
  start(): void {
    this.stopped = false;
    void this.kick();
  }

  /** Stops firing and waits for the pass in progress to commit. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelSleep();
    await this.chain;
  }

  /**
   * A deadline was armed at `dueAt` (called inside the arming transaction; the pass this may
   * start waits for that commit, since store transactions are serialised).
   */
  armed(dueAt: number): void {
    if (this.stopped) return;
    if (dueAt <= this.clock.now()) {
      void this.kick();
      return;
    }
    if (this.clock.kind === 'real' && dueAt < this.wakeAt) this.sleepUntil(dueAt);
  }

  /** Fires everything due now; on the real clock, then sleeps until the next deadline. */
  kick(): Promise<void> {
    if (this.queuedKick) return this.queuedKick;
    const pass = this.serial(async () => {
      // From here on a new kick must queue a new pass: this one may already be past the
      // deadline that kick is about.
      this.queuedKick = undefined;
      if (this.stopped) return;
      try {
        await this.fireDue();
        await this.scheduleNext(0);
      } catch (err) {
        // The store itself failed (not one deadline): retry later rather than in a hot loop.
        this.log.error({ err: errorText(err) }, 'timer service: firing deadlines failed; retrying');
        await this.scheduleNext(RETRY_MS);
      }
    });
    this.queuedKick = pass;
    return pass;
  }

  /**
   * Virtual clock only: moves time to `target` (ms), firing every deadline on the way in due
   * order, each at its own due time. Resolves to the number of deadlines fired (counting the
   * rare one dropped because it failed on its own).
   */
  advanceTo(target: number): Promise<number> {
    return this.advance(() => target);
  }

  /**
   * Virtual clock only: moves time `ms` forward from wherever it stands when this advance's
   * turn comes (two concurrent advances of an hour move it two hours).
   */
  advanceBy(ms: number): Promise<number> {
    return this.advance((now) => now + ms);
  }

  private advance(targetFrom: (now: number) => number): Promise<number> {
    const clock = this.clock;
    if (!(clock instanceof VirtualClock)) return Promise.reject(new Error('the clock is not virtual'));
    return this.serial(async () => {
      const target = targetFrom(clock.now());
      let fired = 0;
      for (;;) {
        const next = await this.store.nextDueAt();
        if (next === undefined || next > target) break;
        clock.set(next);
        const n = await this.fireDue();
        // A due row that cannot even be claimed would loop here forever; fireDue has logged why.
        if (n === 0) throw new Error(`a deadline due at ${new Date(next).toISOString()} could not be taken`);
        fired += n;
        await yieldToEventLoop();
      }
      clock.set(target);
      return fired;
    });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Real clock: sleep until the earliest deadline in the table (or the safety-net interval),
   * but at least `minDelay` ms.
   */
  private async scheduleNext(minDelay: number): Promise<void> {
    if (this.stopped || this.clock.kind !== 'real') return;
    let next: number | undefined;
    try {
      next = await this.store.nextDueAt();
    } catch (err) {
      this.log.error({ err: errorText(err) }, 'timer service: reading the next deadline failed');
      minDelay = Math.max(minDelay, RETRY_MS);
    }
    const now = this.clock.now();
    this.sleepUntil(Math.max(next ?? now + MAX_SLEEP_MS, now + minDelay));
  }

  /**
   * Sets the sleeper to go off at `at`, unless one already goes off earlier: a deadline armed
   * while a pass read the table must not be pushed back by that pass's older answer.
   */
  private sleepUntil(at: number): void {
    if (this.stopped) return;
    const now = this.clock.now();
    const delay = Math.max(0, Math.min(at - now, MAX_SLEEP_MS));
    const wakeAt = now + delay;
    if (this.sleeper && this.wakeAt <= wakeAt) return;
    this.cancelSleep();
    this.wakeAt = wakeAt;
    this.sleeper = setTimeout(() => {
      this.sleeper = undefined;
      this.wakeAt = Number.POSITIVE_INFINITY;
      void this.kick();
    }, delay);
    // The HTTP server keeps the process alive; a pending deadline alone must not.
    this.sleeper.unref();
  }

  private cancelSleep(): void {
    if (this.sleeper) clearTimeout(this.sleeper);
    this.sleeper = undefined;
    this.wakeAt = Number.POSITIVE_INFINITY;
  }

  /**
   * Fires due deadlines in batches until none is due. Returns how many it took from the
   * table: fired ones, and the rare one dropped because it failed on its own.
   */
  private async fireDue(): Promise<number> {
    let taken = 0;
    for (;;) {
      const now = this.clock.now();
      let batch: { fired: TimerRow[]; claimed: number };
      try {
        const rows = await this.store.transaction(async (tx) => {
          const due = await tx.takeDueTimers(now, BATCH);
          for (const row of due) await this.fire(tx, row);
          return due;
        });
        batch = { fired: rows, claimed: rows.length };
      } catch (err) {
        // One bad deadline must not block the others: retry one at a time, and drop (with a
        // log line) a deadline that fails on its own.
        this.log.warn({ err: errorText(err) }, 'timer service: batch failed, firing one by one');
        batch = await this.fireOneByOne(now);
      }
      this.report(batch.fired);
      taken += batch.claimed;
      if (batch.claimed < BATCH || this.stopped) return taken;
      await yieldToEventLoop();
    }
  }

  /** Up to one batch, one deadline per transaction; `claimed` counts the dropped ones too. */
  private async fireOneByOne(now: number): Promise<{ fired: TimerRow[]; claimed: number }> {
    const fired: TimerRow[] = [];
    let claimed = 0;
    while (claimed < BATCH) {
      let rows: TimerRow[];
      try {
        rows = await this.store.transaction(async (tx) => {
          const due = await tx.takeDueTimers(now, 1);
          for (const row of due) await this.fire(tx, row);
          return due;
        });
        fired.push(...rows);
      } catch (err) {
        rows = await this.store.transaction((tx) => tx.takeDueTimers(now, 1));
        this.log.error({ deadline: rows[0]?.key, err: errorText(err) }, 'timer service: dropped a deadline that fails on its own');
      }
      if (rows.length === 0) break;
      claimed += rows.length;
    }
    return { fired, claimed };
  }

  private report(rows: readonly TimerRow[]): void {
    if (!this.hooks.fired || rows.length === 0) return;
    const at = this.clock.now();
    for (const row of rows) this.hooks.fired(row, at);
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

/**
 * SQLite answers synchronously, so a long burst or advance would never leave the microtask
 * queue: this lets HTTP requests (and their transactions) in between batches.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function errorText(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
