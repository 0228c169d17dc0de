/**
 * Decision task timeouts on the virtual clock: START_TO_CLOSE with a new task and the late
 * decider refused; SCHEDULE_TO_START on a temporary task-list override, which is reverted (also
 * when the override's task started in time but was not completed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverForFile } from '../helpers/setup.js';
import { expectFault, history, registerFixture } from '../helpers/swf.js';
import { complete, eventAt, eventsFrom, expectNoDecisionTask, respond, takeDecisionTask } from '../helpers/workflow.js';
import { advance, serverNow, signal, startTimedRun, timeOf } from './time-support.js';

const { server, swf } = await serverForFile({ clock: 'virtual' });

test('START_TO_CLOSE: DecisionTaskTimedOut, a new decision task, and the late answer refused', async () => {
  const f = await registerFixture(swf);
  const run = await startTimedRun(swf, f, 'w', { taskStartToCloseTimeout: '30' });
  const late = await takeDecisionTask(swf, f, run);
  assert.equal(late.startedEventId, 3);
  const startedAt = await serverNow(server);

  await advance(server, 29);
  assert.equal((await history(swf, f.domain, run)).length, 3, 'nothing happens before the timeout');
  await advance(server, 1);

  assert.deepEqual(await eventsFrom(swf, f, run, 4), [
    ['DecisionTaskTimedOut', { timeoutType: 'START_TO_CLOSE', scheduledEventId: 2, startedEventId: 3 }],
    ['DecisionTaskScheduled', { taskList: { name: f.taskList }, startToCloseTimeout: '30' }],
  ]);
  const events = await history(swf, f.domain, run);
  assert.equal(timeOf(eventAt(events, 4, 'DecisionTaskTimedOut')), startedAt + 30_000);
  assert.equal(timeOf(eventAt(events, 5, 'DecisionTaskScheduled')), startedAt + 30_000);

  await expectFault(respond(swf, late.taskToken, [complete()]), 'UnknownResourceFault');

  // The new task goes to the next decider; nothing was completed, so no previous start.
  const next = await takeDecisionTask(swf, f, run);
  assert.equal(next.startedEventId, 6);
  assert.equal(next.previousStartedEventId ?? 0, 0);
  await respond(swf, next.taskToken, [complete()]);
});

test('a temporary override that no decider serves times out SCHEDULE_TO_START and is reverted', async () => {
  const f = await registerFixture(swf);
  const override = `${f.taskList}-override`;
  const run = await startTimedRun(swf, f, 'w', { taskStartToCloseTimeout: '30' });
  const first = await takeDecisionTask(swf, f, run);
  await respond(swf, first.taskToken, [], { taskList: { name: override }, taskListScheduleToStartTimeout: '10' });
  await signal(swf, f, run);

  assert.deepEqual(await eventsFrom(swf, f, run, 4), [
    ['DecisionTaskCompleted', { scheduledEventId: 2, startedEventId: 3, taskList: { name: override }, taskListScheduleToStartTimeout: '10' }],
    ['WorkflowExecutionSignaled', { signalName: 'poke' }],
    ['DecisionTaskScheduled', { taskList: { name: override }, startToCloseTimeout: '30', scheduleToStartTimeout: '10' }],
  ]);
  const scheduledAt = timeOf(eventAt(await history(swf, f.domain, run), 6, 'DecisionTaskScheduled'));
  await advance(server, 10);

  assert.deepEqual(await eventsFrom(swf, f, run, 7), [
    ['DecisionTaskTimedOut', { timeoutType: 'SCHEDULE_TO_START', scheduledEventId: 6, startedEventId: 0 }],
    ['DecisionTaskScheduled', { taskList: { name: f.taskList }, startToCloseTimeout: '30' }],
  ]);
  assert.equal(timeOf(eventAt(await history(swf, f.domain, run), 7, 'DecisionTaskTimedOut')), scheduledAt + 10_000);
  // The timed-out task is gone from the override list; the new one waits on the original list.
  await expectNoDecisionTask(swf, f, override);
  const next = await takeDecisionTask(swf, f, run);
  assert.equal(next.startedEventId, 9);
  // Reverted for good: the task after that is scheduled on the original list too.
  await respond(swf, next.taskToken, []);
  await signal(swf, f, run);
  assert.deepEqual((await eventsFrom(swf, f, run, 11)).at(-1), ['DecisionTaskScheduled', { taskList: { name: f.taskList }, startToCloseTimeout: '30' }]);
});

test('a temporary override whose task starts in time but is not completed is reverted too', async () => {
  const f = await registerFixture(swf);
  const override = `${f.taskList}-override`;
  const run = await startTimedRun(swf, f, 'w', { taskStartToCloseTimeout: '30' });
  const first = await takeDecisionTask(swf, f, run);
  await respond(swf, first.taskToken, [], { taskList: { name: override }, taskListScheduleToStartTimeout: '10' });
  await signal(swf, f, run); // DecisionTaskScheduled 6 on the override list
  const onOverride = await takeDecisionTask(swf, f, { ...run, taskList: override });
  assert.equal(onOverride.startedEventId, 7);
  const startedAt = await serverNow(server);

  // Started in time: its schedule-to-start deadline is gone; only start-to-close remains.
  await advance(server, 30);
  assert.deepEqual(await eventsFrom(swf, f, run, 8), [
    ['DecisionTaskTimedOut', { timeoutType: 'START_TO_CLOSE', scheduledEventId: 6, startedEventId: 7 }],
    ['DecisionTaskScheduled', { taskList: { name: f.taskList }, startToCloseTimeout: '30' }],
  ]);
  assert.equal(timeOf(eventAt(await history(swf, f.domain, run), 8, 'DecisionTaskTimedOut')), startedAt + 30_000);
  await expectNoDecisionTask(swf, f, override);
  await takeDecisionTask(swf, f, run);
});

test('a permanent override (no taskListScheduleToStartTimeout) survives a START_TO_CLOSE timeout', async () => {
  const f = await registerFixture(swf);
  const override = `${f.taskList}-override`;
  const run = await startTimedRun(swf, f, 'w', { taskStartToCloseTimeout: '30', executionStartToCloseTimeout: '31536000' });
  const first = await takeDecisionTask(swf, f, run);
  await respond(swf, first.taskToken, [], { taskList: { name: override } });
  await signal(swf, f, run);
  await takeDecisionTask(swf, f, { ...run, taskList: override });
  await advance(server, 30);
  assert.deepEqual(await eventsFrom(swf, f, run, 8), [
    ['DecisionTaskTimedOut', { timeoutType: 'START_TO_CLOSE', scheduledEventId: 6, startedEventId: 7 }],
    ['DecisionTaskScheduled', { taskList: { name: override }, startToCloseTimeout: '30' }],
  ]);
  // Nothing bounds its wait to be started: a day passes and no SCHEDULE_TO_START fires.
  await advance(server, 86_400);
  assert.equal((await history(swf, f.domain, run)).length, 9);
  await takeDecisionTask(swf, f, { ...run, taskList: override });
});

test('taskStartToCloseTimeout NONE: a started decision task never times out', async () => {
  const f = await registerFixture(swf);
  const run = await startTimedRun(swf, f, 'w', { taskStartToCloseTimeout: 'NONE', executionStartToCloseTimeout: '31536000' });
  const task = await takeDecisionTask(swf, f, run);
  await advance(server, 300 * 86_400);
  assert.equal((await history(swf, f.domain, run)).length, 3);
  await respond(swf, task.taskToken, [complete()]);
});
