/**
 * Timers on the virtual clock: StartTimer / TimerFired in due order at their due times,
 * CancelTimer / TimerCanceled, CancelTimerFailed, and StartTimer "0" firing at once (the AWS
 * Flow framework relies on it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serverForFile } from '../helpers/setup.js';
import { history, registerFixture } from '../helpers/swf.js';
import { cancelTimer, complete, decide, eventAt, eventsFrom, respond, startTimer, takeDecisionTask } from '../helpers/workflow.js';
import { advance, serverNow, signal, startTimedRun, timeOf } from './time-support.js';

const { server, swf } = await serverForFile({ clock: 'virtual' });

test('timers fire in due order, each at its due time, with one decision task for the decider', async () => {
  const f = await registerFixture(swf);
  const run = await startTimedRun(swf, f, 'w');
  await decide(swf, f, run, [startTimer('late', '30'), startTimer('early', '10'), startTimer('middle', '20')]);
  const startedAt = await serverNow(server);
  assert.deepEqual(await eventsFrom(swf, f, run, 5), [
    ['TimerStarted', { timerId: 'late', startToFireTimeout: '30', decisionTaskCompletedEventId: 4 }],
    ['TimerStarted', { timerId: 'early', startToFireTimeout: '10', decisionTaskCompletedEventId: 4 }],
    ['TimerStarted', { timerId: 'middle', startToFireTimeout: '20', decisionTaskCompletedEventId: 4 }],
  ]);
  await advance(server, 9);
  assert.equal((await history(swf, f.domain, run)).length, 7);
  await advance(server, 21);

  assert.deepEqual(await eventsFrom(swf, f, run, 8), [
    ['TimerFired', { timerId: 'early', startedEventId: 6 }],
    ['DecisionTaskScheduled', { taskList: { name: f.taskList }, startToCloseTimeout: 'NONE' }],
    // The decision task is still scheduled: later firings join it.
    ['TimerFired', { timerId: 'middle', startedEventId: 7 }],
    ['TimerFired', { timerId: 'late', startedEventId: 5 }],
  ]);
  const events = await history(swf, f.domain, run);
  assert.equal(timeOf(eventAt(events, 8, 'TimerFired')), startedAt + 10_000);
  assert.equal(timeOf(eventAt(events, 10, 'TimerFired')), startedAt + 20_000);
  assert.equal(timeOf(eventAt(events, 11, 'TimerFired')), startedAt + 30_000);
  const task = await takeDecisionTask(swf, f, run);
  assert.equal(task.startedEventId, 12);
});

test('CancelTimer: TimerCanceled, and the timer never fires; unknown or fired timers fail to cancel', async () => {
  const f = await registerFixture(swf);
  const run = await startTimedRun(swf, f, 'w');
  await decide(swf, f, run, [startTimer('t1', '60'), startTimer('t2', '5')]);
  await advance(server, 5); // t2 fires: events 7, 8
  await decide(swf, f, run, [cancelTimer('t1'), cancelTimer('t2'), cancelTimer('nope')]);

  assert.deepEqual(await eventsFrom(swf, f, run, 7), [
    ['TimerFired', { timerId: 't2', startedEventId: 6 }],
    ['DecisionTaskScheduled', { taskList: { name: f.taskList }, startToCloseTimeout: 'NONE' }],
    ['DecisionTaskStarted', { identity: 'decider', scheduledEventId: 8 }],
    ['DecisionTaskCompleted', { scheduledEventId: 8, startedEventId: 9 }],
    ['TimerCanceled', { timerId: 't1', startedEventId: 5, decisionTaskCompletedEventId: 10 }],
    ['CancelTimerFailed', { timerId: 't2', cause: 'TIMER_ID_UNKNOWN', decisionTaskCompletedEventId: 10 }],
    ['CancelTimerFailed', { timerId: 'nope', cause: 'TIMER_ID_UNKNOWN', decisionTaskCompletedEventId: 10 }],
    ['DecisionTaskScheduled', { taskList: { name: f.taskList }, startToCloseTimeout: 'NONE' }],
  ]);
  const length = (await history(swf, f.domain, run)).length;
  await advance(server, 3600);
  assert.equal((await history(swf, f.domain, run)).length, length, 'the canceled timer never fires');
});

test('StartTimer "0" fires at once, without the clock moving', async () => {
  const f = await registerFixture(swf);
  const run = await startTimedRun(swf, f, 'w');
  const task = await takeDecisionTask(swf, f, run);
  const before = await serverNow(server);
  await respond(swf, task.taskToken, [startTimer('now', '0')]);

  // No advance: the next decision task comes by itself, with the timer fired in it.
  const next = await takeDecisionTask(swf, f, run);
  const events = next.events ?? [];
  const fired = events.find((e) => e.eventType === 'TimerFired');
  assert.deepEqual(fired?.timerFiredEventAttributes, { timerId: 'now', startedEventId: 5 });
  assert.equal(timeOf(fired ?? {}), before);
  assert.equal(await serverNow(server), before);
  await respond(swf, next.taskToken, [complete()]);
});

test('a timer pending while a decision task is started is delivered in the task after it', async () => {
  const f = await registerFixture(swf);
  const run = await startTimedRun(swf, f, 'w');
  await decide(swf, f, run, [startTimer('t', '10')]);
  await signal(swf, f, run);
  const busy = await takeDecisionTask(swf, f, run);
  await advance(server, 10); // fires while the decider holds a task: no second task yet
  assert.deepEqual((await eventsFrom(swf, f, run, 9)), [['TimerFired', { timerId: 't', startedEventId: 5 }]]);
  await respond(swf, busy.taskToken, []);
  assert.deepEqual((await eventsFrom(swf, f, run, 10)).at(-1), ['DecisionTaskScheduled', { taskList: { name: f.taskList }, startToCloseTimeout: 'NONE' }]);
});
