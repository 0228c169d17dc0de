/**
 * Deadlines never vanish, whatever the store does: the timer service over a real SQLite store
 * wrapped so that it injects faults. A store that is unavailable for a while (each
 * transaction fails, as with a lost connection) delays the deadlines, then all of them fire,
 * once; a deadline whose firing fails on its own (here: its run cannot be written) is set
 * aside by its own key and logged with its run, and every other deadline fires.
 */
import { test } from 'node:test';
import { pino } from 'pino';
import assert from 'node:assert/strict';
import { RealClock, VirtualClock, type Clock } from '../../src/clock/clock.js';
import { TimerService } from '../../src/clock/timer-service.js';
import type { HistoryEvent } from '../../src/model/shapes.js';
import { StoreUnavailable, type Store, type StoreTx, type TimerRow } from '../../src/store/types.js';
import { createCore, startRunWithDecisions, startTimer, type Core } from '../helpers/in-process.js';

const T0 = Date.UTC(2030, 0, 1);

interface Faults {
  /** Transactions still to fail as if the connection were lost. */
  outages: number;
  /** Runs whose state cannot be written: firing their deadlines fails, every time. */
  poisoned: Set<string>;
}

/** `store`, with the faults `faults` describes injected into its transactions. */
function faulty(store: Store, faults: Faults): Store {
  const wrapTx = (tx: StoreTx): StoreTx =>
    new Proxy(tx, {
      get(target, property, receiver) {
        if (property === 'updateExecution') {
          return async (state: Parameters<StoreTx['updateExecution']>[0]) => {
            if (faults.poisoned.has(state.runId)) throw new Error(`cannot write run ${state.runId}`);
            return target.updateExecution(state);
          };
        }
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'transaction') {
        return <T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> =>
          target.transaction(async (tx) => {
            if (faults.outages > 0) {
              faults.outages--;
              throw new StoreUnavailable(new Error('Connection terminated unexpectedly'));
            }
            return fn(wrapTx(tx));
          });
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

interface Rig {
  core: Core;
  timers: TimerService;
  faults: Faults;
  logs: string[];
  setAside: TimerRow[];
  fired: TimerRow[];
}

/** A core whose runs are made on the plain store, and a timer service on the faulty one. */
function rig(t: { after(fn: () => Promise<void>): void }, clock: Clock): Rig {
  const core = createCore(clock, { synchronous: 'normal' });
  const faults: Faults = { outages: 0, poisoned: new Set() };
  const logs: string[] = [];
  const setAside: TimerRow[] = [];
  const fired: TimerRow[] = [];
  const timers = new TimerService(faulty(core.store, faults), core.executor, clock, pino({ level: 'info' }, { write: (line: string) => void logs.push(line) }), {
    fired: (row) => fired.push(row),
    setAside: (row) => setAside.push(row),
  });
  t.after(async () => {
    await timers.stop();
    await core.dispose();
  });
  return { core, timers, faults, logs, setAside, fired };
}

const historyOf = (core: Core, runId: string): Promise<HistoryEvent[]> => core.store.getHistory(runId, { limit: 1000, reverse: false });
const firedTimers = async (core: Core, runId: string) =>
  (await historyOf(core, runId)).filter((e) => e.eventType === 'TimerFired').map((e) => e.timerFiredEventAttributes?.timerId);

/** The timer deadlines (kind 'timer') the due-table holds, read in a transaction that is then rolled back. */
async function dueTable(store: Store): Promise<string[]> {
  const rows: TimerRow[] = [];
  await store
    .transaction(async (tx) => {
      rows.push(...(await tx.takeDueTimers(Number.MAX_SAFE_INTEGER, 1000)));
      throw new Error('roll back');
    })
    .catch(() => undefined);
  return rows.filter((r) => r.key.kind === 'timer').map((r) => `${r.key.runId}/${r.key.ref}`);
}

test('a store unavailable for a while delays deadlines (backing off), then every one fires once', async (t) => {
  const clock = new VirtualClock(T0);
  const { core, timers, faults, logs, fired } = rig(t, clock);
  const runs = [];
  for (const id of ['a', 'b', 'c']) runs.push(await startRunWithDecisions(core, id, [startTimer(`${id}1`, 10), startTimer(`${id}2`, 10)]));
  faults.outages = 4;
  timers.start();
  const began = Date.now();
  assert.equal(await timers.advanceTo(T0 + 60_000), 6);
  assert.equal(faults.outages, 0);
  // 4 failed tries: the pass at start, then the advance's, waiting 200 + 400 + 800 ms.
  assert.ok(Date.now() - began >= 300, 'the retries did not back off');
  assert.equal(fired.length, 6);
  for (const [i, id] of ['a', 'b', 'c'].entries()) assert.deepEqual(await firedTimers(core, runs[i] ?? ''), [`${id}1`, `${id}2`]);
  assert.ok(logs.some((l) => /store failed, retrying/.test(l)));
  assert.ok(!logs.some((l) => /set aside|dropped/.test(l)), logs.join('\n'));
  assert.deepEqual(await dueTable(core.store), []);
});

test('on the real clock, deadlines overdue while the store is down fire once it is back', async (t) => {
  const before = createCore(new VirtualClock(Date.now() - 60_000), { keepData: true, synchronous: 'normal' });
  const runId = await startRunWithDecisions(before, 'w', [startTimer('x', 1), startTimer('y', 2)]);
  await before.dispose();
  const clock = new RealClock();
  const core = createCore(clock, { dataDir: before.dataDir, synchronous: 'normal' });
  const faults: Faults = { outages: 3, poisoned: new Set() };
  const logs: string[] = [];
  const timers = new TimerService(faulty(core.store, faults), core.executor, clock, pino({ level: 'info' }, { write: (line: string) => void logs.push(line) }));
  t.after(async () => {
    await timers.stop();
    await core.dispose();
  });
  timers.start();
  const deadline = Date.now() + 5_000;
  while ((await firedTimers(core, runId)).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(await firedTimers(core, runId), ['x', 'y']);
  assert.equal(logs.filter((l) => /store failed, retrying/.test(l)).length, 3, logs.join('\n'));
});

test('a deadline that fails on its own is set aside by its key and logged with its run; the others fire', async (t) => {
  const clock = new VirtualClock(T0);
  const { core, timers, faults, logs, setAside, fired } = rig(t, clock);
  // The poisoned run's deadline is neither the first nor the last due.
  const a = await startRunWithDecisions(core, 'a', [startTimer('a', 10)]);
  const bad = await startRunWithDecisions(core, 'bad', [startTimer('bad', 10), startTimer('bad-later', 3600)]);
  const c = await startRunWithDecisions(core, 'c', [startTimer('c', 10)]);
  faults.poisoned.add(bad);
  timers.start();
  assert.equal(await timers.advanceTo(T0 + 60_000), 3, 'two fired and one set aside');
  assert.deepEqual(await firedTimers(core, a), ['a']);
  assert.deepEqual(await firedTimers(core, c), ['c']);
  assert.deepEqual(await firedTimers(core, bad), []);
  assert.deepEqual(fired.map((r) => r.key.runId), [a, c]);
  assert.deepEqual(setAside.map((r) => [r.key.runId, r.key.kind, r.dueAt]), [[bad, 'timer', T0 + 10_000]]);
  const line = logs.find((l) => /set aside/.test(l));
  assert.ok(line?.includes(`of run ${bad}`) && line.includes(`cannot write run ${bad}`), line);
  // Only that deadline went: the run's later one is still armed.
  const laterStarted = (await historyOf(core, bad)).find((e) => e.timerStartedEventAttributes?.timerId === 'bad-later')?.eventId;
  assert.deepEqual(await dueTable(core.store), [`${bad}/${laterStarted}`]);
  assert.equal(await core.store.nextDueAt(), T0 + 3_600_000);
});

test('a store outage while a poisoned deadline is being found loses nothing', async (t) => {
  const clock = new VirtualClock(T0);
  const { core, timers, faults, setAside } = rig(t, clock);
  const a = await startRunWithDecisions(core, 'a', [startTimer('a', 10)]);
  const bad = await startRunWithDecisions(core, 'bad', [startTimer('bad', 10)]);
  const c = await startRunWithDecisions(core, 'c', [startTimer('c', 10)]);
  faults.poisoned.add(bad);
  timers.start();
  await timers.kick();
  // The batch fails on the poisoned run; then the store goes away for the one-by-one tries.
  const original = faults.poisoned;
  let batches = 0;
  faults.poisoned = new Proxy(original, {
    get(target, property, receiver) {
      if (property === 'has') {
        return (runId: string) => {
          if (runId === bad && ++batches === 1) faults.outages = 2;
          return target.has(runId);
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  assert.equal(await timers.advanceTo(T0 + 60_000), 3);
  assert.deepEqual(await firedTimers(core, a), ['a']);
  assert.deepEqual(await firedTimers(core, c), ['c']);
  assert.deepEqual(setAside.map((r) => r.key.runId), [bad]);
});
