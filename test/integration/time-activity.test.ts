/**
 * Activity timeouts on the virtual clock: SCHEDULE_TO_START, SCHEDULE_TO_CLOSE, START_TO_CLOSE
 * and HEARTBEAT, each with ActivityTaskTimedOut at its due time (details from the last
 * heartbeat) and a decision task; the worker's later calls refused; heartbeats reset only the
 * heartbeat clock; NONE disables a timeout; omitted values come from the type's defaults, or
 * the decision fails with the DEFAULT_*_UNDEFINED cause.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  RecordActivityTaskHeartbeatCommand,
  RegisterActivityTypeCommand,
  RespondActivityTaskCompletedCommand,
  RespondActivityTaskFailedCommand,
  type ScheduleActivityTaskDecisionAttributes,
} from '@aws-sdk/client-swf';
import { serverForFile } from '../helpers/setup.js';
import { expectFault, history, registerFixture, type Fixture } from '../helpers/swf.js';
import { decide, eventAt, eventsFrom, expectNoActivityTask, scheduleActivity, takeActivityTask, type Run } from '../helpers/workflow.js';
import { advance, onlyOf, serverNow, startTimedRun, timeOf, type ActivityTimeouts } from './time-support.js';

const { server, swf } = await serverForFile({ clock: 'virtual' });

const NO_TIMEOUTS: Required<ActivityTimeouts> = {
  scheduleToStartTimeout: 'NONE',
  scheduleToCloseTimeout: 'NONE',
  startToCloseTimeout: 'NONE',
  heartbeatTimeout: 'NONE',
};

/** A run with one activity scheduled (event 5) with these timeouts, the rest NONE. */
async function runWithActivity(f: Fixture, timeouts: ActivityTimeouts): Promise<Run> {
  const run = await startTimedRun(swf, f, 'w', { executionStartToCloseTimeout: '31536000' });
  await decide(swf, f, run, [scheduleActivity(f, 'a1', { ...NO_TIMEOUTS, ...timeouts })]);
  const scheduled = eventAt(await history(swf, f.domain, run), 5, 'ActivityTaskScheduled');
  assert.equal(scheduled.activityTaskScheduledEventAttributes?.activityId, 'a1');
  return run;
}

const heartbeat = (taskToken: string, details?: string) => swf.send(new RecordActivityTaskHeartbeatCommand({ taskToken, ...(details !== undefined ? { details } : {}) }));

test('SCHEDULE_TO_START: no worker takes the task in time', async () => {
  const f = await registerFixture(swf);
  const run = await runWithActivity(f, { scheduleToStartTimeout: '10' });
  const scheduledAt = await serverNow(server);
  await advance(server, 9);
  assert.equal((await history(swf, f.domain, run)).length, 5);
  await advance(server, 1);

  assert.deepEqual(await eventsFrom(swf, f, run, 6), [
    ['ActivityTaskTimedOut', { timeoutType: 'SCHEDULE_TO_START', scheduledEventId: 5, startedEventId: 0 }],
    ['DecisionTaskScheduled', { taskList: { name: f.taskList }, startToCloseTimeout: 'NONE' }],
  ]);
  assert.equal(timeOf(eventAt(await history(swf, f.domain, run), 6, 'ActivityTaskTimedOut')), scheduledAt + 10_000);
  await expectNoActivityTask(swf, f);
});

test('SCHEDULE_TO_CLOSE: the whole task, queue time included, takes too long; details of the last heartbeat', async () => {
  const f = await registerFixture(swf);
  const run = await runWithActivity(f, { scheduleToCloseTimeout: '20', startToCloseTimeout: '100' });
  const scheduledAt = await serverNow(server);
  await advance(server, 5);
  const task = await takeActivityTask(swf, f, 'a1');
  await heartbeat(task.taskToken, 'first');
  await heartbeat(task.taskToken, 'halfway');
  await advance(server, 15);

  assert.deepEqual(await eventsFrom(swf, f, run, 6), [
    ['ActivityTaskStarted', { identity: 'worker', scheduledEventId: 5 }],
    ['ActivityTaskTimedOut', { timeoutType: 'SCHEDULE_TO_CLOSE', scheduledEventId: 5, startedEventId: 6, details: 'halfway' }],
    ['DecisionTaskScheduled', { taskList: { name: f.taskList }, startToCloseTimeout: 'NONE' }],
  ]);
  assert.equal(timeOf(eventAt(await history(swf, f.domain, run), 7, 'ActivityTaskTimedOut')), scheduledAt + 20_000);
  await expectFault(heartbeat(task.taskToken, 'late'), 'UnknownResourceFault');
  await expectFault(swf.send(new RespondActivityTaskCompletedCommand({ taskToken: task.taskToken, result: 'late' })), 'UnknownResourceFault');
});

test('START_TO_CLOSE: the worker takes too long; heartbeats do not extend it', async () => {
  const f = await registerFixture(swf);
  const run = await runWithActivity(f, { startToCloseTimeout: '30', heartbeatTimeout: '10' });
  const task = await takeActivityTask(swf, f, 'a1');
  const startedAt = await serverNow(server);
  // Heartbeats every 8 s keep the heartbeat clock happy, not the start-to-close one.
  for (let i = 0; i < 3; i++) {
    await advance(server, 8);
    await heartbeat(task.taskToken, `beat ${i}`);
  }
  await advance(server, 5);
  assert.equal((await history(swf, f.domain, run)).length, 6, 'still running at 29 s');
  await advance(server, 1);

  assert.deepEqual(await eventsFrom(swf, f, run, 7), [
    ['ActivityTaskTimedOut', { timeoutType: 'START_TO_CLOSE', scheduledEventId: 5, startedEventId: 6, details: 'beat 2' }],
    ['DecisionTaskScheduled', { taskList: { name: f.taskList }, startToCloseTimeout: 'NONE' }],
  ]);
  assert.equal(timeOf(eventAt(await history(swf, f.domain, run), 7, 'ActivityTaskTimedOut')), startedAt + 30_000);
  await expectFault(swf.send(new RespondActivityTaskFailedCommand({ taskToken: task.taskToken, reason: 'late' })), 'UnknownResourceFault');
});

test('START_TO_CLOSE without heartbeats: ActivityTaskTimedOut carries no details', async () => {
  const f = await registerFixture(swf);
  const run = await runWithActivity(f, { startToCloseTimeout: '30' });
  await takeActivityTask(swf, f, 'a1');
  await advance(server, 30);
  assert.deepEqual((await eventsFrom(swf, f, run, 7))[0], ['ActivityTaskTimedOut', { timeoutType: 'START_TO_CLOSE', scheduledEventId: 5, startedEventId: 6 }]);
});

test('HEARTBEAT: each heartbeat resets the heartbeat clock; silence past it times the task out', async () => {
  const f = await registerFixture(swf);
  const run = await runWithActivity(f, { heartbeatTimeout: '10', startToCloseTimeout: '1000' });
  const task = await takeActivityTask(swf, f, 'a1');
  await advance(server, 8);
  assert.equal((await heartbeat(task.taskToken, 'd1')).cancelRequested, false);
  await advance(server, 8); // 16 s after start, 8 s after the last heartbeat
  await heartbeat(task.taskToken, 'd2');
  const lastBeatAt = await serverNow(server);
  await heartbeat(task.taskToken); // no details: the last details stand
  await advance(server, 9);
  assert.equal((await history(swf, f.domain, run)).length, 6, 'heartbeats add no events');
  await advance(server, 1);

  assert.deepEqual(await eventsFrom(swf, f, run, 7), [
    ['ActivityTaskTimedOut', { timeoutType: 'HEARTBEAT', scheduledEventId: 5, startedEventId: 6, details: 'd2' }],
    ['DecisionTaskScheduled', { taskList: { name: f.taskList }, startToCloseTimeout: 'NONE' }],
  ]);
  assert.equal(timeOf(eventAt(await history(swf, f.domain, run), 7, 'ActivityTaskTimedOut')), lastBeatAt + 10_000);
  await expectFault(heartbeat(task.taskToken, 'late'), 'UnknownResourceFault');
  await expectFault(swf.send(new RespondActivityTaskCompletedCommand({ taskToken: task.taskToken })), 'UnknownResourceFault');
});

test('NONE disables every activity timeout', async () => {
  const f = await registerFixture(swf);
  const run = await runWithActivity(f, NO_TIMEOUTS);
  await advance(server, 100 * 86_400);
  const task = await takeActivityTask(swf, f, 'a1');
  await advance(server, 100 * 86_400);
  assert.equal((await history(swf, f.domain, run)).length, 6);
  await swf.send(new RespondActivityTaskCompletedCommand({ taskToken: task.taskToken, result: 'finally' }));
  assert.equal(onlyOf(await history(swf, f.domain, run), 'ActivityTaskCompleted').activityTaskCompletedEventAttributes?.result, 'finally');
});

test("omitted timeouts come from the activity type's defaults and are enforced", async () => {
  const f = await registerFixture(swf);
  const type = { name: 'with-defaults', version: '1' };
  await swf.send(
    new RegisterActivityTypeCommand({
      domain: f.domain,
      ...type,
      defaultTaskList: { name: f.activityTaskList },
      defaultTaskScheduleToStartTimeout: '15',
      defaultTaskScheduleToCloseTimeout: '600',
      defaultTaskStartToCloseTimeout: '300',
      defaultTaskHeartbeatTimeout: '60',
    }),
  );
  const run = await startTimedRun(swf, f, 'w');
  await decide(swf, f, run, [{ decisionType: 'ScheduleActivityTask', scheduleActivityTaskDecisionAttributes: { activityType: type, activityId: 'a1' } }]);
  const scheduled = eventAt(await history(swf, f.domain, run), 5, 'ActivityTaskScheduled').activityTaskScheduledEventAttributes;
  assert.equal(scheduled?.scheduleToStartTimeout, '15');
  assert.equal(scheduled?.scheduleToCloseTimeout, '600');
  assert.equal(scheduled?.startToCloseTimeout, '300');
  assert.equal(scheduled?.heartbeatTimeout, '60');
  assert.deepEqual(scheduled?.taskList, { name: f.activityTaskList });
  await advance(server, 15);
  assert.deepEqual((await eventsFrom(swf, f, run, 6))[0], ['ActivityTaskTimedOut', { timeoutType: 'SCHEDULE_TO_START', scheduledEventId: 5, startedEventId: 0 }]);
});

test('a timeout neither given nor defaulted fails the decision with its DEFAULT_*_UNDEFINED cause', async () => {
  const f = await registerFixture(swf);
  const type = { name: 'no-defaults', version: '1' };
  await swf.send(new RegisterActivityTypeCommand({ domain: f.domain, ...type }));
  const all = { taskList: { name: f.activityTaskList }, scheduleToStartTimeout: '10', scheduleToCloseTimeout: '10', startToCloseTimeout: '10', heartbeatTimeout: '10' };
  const cases = [
    ['taskList', 'DEFAULT_TASK_LIST_UNDEFINED'],
    ['scheduleToStartTimeout', 'DEFAULT_SCHEDULE_TO_START_TIMEOUT_UNDEFINED'],
    ['scheduleToCloseTimeout', 'DEFAULT_SCHEDULE_TO_CLOSE_TIMEOUT_UNDEFINED'],
    ['startToCloseTimeout', 'DEFAULT_START_TO_CLOSE_TIMEOUT_UNDEFINED'],
    ['heartbeatTimeout', 'DEFAULT_HEARTBEAT_TIMEOUT_UNDEFINED'],
  ] as const;
  const run = await startTimedRun(swf, f, 'w');
  await decide(
    swf,
    f,
    run,
    cases.map(([omit], i) => {
      const attributes: ScheduleActivityTaskDecisionAttributes = { activityType: type, activityId: `a${i}`, ...all };
      delete attributes[omit];
      return { decisionType: 'ScheduleActivityTask', scheduleActivityTaskDecisionAttributes: attributes };
    }),
  );
  assert.deepEqual(await eventsFrom(swf, f, run, 5), [
    ...cases.map(([, cause], i) => ['ScheduleActivityTaskFailed', { activityType: type, activityId: `a${i}`, cause, decisionTaskCompletedEventId: 4 }]),
    ['DecisionTaskScheduled', { taskList: { name: f.taskList }, startToCloseTimeout: 'NONE' }],
  ]);
  await expectNoActivityTask(swf, f);
});
