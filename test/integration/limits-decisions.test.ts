/**
 * Per-run limits of open activity tasks, timers and child executions: a decision past the
 * limit becomes its *Failed event with the limit cause, and a new decision task follows.
 * Small configured limits, and SWF's defaults (1,000) where one decision task reaches them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RespondActivityTaskCompletedCommand, type HistoryEvent } from '@aws-sdk/client-swf';
import { serverForTest } from '../helpers/setup.js';
import { describeEvents, history, registerFixture } from '../helpers/swf.js';
import { decide, scheduleActivity, startChild, startOn, startTimer, takeActivityTask } from '../helpers/workflow.js';

/** The events after the last DecisionTaskCompleted, as [type, attributes]. */
function afterLastCompletion(events: readonly HistoryEvent[]): [string, unknown][] {
  const last = events.map((e) => e.eventType).lastIndexOf('DecisionTaskCompleted');
  return describeEvents(events.slice(last + 1));
}
const completedEventId = (events: readonly HistoryEvent[]): number =>
  [...events].reverse().find((e) => e.eventType === 'DecisionTaskCompleted')?.eventId ?? -1;

test('open activity tasks: the 4th of 3 allowed fails with OPEN_ACTIVITIES_LIMIT_EXCEEDED, a started one still counts', async (t) => {
  const { swf } = await serverForTest(t, { clock: 'virtual', args: ['--limit', 'maxOpenActivities=3'] });
  const f = await registerFixture(swf);
  const run = await startOn(swf, f, 'busy');
  await decide(swf, f, run, ['a1', 'a2', 'a3', 'a4'].map((id) => scheduleActivity(f, id)));
  let events = await history(swf, f.domain, run);
  const tail = afterLastCompletion(events);
  assert.deepEqual(tail.map(([type]) => type), ['ActivityTaskScheduled', 'ActivityTaskScheduled', 'ActivityTaskScheduled', 'ScheduleActivityTaskFailed', 'DecisionTaskScheduled']);
  assert.deepEqual(tail[3], [
    'ScheduleActivityTaskFailed',
    { activityType: f.activityType, activityId: 'a4', cause: 'OPEN_ACTIVITIES_LIMIT_EXCEEDED', decisionTaskCompletedEventId: completedEventId(events) },
  ]);

  // A started activity is still open; a completed one frees its place.
  const task = await takeActivityTask(swf, f, 'a1');
  await decide(swf, f, run, [scheduleActivity(f, 'a5')]);
  events = await history(swf, f.domain, run);
  assert.deepEqual(afterLastCompletion(events)[0], [
    'ScheduleActivityTaskFailed',
    { activityType: f.activityType, activityId: 'a5', cause: 'OPEN_ACTIVITIES_LIMIT_EXCEEDED', decisionTaskCompletedEventId: completedEventId(events) },
  ]);
  await swf.send(new RespondActivityTaskCompletedCommand({ taskToken: task.taskToken, result: 'done' }));
  await decide(swf, f, run, [scheduleActivity(f, 'a5')]);
  events = await history(swf, f.domain, run);
  assert.deepEqual(afterLastCompletion(events).map(([type]) => type), ['ActivityTaskScheduled']);
});

test('open timers: the 3rd of 2 allowed fails with OPEN_TIMERS_LIMIT_EXCEEDED; a fired timer frees its place', async (t) => {
  const { server, swf } = await serverForTest(t, { clock: 'virtual', args: ['--limit', 'maxOpenTimers=2'] });
  const f = await registerFixture(swf);
  const run = await startOn(swf, f, 'timed');
  await decide(swf, f, run, [startTimer('t1', '60'), startTimer('t2', '60'), startTimer('t3', '60')]);
  let events = await history(swf, f.domain, run);
  const tail = afterLastCompletion(events);
  assert.deepEqual(tail.map(([type]) => type), ['TimerStarted', 'TimerStarted', 'StartTimerFailed', 'DecisionTaskScheduled']);
  assert.deepEqual(tail[2], ['StartTimerFailed', { timerId: 't3', cause: 'OPEN_TIMERS_LIMIT_EXCEEDED', decisionTaskCompletedEventId: completedEventId(events) }]);
  await decide(swf, f, run, []);
  await server.advance(60);
  await decide(swf, f, run, [startTimer('t3', '60')]);
  events = await history(swf, f.domain, run);
  assert.deepEqual(afterLastCompletion(events).map(([type]) => type), ['TimerStarted']);
});

test('open children: the 3rd of 2 allowed fails with OPEN_CHILDREN_LIMIT_EXCEEDED', async (t) => {
  const { swf } = await serverForTest(t, { clock: 'virtual', args: ['--limit', 'maxOpenChildren=2'] });
  const f = await registerFixture(swf);
  const run = await startOn(swf, f, 'parent');
  await decide(swf, f, run, ['kid1', 'kid2', 'kid3'].map((id) => startChild(id, f.workflowType, { control: `c-${id}` })));
  const events = await history(swf, f.domain, run);
  const tail = afterLastCompletion(events);
  assert.deepEqual(tail.map(([type]) => type), [
    'StartChildWorkflowExecutionInitiated', 'StartChildWorkflowExecutionInitiated', 'StartChildWorkflowExecutionFailed',
    'DecisionTaskScheduled', 'ChildWorkflowExecutionStarted', 'ChildWorkflowExecutionStarted',
  ]);
  assert.deepEqual(tail[2], [
    'StartChildWorkflowExecutionFailed',
    { workflowType: f.workflowType, cause: 'OPEN_CHILDREN_LIMIT_EXCEEDED', workflowId: 'kid3', initiatedEventId: 0, decisionTaskCompletedEventId: completedEventId(events), control: 'c-kid3' },
  ]);
});

test("SWF's defaults: 1,000 open activity tasks and 1,000 open timers per run", async (t) => {
  const { swf } = await serverForTest(t, { clock: 'virtual' });
  const f = await registerFixture(swf);
  const run = await startOn(swf, f, 'crowded');
  const ids = Array.from({ length: 1001 }, (_, i) => `x${i}`);
  await decide(swf, f, run, [...ids.map((id) => scheduleActivity(f, id)), ...ids.map((id) => startTimer(id, '60'))]);
  const events = await history(swf, f.domain, run);
  const tail = afterLastCompletion(events);
  const count = (type: string) => tail.filter(([t]) => t === type).length;
  assert.equal(count('ActivityTaskScheduled'), 1000);
  assert.equal(count('TimerStarted'), 1000);
  assert.deepEqual(tail[1000], [
    'ScheduleActivityTaskFailed',
    { activityType: f.activityType, activityId: 'x1000', cause: 'OPEN_ACTIVITIES_LIMIT_EXCEEDED', decisionTaskCompletedEventId: completedEventId(events) },
  ]);
  assert.deepEqual(tail[2001], ['StartTimerFailed', { timerId: 'x1000', cause: 'OPEN_TIMERS_LIMIT_EXCEEDED', decisionTaskCompletedEventId: completedEventId(events) }]);
});
