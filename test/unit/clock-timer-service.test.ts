/**
 * The clock component on a real SQLite store and the real engine: deadlines fire in due order,
 * once, at their due time on the virtual clock and at once (stamped when they fire) when they
 * fell due while the service was down.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RealClock, VirtualClock } from '../../src/clock/clock.js';
import type { HistoryEvent } from '../../src/model/shapes.js';
import { createCore, startRunWithDecisions, startTimer, type Core } from '../helpers/in-process.js';

const T0 = Date.UTC(2030, 0, 1);

async function historyOf(core: Core, runId: string): Promise<HistoryEvent[]> {
  return core.store.getHistory(runId, { limit: 10_000, reverse: false });
}

/** Polls `probe` until it yields a value (at most a second). */
async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 1_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const fired = (events: HistoryEvent[]) =>
  events
    .filter((e) => e.eventType === 'TimerFired')
    .map((e) => ({ timerId: e.timerFiredEventAttributes?.timerId, at: e.eventTimestamp }));

test('VirtualClock never goes back', () => {
  const clock = new VirtualClock(T0);
  clock.set(T0 + 5);
  clock.set(T0 + 1);
  assert.equal(clock.now(), T0 + 5);
  assert.equal(clock.kind, 'virtual');
  assert.equal(new RealClock().kind, 'real');
});

test('an advance fires deadlines across runs in due order, each stamped with its own due time', async (t) => {
  const clock = new VirtualClock(T0);
  const order: string[] = [];
  const core = createCore(clock, { hooks: { fired: (row, at) => order.push(`${row.key.runId}/${row.key.ref}@${at}`) } });
  t.after(() => core.dispose());
  core.timers.start();
  const a = await startRunWithDecisions(core, 'a', [startTimer('a30', 30), startTimer('a10', 10)]);
  clock.set(T0 + 5_000);
  const b = await startRunWithDecisions(core, 'b', [startTimer('b10', 10), startTimer('b1h', 3600)]);

  assert.equal(await core.timers.advanceTo(T0 + 60_000), 3);
  assert.equal(clock.now(), T0 + 60_000);
  const historyA = await historyOf(core, a);
  const historyB = await historyOf(core, b);
  const startedId = (events: HistoryEvent[], timerId: string) =>
    events.find((e) => e.timerStartedEventAttributes?.timerId === timerId)?.eventId;
  assert.deepEqual(order, [
    `${a}/${startedId(historyA, 'a10')}@${T0 + 10_000}`,
    `${b}/${startedId(historyB, 'b10')}@${T0 + 15_000}`,
    `${a}/${startedId(historyA, 'a30')}@${T0 + 30_000}`,
  ]);
  assert.deepEqual(fired(historyA), [
    { timerId: 'a10', at: (T0 + 10_000) / 1000 },
    { timerId: 'a30', at: (T0 + 30_000) / 1000 },
  ]);
  assert.deepEqual(fired(historyB), [{ timerId: 'b10', at: (T0 + 15_000) / 1000 }]);
  // The one-hour timer is still pending, due exactly an hour after it started.
  assert.equal(await core.store.nextDueAt(), T0 + 5_000 + 3_600_000);
});

test('deadlines due at the same instant fire in the order they were armed', async (t) => {
  const clock = new VirtualClock(T0);
  const core = createCore(clock);
  t.after(() => core.dispose());
  core.timers.start();
  // Twelve timers: their startedEventIds run past 9 into two digits, where text order differs.
  const ids = Array.from({ length: 12 }, (_, i) => `t${i}`);
  const runId = await startRunWithDecisions(core, 'w', ids.map((id) => startTimer(id, 5)));
  await core.timers.advanceTo(T0 + 5_000);
  const events = await historyOf(core, runId);
  assert.deepEqual(fired(events).map((e) => e.timerId), ids);
  const started = events.filter((e) => e.eventType === 'TimerStarted').map((e) => e.eventId);
  assert.deepEqual(events.filter((e) => e.eventType === 'TimerFired').map((e) => e.timerFiredEventAttributes?.startedEventId), started);
});

test('a burst larger than one batch fires completely and exactly once', async (t) => {
  const clock = new VirtualClock(T0);
  const seen = new Map<string, number>();
  const core = createCore(clock, {
    synchronous: 'normal',
    hooks: { fired: (row) => seen.set(`${row.key.runId}/${row.key.ref}`, (seen.get(`${row.key.runId}/${row.key.ref}`) ?? 0) + 1) },
  });
  t.after(() => core.dispose());
  core.timers.start();
  const runs: string[] = [];
  for (let i = 0; i < 30; i++) runs.push(await startRunWithDecisions(core, `w${i}`, Array.from({ length: 10 }, (_, j) => startTimer(`t${j}`, 60))));
  assert.equal(await core.timers.advanceTo(T0 + 60_000), 300);
  assert.equal(seen.size, 300);
  assert.ok([...seen.values()].every((n) => n === 1));
  for (const runId of runs) assert.equal(fired(await historyOf(core, runId)).length, 10);
  // Fired once means fired once: advancing further fires none of them again.
  assert.equal(await core.timers.advanceTo(T0 + 120_000), 0);
});

test('StartTimer "0" fires at once on the virtual clock, without an advance', async (t) => {
  const clock = new VirtualClock(T0);
  const core = createCore(clock);
  t.after(() => core.dispose());
  core.timers.start();
  await core.timers.kick(); // let the start-up pass finish: it must not be what fires the timer
  const runId = await startRunWithDecisions(core, 'w', [startTimer('now', 0)]);
  // No kick and no advance: arming a deadline that is already due queued the pass itself.
  const events = await eventually(async () => {
    const h = await historyOf(core, runId);
    return h.some((e) => e.eventType === 'TimerFired') ? h : undefined;
  });
  assert.deepEqual(fired(events), [{ timerId: 'now', at: T0 / 1000 }]);
  assert.equal(events.at(-1)?.eventType, 'DecisionTaskScheduled');
  assert.equal(clock.now(), T0);
});

test('deadlines that fell due while the service was down fire once at start, in due order, stamped when they fire', async (t) => {
  // Armed ten minutes ago (a virtual clock set in the past); due two to four minutes later.
  const before = createCore(new VirtualClock(Date.now() - 600_000), { keepData: true });
  const late = await startRunWithDecisions(before, 'late', [startTimer('third', 360), startTimer('first', 120)]);
  const later = await startRunWithDecisions(before, 'later', [startTimer('second', 240)]);
  await before.dispose();

  const order: string[] = [];
  const startedAt = Date.now();
  const after = createCore(new RealClock(), { dataDir: before.dataDir, hooks: { fired: (row) => order.push(`${row.key.kind}:${row.key.runId === late ? 'late' : 'later'}`) } });
  t.after(() => after.dispose());
  after.timers.start();
  await after.timers.kick();
  assert.deepEqual(order, ['timer:late', 'timer:later', 'timer:late']);
  const events = [...(await historyOf(after, late)), ...(await historyOf(after, later))];
  const firedEvents = fired(events);
  assert.deepEqual(firedEvents.map((e) => e.timerId).sort(), ['first', 'second', 'third']);
  for (const e of firedEvents) assert.ok((e.at ?? 0) * 1000 >= startedAt, `TimerFired stamped ${e.at}, before the service started at ${startedAt / 1000}`);
  // Each run got one decision task for what fired, and nothing fires twice.
  assert.equal((await historyOf(after, late)).filter((e) => e.eventType === 'DecisionTaskScheduled').length, 2);
  await after.timers.kick();
  assert.equal(order.length, 3);
});

test('on the real clock the service sleeps until the next deadline and fires it on time', async (t) => {
  const firedAt: number[] = [];
  const core = createCore(new RealClock(), { hooks: { fired: (_row, at) => firedAt.push(at) } });
  t.after(() => core.dispose());
  core.timers.start();
  const armedAt = Date.now();
  const runId = await startRunWithDecisions(core, 'w', [startTimer('one', 1)]);
  const due = (await historyOf(core, runId)).find((e) => e.eventType === 'TimerStarted')?.eventTimestamp;
  assert.ok(due !== undefined);
  const deadline = Date.now() + 3_000;
  while (firedAt.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(firedAt.length, 1, 'the one-second timer did not fire within three seconds');
  const lateness = (firedAt[0] ?? 0) - (due * 1000 + 1000);
  assert.ok(lateness >= 0 && lateness < 500, `fired ${lateness} ms after its due time`);
  assert.ok((firedAt[0] ?? 0) - armedAt >= 1000);
});

test('a long burst lets the event loop in between batches (HTTP requests are not starved)', async (t) => {
  const clock = new VirtualClock(T0);
  let firedCount = 0;
  const core = createCore(clock, { synchronous: 'normal', hooks: { fired: () => firedCount++ } });
  t.after(() => core.dispose());
  core.timers.start();
  for (let i = 0; i < 20; i++) await startRunWithDecisions(core, `w${i}`, Array.from({ length: 20 }, (_, j) => startTimer(`t${j}`, 60)));
  let firedWhenTheLoopGotIn: number | undefined;
  setImmediate(() => (firedWhenTheLoopGotIn = firedCount));
  assert.equal(await core.timers.advanceTo(T0 + 60_000), 400);
  assert.ok(firedWhenTheLoopGotIn !== undefined && firedWhenTheLoopGotIn < 400, `the event loop got in only after ${firedWhenTheLoopGotIn} of 400`);
});
