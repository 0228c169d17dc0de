/**
 * Activity cancellation through the SDK: the RequestCancelActivityTask decision, heartbeats
 * answering cancelRequested, RespondActivityTaskCanceled, and tokens that are no longer valid.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  RecordActivityTaskHeartbeatCommand,
  RespondActivityTaskCanceledCommand,
  RespondActivityTaskCompletedCommand,
  RespondActivityTaskFailedCommand,
  SignalWorkflowExecutionCommand,
  type Decision,
} from '@aws-sdk/client-swf';
import { serverForFile } from '../helpers/setup.js';
import { eventTypes, expectFault, history, registerFixture } from '../helpers/swf.js';
import {
  attributesAt,
  complete,
  decide,
  describeRun,
  expectNoActivityTask,
  scheduleActivity,
  startRun,
  takeActivityTask,
  type Run,
} from '../helpers/workflow.js';

const { server, swf } = await serverForFile({ clock: 'virtual' });
const f = await registerFixture(swf);

const requestCancel = (activityId: string): Decision => ({
  decisionType: 'RequestCancelActivityTask',
  requestCancelActivityTaskDecisionAttributes: { activityId },
});

/** A signal earns the decider its next decision task when nothing else would. */
const nudge = (run: Run) => swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, ...run, signalName: 'nudge' }));

test('canceling a scheduled, not yet started activity cancels it at once and schedules a decision task', async () => {
  const run = await startRun(swf, f, 'act-cancel-scheduled');
  await decide(swf, f, run, [scheduleActivity(f, 'a1', { input: 'in' })]);
  await nudge(run);
  await decide(swf, f, run, [requestCancel('a1')]);
  const events = await history(swf, f.domain, run);
  assert.deepEqual(eventTypes(events).slice(4), [
    'ActivityTaskScheduled', 'WorkflowExecutionSignaled', 'DecisionTaskScheduled', 'DecisionTaskStarted', 'DecisionTaskCompleted',
    'ActivityTaskCancelRequested', 'ActivityTaskCanceled', 'DecisionTaskScheduled',
  ]);
  assert.deepEqual(attributesAt(events, 10, 'ActivityTaskCancelRequested'), {
    decisionTaskCompletedEventId: 9,
    activityId: 'a1',
  });
  assert.deepEqual(attributesAt(events, 11, 'ActivityTaskCanceled'), {
    scheduledEventId: 5,
    startedEventId: 0,
    latestCancelRequestedEventId: 10,
  });
  assert.deepEqual(attributesAt(events, 12, 'DecisionTaskScheduled'), { taskList: { name: f.taskList }, startToCloseTimeout: '60' });
  assert.equal((await describeRun(swf, f, run)).openCounts?.openActivityTasks, 0);
  // No worker ever gets the canceled task.
  await expectNoActivityTask(swf, f);
  await decide(swf, f, run, [complete()]);
});

test('scheduling and canceling in one answer records both and one new decision task', async () => {
  const run = await startRun(swf, f, 'act-cancel-same-answer');
  await decide(swf, f, run, [scheduleActivity(f, 'a1'), requestCancel('a1')]);
  const events = await history(swf, f.domain, run);
  assert.deepEqual(eventTypes(events).slice(4), ['ActivityTaskScheduled', 'ActivityTaskCancelRequested', 'ActivityTaskCanceled', 'DecisionTaskScheduled']);
  assert.deepEqual(attributesAt(events, 7, 'ActivityTaskCanceled'), { scheduledEventId: 5, startedEventId: 0, latestCancelRequestedEventId: 6 });
  await decide(swf, f, run, [complete()]);
});

test('a started activity learns of the cancel request from its heartbeat and answers RespondActivityTaskCanceled', async () => {
  const run = await startRun(swf, f, 'act-cancel-started');
  await decide(swf, f, run, [scheduleActivity(f, 'a1', { input: 'work' })]);
  const task = await takeActivityTask(swf, f);
  assert.equal(task.activityId, 'a1');
  assert.deepEqual(task.workflowExecution, run);
  const calm = await swf.send(new RecordActivityTaskHeartbeatCommand({ taskToken: task.taskToken, details: 'starting' }));
  assert.equal(calm.cancelRequested, false);

  await nudge(run);
  await decide(swf, f, run, [requestCancel('a1')]);
  let events = await history(swf, f.domain, run);
  // A started task is only asked to stop: no ActivityTaskCanceled yet, and no decision task.
  assert.deepEqual(eventTypes(events).slice(4), [
    'ActivityTaskScheduled', 'ActivityTaskStarted', 'WorkflowExecutionSignaled', 'DecisionTaskScheduled', 'DecisionTaskStarted',
    'DecisionTaskCompleted', 'ActivityTaskCancelRequested',
  ]);
  assert.deepEqual(attributesAt(events, 6, 'ActivityTaskStarted'), { identity: 'worker', scheduledEventId: 5 });
  assert.deepEqual(attributesAt(events, 11, 'ActivityTaskCancelRequested'), { decisionTaskCompletedEventId: 10, activityId: 'a1' });
  const waiting = await describeRun(swf, f, run);
  assert.equal(waiting.openCounts?.openDecisionTasks, 0);
  assert.equal(waiting.openCounts?.openActivityTasks, 1);

  const told = await swf.send(new RecordActivityTaskHeartbeatCommand({ taskToken: task.taskToken, details: 'half way' }));
  assert.equal(told.cancelRequested, true);
  assert.equal((await history(swf, f.domain, run)).length, 11, 'a heartbeat adds no event');

  await swf.send(new RespondActivityTaskCanceledCommand({ taskToken: task.taskToken, details: 'rolled back' }));
  events = await history(swf, f.domain, run);
  assert.deepEqual(eventTypes(events).slice(11), ['ActivityTaskCanceled', 'DecisionTaskScheduled']);
  assert.deepEqual(attributesAt(events, 12, 'ActivityTaskCanceled'), {
    details: 'rolled back',
    scheduledEventId: 5,
    startedEventId: 6,
    latestCancelRequestedEventId: 11,
  });
  assert.equal((await describeRun(swf, f, run)).openCounts?.openActivityTasks, 0);

  // The task is closed: every later call with its token is unknown.
  await expectFault(swf.send(new RecordActivityTaskHeartbeatCommand({ taskToken: task.taskToken })), 'UnknownResourceFault');
  await expectFault(swf.send(new RespondActivityTaskCanceledCommand({ taskToken: task.taskToken })), 'UnknownResourceFault');
  await expectFault(swf.send(new RespondActivityTaskCompletedCommand({ taskToken: task.taskToken, result: 'x' })), 'UnknownResourceFault');
  await expectFault(swf.send(new RespondActivityTaskFailedCommand({ taskToken: task.taskToken })), 'UnknownResourceFault');
  const decision = await decide(swf, f, run, [complete()]);
  assert.ok(decision.events?.some((e) => e.eventType === 'ActivityTaskCanceled'));
});

test('canceling an unknown or already closed activity fails with ACTIVITY_ID_UNKNOWN and a new decision task', async () => {
  const run = await startRun(swf, f, 'act-cancel-unknown');
  await decide(swf, f, run, [scheduleActivity(f, 'done-one')]);
  const task = await takeActivityTask(swf, f);
  await swf.send(new RespondActivityTaskCompletedCommand({ taskToken: task.taskToken, result: 'r' }));
  await decide(swf, f, run, [requestCancel('done-one'), requestCancel('never-scheduled')]);
  const events = await history(swf, f.domain, run);
  assert.deepEqual(eventTypes(events).slice(6), [
    'ActivityTaskCompleted', 'DecisionTaskScheduled', 'DecisionTaskStarted', 'DecisionTaskCompleted',
    'RequestCancelActivityTaskFailed', 'RequestCancelActivityTaskFailed', 'DecisionTaskScheduled',
  ]);
  assert.deepEqual(attributesAt(events, 11, 'RequestCancelActivityTaskFailed'), {
    activityId: 'done-one',
    cause: 'ACTIVITY_ID_UNKNOWN',
    decisionTaskCompletedEventId: 10,
  });
  assert.deepEqual(attributesAt(events, 12, 'RequestCancelActivityTaskFailed'), {
    activityId: 'never-scheduled',
    cause: 'ACTIVITY_ID_UNKNOWN',
    decisionTaskCompletedEventId: 10,
  });
  await decide(swf, f, run, [complete()]);
});

test('heartbeat details are capped at 2048 characters', async () => {
  const run = await startRun(swf, f, 'act-heartbeat-size');
  await decide(swf, f, run, [scheduleActivity(f, 'a1')]);
  const task = await takeActivityTask(swf, f);
  const ok = await swf.send(new RecordActivityTaskHeartbeatCommand({ taskToken: task.taskToken, details: 'x'.repeat(2048) }));
  assert.equal(ok.cancelRequested, false);
  await expectFault(swf.send(new RecordActivityTaskHeartbeatCommand({ taskToken: task.taskToken, details: 'x'.repeat(2049) })), 'ValidationException');
  await expectFault(swf.send(new RecordActivityTaskHeartbeatCommand({ taskToken: 'no-such-token' })), 'ValidationException', 'Invalid token');
  // Canceled without a request: accepted, and the event names no cancel request.
  await swf.send(new RespondActivityTaskCanceledCommand({ taskToken: task.taskToken }));
  const events = await history(swf, f.domain, run);
  assert.deepEqual(attributesAt(events, 7, 'ActivityTaskCanceled'), { scheduledEventId: 5, startedEventId: 6 });
  await decide(swf, f, run, [complete()]);
});

test('the token of a timed-out activity is unknown, even after a cancel request', async () => {
  const run = await startRun(swf, f, 'act-timed-out');
  await decide(swf, f, run, [scheduleActivity(f, 'slow', { heartbeatTimeout: '10' })]);
  const task = await takeActivityTask(swf, f);
  await swf.send(new RecordActivityTaskHeartbeatCommand({ taskToken: task.taskToken, details: 'last words' }));
  await nudge(run);
  await decide(swf, f, run, [requestCancel('slow')]);
  await server.advance(11);
  const events = await history(swf, f.domain, run);
  assert.deepEqual(eventTypes(events).slice(-2), ['ActivityTaskTimedOut', 'DecisionTaskScheduled']);
  const timedOut = events.at(-2);
  assert.deepEqual(timedOut?.activityTaskTimedOutEventAttributes, { timeoutType: 'HEARTBEAT', scheduledEventId: 5, startedEventId: 6, details: 'last words' });
  await expectFault(swf.send(new RecordActivityTaskHeartbeatCommand({ taskToken: task.taskToken })), 'UnknownResourceFault');
  await expectFault(swf.send(new RespondActivityTaskCanceledCommand({ taskToken: task.taskToken, details: 'too late' })), 'UnknownResourceFault');
  await decide(swf, f, run, [complete()]);
});
