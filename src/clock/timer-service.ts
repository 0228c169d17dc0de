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
 *
 * Deadlines never vanish. A batch that fails because the store is unavailable (a lost
 * connection, a busy database: store/types.ts isTransientStoreError) is rolled back whole and
 * tried again later, with a delay that doubles up to MAX_RETRY_MS. A batch that fails
 * otherwise is fired again one deadline per transaction, so that the one that fails on its
 * own is found by its own key: that deadline alone is set aside (removed from the due-table,
 * since firing it can only fail again and would hold back every later one) and logged with
 * its run, and the others fire.
 */
import type { Clock } from './clock.js';
import { VirtualClock } from './clock.js';
import { isTransientStoreError, type Store, type StoreTx, type TimerRow } from '../store/types.js';
import type { Executor } from '../executor/executor.js';
import { fireTimeout, isOpen } from '../engine/index.js';
import { silentLogger, type Logger } from '../log.js';

/** How many due deadlines one transaction fires. */
const BATCH = 64;
/** The longest the service sleeps without looking at the due-table (a safety net). */
const MAX_SLEEP_MS = 30_000;
/** How long the service first waits before trying again after the store failed; doubled each time. */
const FIRST_RETRY_MS = 100;
/** The longest wait between tries while the store stays unavailable. */
const MAX_RETRY_MS = 30_000;
/** How often an advance of the virtual clock tries a batch the store failed (then it fails). */
const ADVANCE_ATTEMPTS = 8;

export interface TimerServiceHooks {
  /** Called after the commit that fired `row`, with the clock's time then (metrics, benchmarks). */
  fired?(row: TimerRow, firedAt: number): void;
  /** Called (inside its transaction) when a deadline that failed on its own is set aside. */
  setAside?(row: TimerRow): void;
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
  /** The wait before the next try after a failure of the store; FIRST_RETRY_MS after a success. */
  private retryMs = FIRST_RETRY_MS;

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
        this.retryMs = FIRST_RETRY_MS;
        await this.scheduleNext(0);
      } catch (err) {
        // The store itself failed (not one deadline): nothing was lost (the rows are still
        // due); try again later, backing off, rather than in a hot loop.
        const retryMs = this.backOff();
        this.log.error({ err: errorText(err), retryMs }, 'timer service: store failed, retrying');
        await this.scheduleNext(retryMs);
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
        const n = await this.fireDueRetrying();
        // A due row that cannot even be claimed would loop here forever; fireDue has logged why.
        if (n === 0) throw new Error(`a deadline due at ${new Date(next).toISOString()} could not be taken`);
        fired += n;
        await yieldToEventLoop();
      }
      clock.set(target);
      return fired;
    });
  }

  /** The delay before the next try after a failure, doubling the one after. */
  private backOff(): number {
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    return delay;
  }

  /** fireDue, tried again (backing off) while the store is unavailable; for advances, which must not skip a deadline. */
  private async fireDueRetrying(): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        const n = await this.fireDue();
        this.retryMs = FIRST_RETRY_MS;
        return n;
      } catch (err) {
        if (attempt >= ADVANCE_ATTEMPTS || !isTransientStoreError(err)) throw err;
        const retryMs = this.backOff();
        this.log.error({ err: errorText(err), retryMs }, 'timer service: store failed, retrying');
        await new Promise((resolve) => setTimeout(resolve, retryMs));
      }
    }
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
      minDelay = Math.max(minDelay, this.backOff());
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
   * table: fired ones, and the rare one set aside because it failed on its own. Throws, with
   * nothing taken, when the store is unavailable.
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
        if (isTransientStoreError(err)) throw err;
        // One bad deadline must not block the others: fire one at a time, and set aside (with
        // a log line) the deadline that fails on its own.
        this.log.warn({ err: errorText(err) }, 'timer service: batch failed, firing one by one');
        batch = await this.fireOneByOne(now);
      }
      this.report(batch.fired);
      taken += batch.claimed;
      if (batch.claimed < BATCH || this.stopped) return taken;
      await yieldToEventLoop();
    }
  }

  /**
   * Up to one batch, one deadline per transaction; `claimed` counts the ones set aside too.
   * Throws when the store becomes unavailable (what was not fired stays due).
   */
  private async fireOneByOne(now: number): Promise<{ fired: TimerRow[]; claimed: number }> {
    const fired: TimerRow[] = [];
    let claimed = 0;
    while (claimed < BATCH) {
      // The row this attempt took, known even when its transaction fails and rolls back.
      let taken: TimerRow | undefined;
      try {
        const rows = await this.store.transaction(async (tx) => {
          taken = undefined;
          const due = await tx.takeDueTimers(now, 1);
          taken = due[0];
          for (const row of due) await this.fire(tx, row);
          return due;
        });
        if (rows.length === 0) break;
        fired.push(...rows);
      } catch (err) {
        if (isTransientStoreError(err) || taken === undefined) throw err;
        await this.setAside(taken, err);
      }
      claimed++;
    }
    return { fired, claimed };
  }

  /**
   * Removes a deadline that failed on its own, by its key (only as it was when it failed: one
   * re-armed since stays), and logs it with its run.
   */
  private async setAside(row: TimerRow, err: unknown): Promise<void> {
    await this.store.transaction(async (tx) => {
      const due = await tx.takeTimer(row.key, row.dueAt);
      if (due !== undefined) this.hooks.setAside?.(due);
    });
    this.log.error(
      { deadline: { kind: row.key.kind, ref: row.key.ref, runId: row.key.runId, dueAt: new Date(row.dueAt).toISOString() }, err: errorText(err) },
      `timer service: set aside the deadline ${row.key.kind} of run ${row.key.runId}: firing it fails on its own`,
    );
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
