/**
 * Timer benchmark: the clock component (TimerService over the SQLite due-table) driven
 * in-process, with runs made by the real engine and executor, so what is measured is the
 * timer machinery and the store, not HTTP.
 *
 *   npm run build && node dist/bench/timers.js [--pending 100000] [--rate 1000] [--seconds 30]
 *                                              [--load-clients 4] [--sync full|normal]
 *
 * 1. Hold: --pending deadlines (half timers, half activity schedule-to-start timeouts, ten per
 *    run) are armed an hour ahead. Then a fresh process (this script with --hold-dir, as a
 *    restarted server) opens the store and runs the service on the real clock: its RSS and V8
 *    heap are measured before opening and while holding them (after a forced GC).
 * 2. Burst: in that process the clock jumps past them all (as after an hour's outage), so
 *    every deadline falls due at once. Reports the firing rate until the last one committed.
 * 3. Lateness: a fresh store, deadlines due at --rate per second for --seconds seconds, fired
 *    on a real ticking clock while --load-clients loops hammer the same store with signal
 *    transactions (API-like load). Reports lateness = commit time of the firing minus its due
 *    time: p50, p99, max.
 * The store uses synchronous=FULL (fsync per commit, the server's default) unless --sync normal.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Clock } from '../src/clock/clock.js';
import { TimerService } from '../src/clock/timer-service.js';
import { SWF_LIMITS, signal } from '../src/engine/index.js';
import { Executor } from '../src/executor/executor.js';
import type { TimerRow } from '../src/store/types.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { createRuns, scheduleActivity, startTimer, type RunSpec } from '../test/helpers/in-process.js';
import { createLogger } from '../src/log.js';

interface Options {
  pending: number;
  rate: number;
  seconds: number;
  loadClients: number;
  sync: 'full' | 'normal';
}

const run = promisify(execFile);
const HOUR_S = 3600;
/** Deadlines per run in the hold and burst phases (five timers, five activities). */
const PER_RUN = 10;
/** Runs created per setup transaction. */
const SETUP_BATCH = 250;

/** A clock whose time the setup code sets: runs are created "at" chosen instants. */
class SetupClock implements Clock {
  readonly kind = 'virtual' as const;
  at = Date.now();
  now(): number {
    return this.at;
  }
}

/**
 * The real clock shifted by a constant: it ticks in real time, so sleeping and lateness are
 * real, but the benchmark can jump it forward (an outage) or line it up with prepared
 * deadlines. The service treats it as the real clock it is.
 */
class ShiftedClock implements Clock {
  readonly kind = 'real' as const;
  offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
}

const gc: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

interface Memory {
  rssMb: number;
  heapMb: number;
}

function memory(): Memory {
  gc();
  const m = process.memoryUsage();
  return { rssMb: m.rss / 2 ** 20, heapMb: m.heapUsed / 2 ** 20 };
}

const mb = (n: number) => `${n.toFixed(1)} MB`;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** One store, a setup executor on a settable clock, and the live service on a shifted real clock. */
function assemble(dir: string, sync: 'full' | 'normal', fired: (row: TimerRow, at: number) => void) {
  const path = join(dir, 'openswf.sqlite');
  const store = new SqliteStore({ path, synchronous: sync });
  const setupClock = new SetupClock();
  const liveClock = new ShiftedClock();
  const setup = new Executor(setupClock, SWF_LIMITS);
  let service: TimerService | undefined;
  const live = new Executor(liveClock, SWF_LIMITS, { timerArmed: (dueAt) => service?.armed(dueAt) });
  service = new TimerService(store, live, liveClock, createLogger({ format: 'json', level: 'warn' }), { fired });
  const dbBytes = () => ['', '-wal'].reduce((sum, suffix) => sum + (statSync(path + suffix, { throwIfNoEntry: false })?.size ?? 0), 0);
  const countPending = () => {
    const db = new Database(path, { readonly: true });
    try {
      return (db.prepare("SELECT count(*) AS n FROM timers WHERE kind NOT IN ('retention', 'workflowStartToClose')").get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  return { store, setupClock, liveClock, setup, live, service, dbBytes, countPending };
}

type Assembled = ReturnType<typeof assemble>;

async function createInBatches(a: Assembled, specs: RunSpec[], beforeRun?: (spec: RunSpec, index: number) => void): Promise<void> {
  for (let i = 0; i < specs.length; i += SETUP_BATCH) {
    await createRuns(a.store, a.setup, specs.slice(i, i + SETUP_BATCH), beforeRun ? (spec, j) => beforeRun(spec, i + j) : undefined);
  }
}

/** Waits until `done()` or `limitMs` passes, checking every 20 ms. */
async function until(done: () => boolean, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** Runs of five timers and five activities (schedule-to-start), all an hour long. */
function holdSpecs(runs: number): RunSpec[] {
  const decisions = [
    ...Array.from({ length: PER_RUN / 2 }, (_, j) => startTimer(`t${j}`, HOUR_S)),
    ...Array.from({ length: PER_RUN / 2 }, (_, j) => scheduleActivity(`a${j}`, HOUR_S)),
  ];
  return Array.from({ length: runs }, (_, i) => ({ workflowId: `hold-${i}`, decisions }));
}

/** Phase 1 setup: `pending` deadlines an hour ahead, written to a store in `dir`. */
async function prepareHold(o: Options, dir: string): Promise<{ runs: number; setupS: number }> {
  const a = assemble(dir, o.sync, () => {});
  try {
    const runs = Math.ceil(o.pending / PER_RUN);
    a.setupClock.at = Date.now();
    const setupStart = performance.now();
    await createInBatches(a, holdSpecs(runs));
    return { runs, setupS: (performance.now() - setupStart) / 1000 };
  } finally {
    await a.store.close();
  }
}

interface HoldReport {
  pending: number;
  dbMb: number;
  before: Memory;
  holding: Memory;
  peakHoldingRssMb: number;
  firedWhileHolding: number;
  burstFired: number;
  burstS: number;
  burstPeakRssMb: number;
  leftPending: number;
}

/**
 * Phases 1 and 2, in a fresh process (as a restarted server would be): open the store, run
 * the service on the real clock and measure what holding the deadlines costs; then jump the
 * clock an hour ahead (an outage) and fire them all at once.
 */
async function holdAndBurst(dir: string, sync: 'full' | 'normal'): Promise<HoldReport> {
  const before = memory();
  let fired = 0;
  const a = assemble(dir, sync, () => fired++);
  try {
    a.service.start();
    await a.service.kick();
    let peakHoldingRssMb = 0;
    const holdUntil = Date.now() + 5_000;
    while (Date.now() < holdUntil) {
      peakHoldingRssMb = Math.max(peakHoldingRssMb, process.memoryUsage().rss / 2 ** 20);
      await new Promise((r) => setTimeout(r, 100));
    }
    const holding = memory();
    const firedWhileHolding = fired;
    const pending = a.countPending();
    const dbMb = a.dbBytes() / 2 ** 20;

    a.liveClock.offset += (HOUR_S + 1) * 1000;
    let burstPeakRssMb = 0;
    const sampler = setInterval(() => (burstPeakRssMb = Math.max(burstPeakRssMb, process.memoryUsage().rss / 2 ** 20)), 50);
    const burstStart = performance.now();
    fired = 0;
    await a.service.kick();
    const burstS = (performance.now() - burstStart) / 1000;
    clearInterval(sampler);
    return { pending, dbMb, before, holding, peakHoldingRssMb, firedWhileHolding, burstFired: fired, burstS, burstPeakRssMb, leftPending: a.countPending() };
  } finally {
    await a.service.stop();
    await a.store.close();
  }
}

/** Runs phases 1 and 2 in a child process of this script (`--hold-dir`), and prints them. */
async function holdAndBurstInChild(o: Options): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'openswf-bench-timers-'));
  try {
    const { runs, setupS } = await prepareHold(o, dir);
    const child = await run(process.execPath, [fileURLToPath(import.meta.url), '--hold-dir', dir, '--sync', o.sync], { maxBuffer: 1 << 20 });
    const r = JSON.parse(child.stdout) as HoldReport;
    console.log('## Hold (a fresh process opens the store and runs the service on the real clock)');
    console.log(`pending deadlines        ${r.pending} (${runs} runs x ${PER_RUN}: timers and activity schedule-to-start), due in 1 h`);
    console.log(`setup                    ${setupS.toFixed(1)} s (engine + store, ${SETUP_BATCH} runs per transaction)`);
    console.log(`database file            ${mb(r.dbMb)}`);
    console.log(`RSS      before / after  ${mb(r.before.rssMb)} / ${mb(r.holding.rssMb)}  (peak while holding ${mb(r.peakHoldingRssMb)})`);
    console.log(`V8 heap  before / after  ${mb(r.before.heapMb)} / ${mb(r.holding.heapMb)}`);
    console.log(`fired while holding      ${r.firedWhileHolding}`);
    console.log('\n## Burst (the clock jumps an hour: every deadline is overdue at once)');
    console.log(`fired                    ${r.burstFired} in ${r.burstS.toFixed(1)} s = ${Math.round(r.burstFired / r.burstS)} firings/s`);
    console.log(`left pending             ${r.leftPending}`);
    console.log(`peak RSS during burst    ${mb(r.burstPeakRssMb)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Phase 3: lateness at `rate` firings per second under store load. */
async function lateness(o: Options): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'openswf-bench-timers-'));
  const late: number[] = [];
  const a = assemble(dir, o.sync, (row, at) => {
    if (row.key.kind === 'timer') late.push(at - row.dueAt);
  });
  try {
    const total = o.rate * o.seconds;
    const gapMs = 1000 / o.rate;
    // Due times from `first` on, one every gapMs; each run is created an hour before its timer is due.
    const first = Date.now() + HOUR_S * 1000;
    const specs: RunSpec[] = Array.from({ length: total }, (_, i) => ({ workflowId: `late-${i}`, decisions: [startTimer('t', HOUR_S)] }));
    await createInBatches(a, specs, (_spec, i) => (a.setupClock.at = Math.round(first + i * gapMs) - HOUR_S * 1000));
    const loadRuns = await createRuns(
      a.store,
      a.setup,
      Array.from({ length: 500 }, (_, i) => ({ workflowId: `load-${i}`, decisions: [] })),
    );

    // Line the live clock up so the first timer falls due a second from now.
    a.liveClock.offset = first - 1_000 - Date.now();
    a.service.start();

    let loadTx = 0;
    let loading = true;
    const client = async (seed: number) => {
      let i = seed;
      while (loading) {
        const runId = loadRuns[(i = (i * 7919 + 1) % loadRuns.length)] as string;
        await a.store.transaction((tx) => a.live.update(tx, runId, (t) => signal(t, 'load', 'x'.repeat(200), undefined)));
        loadTx++;
        // As an HTTP request would, each call comes from the event loop, not from a microtask chain.
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const clients = Array.from({ length: o.loadClients }, (_, i) => client(i + 1));
    const windowStart = performance.now();
    const allFired = await until(() => late.length >= total, (o.seconds + 60) * 1000);
    const windowS = (performance.now() - windowStart) / 1000;
    loading = false;
    await Promise.all(clients);

    const sorted = [...late].sort((x, y) => x - y);
    console.log('\n## Lateness on the real clock under load');
    console.log(`timers                   ${late.length} of ${total}${allFired ? '' : ' (NOT all fired)'}, due at ${o.rate}/s over ${o.seconds} s`);
    console.log(`load                     ${o.loadClients} clients, ${Math.round(loadTx / windowS)} signal transactions/s beside the firings`);
    console.log(`lateness                 p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${(sorted.at(-1) ?? Number.NaN).toFixed(1)} ms`);
  } finally {
    await a.service.stop();
    await a.store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function options(): Options & { holdDir: string | undefined } {
  const { values } = parseArgs({
    options: {
      'hold-dir': { type: 'string' },
      pending: { type: 'string', default: '100000' },
      rate: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '30' },
      'load-clients': { type: 'string', default: '4' },
      sync: { type: 'string', default: 'full' },
    },
  });
  const positive = (name: string, text: string, min = 1): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}`);
    return n;
  };
  if (values.sync !== 'full' && values.sync !== 'normal') throw new Error('--sync must be full or normal');
  return {
    pending: positive('pending', values.pending),
    rate: positive('rate', values.rate),
    seconds: positive('seconds', values.seconds),
    loadClients: positive('load-clients', values['load-clients'], 0),
    sync: values.sync,
    holdDir: values['hold-dir'],
  };
}

async function main(): Promise<void> {
  const o = options();
  if (o.holdDir !== undefined) {
    // The child of holdAndBurstInChild: its report is the only thing on stdout.
    process.stdout.write(JSON.stringify(await holdAndBurst(o.holdDir, o.sync)));
    return;
  }
  console.log(`# OpenSWF timer benchmark (node ${process.version}, SQLite synchronous=${o.sync.toUpperCase()})\n`);
  await holdAndBurstInChild(o);
  await lateness(o);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
