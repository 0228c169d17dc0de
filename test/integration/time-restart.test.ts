/**
 * Durability of time on the real clock: deadlines that fall due while the server is down fire
 * once when it comes back, in due order, stamped with the time they fired; one not yet due
 * fires on time afterwards; and another restart fires none of them again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordActivityTaskHeartbeatCommand, type HistoryEvent, type SWFClient } from '@aws-sdk/client-swf';
import type { TestServer } from '../helpers/server.js';
import { restartableServer } from '../helpers/setup.js';
import { history, registerFixture, type Fixture } from '../helpers/swf.js';
import { decide, scheduleActivity, startTimer, takeActivityTask, takeDecisionTask, type Run } from '../helpers/workflow.js';
import { startTimedRun, timeOf } from './time-support.js';

/** Every deadline here is this many seconds after it was armed; the server is down meanwhile. */
const SHORT = 3;

interface Expected {
  name: string;
  run: Run;
  /** The event the deadline adds. */
  eventType: string;
  /** The kind of its row in the store's due-table. */
  kind: string;
  /** When it fell due (epoch ms): the arming event's time plus the timeout. */
  dueAt: number;
}

/** When the event of type `armedBy` happened, plus `seconds`. */
async function dueAfter(swf: SWFClient, f: Fixture, run: Run, armedBy: string, seconds: number): Promise<number> {
  const e = (await history(swf, f.domain, run)).find((x) => x.eventType === armedBy);
  assert.ok(e, `${armedBy} in ${run.workflowId}`);
  return timeOf(e) + seconds * 1000;
}

async function waitFor<T>(probe: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The rows of the due-table that are still there for these deadlines. The engine ignores a
 * stale deadline when it fires, so only the table itself shows that a fired one was deleted.
 */
async function stillDue(server: TestServer, deadlines: readonly { run: Run; kind: string }[]): Promise<string[]> {
  const rows = await server.storeRows(`SELECT run_id, kind FROM timers WHERE run_id IN (${deadlines.map(() => '?').join(', ')})`, deadlines.map((d) => d.run.runId));
  return deadlines.filter((d) => rows.some((r) => r.run_id === d.run.runId && r.kind === d.kind)).map((d) => `${d.run.workflowId}/${d.kind}`);
}

const eventsOf = (events: readonly HistoryEvent[], type: string) => events.filter((e) => e.eventType === type);

test('deadlines that fell due while the server was down fire once at restart, in due order, stamped when fired', async (t) => {
  const node = await restartableServer(t, { clock: 'real' });
  let swf = node.swf;
  const f = await registerFixture(swf);
  const s = String(SHORT);
  const expected: Expected[] = [];

  const timer = await startTimedRun(swf, f, 'timer');
  await decide(swf, f, timer, [startTimer('t', s)]);
  expected.push({ name: 'timer', run: timer, eventType: 'TimerFired', kind: 'timer', dueAt: await dueAfter(swf, f, timer, 'TimerStarted', SHORT) });

  const silent = await startTimedRun(swf, f, 'silent');
  await decide(swf, f, silent, [scheduleActivity(f, 'h', { scheduleToStartTimeout: 'NONE', scheduleToCloseTimeout: 'NONE', startToCloseTimeout: 'NONE', heartbeatTimeout: s })]);
  const work = await takeActivityTask(swf, f, 'h');
  await swf.send(new RecordActivityTaskHeartbeatCommand({ taskToken: work.taskToken, details: 'last words' }));
  const lastBeat = Date.now();
  expected.push({ name: 'heartbeat', run: silent, eventType: 'ActivityTaskTimedOut', kind: 'activityHeartbeat', dueAt: lastBeat + SHORT * 1000 });

  // Queued after the heartbeat activity was taken, so no worker takes this one.
  const queued = await startTimedRun(swf, f, 'queued');
  await decide(swf, f, queued, [scheduleActivity(f, 'q', { scheduleToStartTimeout: s, scheduleToCloseTimeout: 'NONE', startToCloseTimeout: 'NONE', heartbeatTimeout: 'NONE' })]);
  expected.push({ name: 'schedule-to-start', run: queued, eventType: 'ActivityTaskTimedOut', kind: 'activityScheduleToStart', dueAt: await dueAfter(swf, f, queued, 'ActivityTaskScheduled', SHORT) });

  const decider = await startTimedRun(swf, f, 'decider', { taskStartToCloseTimeout: s });
  await takeDecisionTask(swf, f, decider);
  expected.push({ name: 'decision', run: decider, eventType: 'DecisionTaskTimedOut', kind: 'decisionStartToClose', dueAt: await dueAfter(swf, f, decider, 'DecisionTaskStarted', SHORT) });

  // Not due until well after the restart: it must fire on time, not at start-up.
  const later = await startTimedRun(swf, f, 'later');
  await decide(swf, f, later, [startTimer('later', String(SHORT + 2))]);
  const laterDue = await dueAfter(swf, f, later, 'TimerStarted', SHORT + 2);

  // Last, so that its first decision task stays on the list untaken.
  const workflow = await startTimedRun(swf, f, 'workflow', { executionStartToCloseTimeout: s });
  expected.push({ name: 'workflow', run: workflow, eventType: 'WorkflowExecutionTimedOut', kind: 'workflowStartToClose', dueAt: await dueAfter(swf, f, workflow, 'WorkflowExecutionStarted', SHORT) });

  for (const e of expected) assert.equal(eventsOf(await history(swf, f.domain, e.run), e.eventType).length, 0, `${e.name} not yet fired`);
  await node.server.stop();
  assert.ok(expected.every((e) => e.dueAt > Date.now()), 'setup was too slow: every deadline must fall due while the server is down');
  const lastDue = Math.max(...expected.map((e) => e.dueAt));
  await new Promise((r) => setTimeout(r, lastDue + 300 - Date.now()));

  const restartedAt = Date.now();
  swf = await node.restart();
  const fired = await waitFor(
    async () => {
      const found = await Promise.all(expected.map(async (e) => eventsOf(await history(swf, f.domain, e.run), e.eventType)));
      return found.every((list) => list.length > 0) ? found : undefined;
    },
    5_000,
    'the overdue deadlines to fire',
  );
  const firedAt = fired.map((list, i) => {
    assert.equal(list.length, 1, `${expected[i]?.name} fired once`);
    const at = timeOf(list[0] as HistoryEvent);
    assert.ok(at >= restartedAt, `${expected[i]?.name} is stamped when it fired (${at}), not when it fell due`);
    return at;
  });
  // In due order: sorted by due time, the firing times never go back.
  const byDue = expected.map((e, i) => ({ dueAt: e.dueAt, at: firedAt[i] ?? 0 })).sort((a, b) => a.dueAt - b.dueAt);
  for (let i = 1; i < byDue.length; i++) assert.ok((byDue[i]?.at ?? 0) >= (byDue[i - 1]?.at ?? 0), 'fired in due order');
  // Attributes as the SWF reference names them.
  const heartbeat = eventsOf(await history(swf, f.domain, silent), 'ActivityTaskTimedOut')[0];
  assert.equal(heartbeat?.activityTaskTimedOutEventAttributes?.timeoutType, 'HEARTBEAT');
  assert.equal(heartbeat?.activityTaskTimedOutEventAttributes?.details, 'last words');
  assert.equal(eventsOf(await history(swf, f.domain, queued), 'ActivityTaskTimedOut')[0]?.activityTaskTimedOutEventAttributes?.timeoutType, 'SCHEDULE_TO_START');
  assert.equal(eventsOf(await history(swf, f.domain, decider), 'DecisionTaskTimedOut')[0]?.decisionTaskTimedOutEventAttributes?.timeoutType, 'START_TO_CLOSE');

  // The later timer fires on time on the restarted server (not early at start-up: lateness >= 0).
  const laterFired = await waitFor(
    async () => eventsOf(await history(swf, f.domain, later), 'TimerFired')[0],
    laterDue - Date.now() + 12_000,
    'the later timer',
  );
  // The upper bound tells an armed timer from one found by the service's next wake-up (up to
  // 30 s later); it leaves room for a loaded machine, where 3.8 s was seen.
  const lateness = timeOf(laterFired) - laterDue;
  assert.ok(lateness >= 0 && lateness < 10_000, `the later timer fired ${lateness} ms after its due time`);

  // Each fired deadline left the due-table with its commit.
  const firedDeadlines = [...expected, { run: later, kind: 'timer' }];
  assert.deepEqual(await stillDue(node.server, firedDeadlines), []);

  // kill -9 and start again: nothing fires a second time.
  const counts = await Promise.all([...expected.map((e) => e.run), later].map(async (r) => (await history(swf, f.domain, r)).length));
  await node.server.kill9();
  swf = await node.restart();
  await new Promise((r) => setTimeout(r, 500));
  const again = await Promise.all([...expected.map((e) => e.run), later].map(async (r) => (await history(swf, f.domain, r)).length));
  assert.deepEqual(again, counts);
  assert.deepEqual(await stillDue(node.server, firedDeadlines), []);
});
