/**
 * An activity task after it was scheduled: a worker starts it, then completes or fails it.
 * Each close drops the task and its deadlines and wakes the decider (once).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completeActivity, failActivity, fireTimeout, heartbeat, signal, startActivity } from '../../src/engine/index.js';
import { EngineRun, T0, decisionEnv, described, eventTypesOf, scheduleActivity } from '../helpers/engine.js';

/** A run with activity a1 scheduled (event 5) and no decision task open. */
function runWithActivity(extra: Parameters<typeof scheduleActivity>[1] = {}): EngineRun {
  const { run } = EngineRun.start();
  run.pollAndDecide([scheduleActivity('a1', { input: 'in', ...extra })], decisionEnv());
  assert.equal(run.state.activities.a1?.scheduledEventId, 5);
  return run;
}

const ACTIVITY_DEADLINES = ['activityScheduleToStart', 'activityScheduleToClose', 'activityStartToClose', 'activityHeartbeat'] as const;

test('startActivity records ActivityTaskStarted and swaps the schedule-to-start clock for the running ones', () => {
  const run = runWithActivity({ heartbeatTimeout: '20' });
  run.now += 1_000;
  const step = run.onActivity('a1', (t, a) => startActivity(t, a, 'worker-1'));
  assert.equal(step.result, 6);
  assert.deepEqual(described(step.events), [['ActivityTaskStarted', { identity: 'worker-1', scheduledEventId: 5 }]]);
  const now = T0 + 1_000;
  assert.deepEqual(step.effects, [
    { type: 'disarmTimer', key: { runId: 'run-1', kind: 'activityScheduleToStart', ref: '5' } },
    { type: 'armTimer', key: { runId: 'run-1', kind: 'activityStartToClose', ref: '5' }, dueAt: now + 300_000 },
    { type: 'armTimer', key: { runId: 'run-1', kind: 'activityHeartbeat', ref: '5' }, dueAt: now + 20_000 },
  ]);
  assert.equal(run.state.activities.a1?.startedEventId, 6);
  // Starting an activity is not news for the decider.
  assert.equal(run.state.decision.scheduled, undefined);
});

test('completeActivity records the result with both ids, drops the task and its deadlines, and wakes the decider', () => {
  const run = runWithActivity();
  run.onActivity('a1', (t, a) => startActivity(t, a, undefined));
  const step = run.onActivity('a1', (t, a) => completeActivity(t, a, 'out'));
  assert.deepEqual(described(step.events), [
    ['ActivityTaskCompleted', { result: 'out', scheduledEventId: 5, startedEventId: 6 }],
    ['DecisionTaskScheduled', { taskList: { name: 'decisions' }, startToCloseTimeout: '60' }],
  ]);
  assert.deepEqual(step.effects.slice(0, 5), [
    { type: 'removeTask', token: 'id-2' },
    ...ACTIVITY_DEADLINES.map((kind) => ({ type: 'disarmTimer', key: { runId: 'run-1', kind, ref: '5' } })),
  ]);
  assert.deepEqual(step.effects.slice(5).map((e) => e.type), ['enqueueTask']);
  assert.deepEqual(run.state.activities, {});
});

test('completeActivity without a result records none', () => {
  const run = runWithActivity();
  run.onActivity('a1', (t, a) => startActivity(t, a, undefined));
  const step = run.onActivity('a1', (t, a) => completeActivity(t, a, undefined));
  assert.deepEqual(described(step.events)[0], ['ActivityTaskCompleted', { scheduledEventId: 5, startedEventId: 6 }]);
});

test('failActivity records reason and details with both ids and wakes the decider', () => {
  const run = runWithActivity();
  run.onActivity('a1', (t, a) => startActivity(t, a, undefined));
  const step = run.onActivity('a1', (t, a) => failActivity(t, a, 'boom', 'stack'));
  assert.deepEqual(described(step.events), [
    ['ActivityTaskFailed', { reason: 'boom', details: 'stack', scheduledEventId: 5, startedEventId: 6 }],
    ['DecisionTaskScheduled', { taskList: { name: 'decisions' }, startToCloseTimeout: '60' }],
  ]);
  assert.deepEqual(run.state.activities, {});
});

test('an activity closing while the decider works waits for the task to close', () => {
  const run = runWithActivity();
  run.onActivity('a1', (t, a) => startActivity(t, a, undefined)); // 6
  run.step((t) => signal(t, 'wake', undefined)); // 7 signaled, 8 scheduled
  run.startDecision(); // 9
  const step = run.onActivity('a1', (t, a) => completeActivity(t, a, 'r'));
  assert.deepEqual(eventTypesOf(step.events), ['ActivityTaskCompleted']);
  assert.equal(run.state.decision.pendingWhileStarted, true);
  const done = run.decide([]);
  assert.deepEqual(eventTypesOf(done.events), ['DecisionTaskCompleted', 'DecisionTaskScheduled']);
});

test('a heartbeat adds no event, keeps its details and re-arms only the heartbeat clock', () => {
  const run = runWithActivity({ heartbeatTimeout: '20' });
  run.onActivity('a1', (t, a) => startActivity(t, a, undefined));
  run.now += 5_000;
  const step = run.onActivity('a1', (t, a) => heartbeat(t, a, '50%'));
  assert.deepEqual(step.events, []);
  assert.deepEqual(step.result, { cancelRequested: false });
  assert.deepEqual(step.effects, [{ type: 'armTimer', key: { runId: 'run-1', kind: 'activityHeartbeat', ref: '5' }, dueAt: T0 + 25_000 }]);
  assert.equal(run.state.activities.a1?.heartbeatDetails, '50%');
});

test('deadlines of an activity that already closed do nothing', () => {
  const run = runWithActivity();
  run.onActivity('a1', (t, a) => startActivity(t, a, undefined));
  run.onActivity('a1', (t, a) => completeActivity(t, a, 'r'));
  for (const kind of ACTIVITY_DEADLINES) {
    const step = run.step((t) => fireTimeout(t, kind, '5'));
    assert.deepEqual(step.events, [], kind);
    assert.deepEqual(step.effects, [], kind);
  }
});
