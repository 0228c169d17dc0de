/**
 * The console's timeline model (src/console/timeline-model.ts, pure): which rows a history
 * makes, and each bar's times and outcome.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HistoryEvent } from '../../src/model/shapes.js';
import { buildTimeline, ticks } from '../../src/console/timeline-model.js';

/** Events from [type, attributes] pairs, one second apart from t=100. */
function history(...specs: [string, Record<string, unknown>?][]): HistoryEvent[] {
  return specs.map(([eventType, attributes], i) => {
    const key = `${eventType.charAt(0).toLowerCase()}${eventType.slice(1)}EventAttributes`;
    return { eventId: i + 1, eventTimestamp: 100 + i, eventType, ...(attributes ? { [key]: attributes } : {}) } as unknown as HistoryEvent;
  });
}
const activityType = { name: 'step', version: '1' };

test('every attempt of an activityId is a bar on one row, with its wait, run and outcome', () => {
  const t = buildTimeline(
    history(
      ['WorkflowExecutionStarted', { workflowType: { name: 'w', version: '1' } }],
      ['ActivityTaskScheduled', { activityId: 'pay', activityType }],
      ['ActivityTaskStarted', { scheduledEventId: 2 }],
      ['ActivityTaskFailed', { scheduledEventId: 2, startedEventId: 3, reason: 'no' }],
      ['ActivityTaskScheduled', { activityId: 'pay', activityType }],
      ['ActivityTaskStarted', { scheduledEventId: 5 }],
      ['ActivityTaskTimedOut', { scheduledEventId: 5, startedEventId: 6, timeoutType: 'START_TO_CLOSE' }],
      ['ActivityTaskScheduled', { activityId: 'pay', activityType }],
    ),
    200,
  );
  const pay = t.rows.find((r) => r.key === 'a:pay');
  assert.deepEqual(
    pay?.segments.map((s) => [s.start, s.started, s.end, s.outcome, s.eventIds]),
    [
      [101, 102, 103, 'failed', [2, 3, 4]],
      [104, 105, 106, 'timedOut', [5, 6, 7]],
      [107, undefined, undefined, 'scheduled', [8]],
    ],
  );
  assert.equal(pay?.detail, 'step v1');
  // An open run's axis runs to "now".
  assert.deepEqual([t.start, t.end], [100, 200]);
});

test('timers, children, Lambda functions, decision tasks and instants each get their rows', () => {
  const t = buildTimeline(
    history(
      ['WorkflowExecutionStarted', { workflowType: { name: 'w', version: '1' } }],
      ['DecisionTaskScheduled', {}],
      ['DecisionTaskStarted', { scheduledEventId: 2 }],
      ['DecisionTaskCompleted', { scheduledEventId: 2, startedEventId: 3 }],
      ['TimerStarted', { timerId: 't1', startToFireTimeout: '60' }],
      ['StartChildWorkflowExecutionInitiated', { workflowId: 'kid', workflowType: { name: 'k', version: '2' } }],
      ['LambdaFunctionScheduled', { id: 'l1', name: 'resize' }],
      ['ChildWorkflowExecutionStarted', { initiatedEventId: 6, workflowExecution: { workflowId: 'kid', runId: 'kid-run' } }],
      ['LambdaFunctionStarted', { scheduledEventId: 7 }],
      ['WorkflowExecutionSignaled', { signalName: 'go' }],
      ['LambdaFunctionCompleted', { scheduledEventId: 7, startedEventId: 9 }],
      ['ChildWorkflowExecutionTerminated', { initiatedEventId: 6, startedEventId: 8 }],
      ['TimerCanceled', { timerId: 't1', startedEventId: 5 }],
      ['WorkflowExecutionCompleted', {}],
    ),
    10_000,
  );
  const byKey = new Map(t.rows.map((r) => [r.key, r.segments.map((s) => [s.outcome, s.start, s.end])]));
  assert.deepEqual([...byKey.keys()], ['workflow', 'decisions', 'instants', 't:t1', 'c:kid', 'l:l1']);
  assert.deepEqual(byKey.get('workflow'), [['completed', 100, 113]]);
  assert.deepEqual(byKey.get('decisions'), [['completed', 101, 103]]);
  assert.deepEqual(byKey.get('instants'), [['instant', 109, 109]]);
  assert.deepEqual(byKey.get('t:t1'), [['canceled', 104, 112]]);
  assert.deepEqual(byKey.get('c:kid'), [['terminated', 105, 111]]);
  assert.deepEqual(byKey.get('l:l1'), [['completed', 106, 110]]);
  assert.equal(t.rows.find((r) => r.key === 'c:kid')?.segments[0]?.runId, 'kid-run');
  // A closed run's axis ends at its last event, not at "now".
  assert.deepEqual([t.start, t.end], [100, 113]);
});

test('an open timer carries its fire time', () => {
  const t = buildTimeline(history(['WorkflowExecutionStarted', {}], ['TimerStarted', { timerId: 'wait', startToFireTimeout: '3600' }]), 150);
  const timer = t.rows.find((r) => r.key === 't:wait')?.segments[0];
  assert.deepEqual([timer?.outcome, timer?.due, timer?.end], ['running', 101 + 3600, undefined]);
});

test('axis ticks are round steps from the start', () => {
  assert.deepEqual(ticks(0, 27), [0, 5, 10, 15, 20, 25]);
  assert.deepEqual(ticks(1000, 1000 + 7200), [0, 1800, 3600, 5400, 7200]);
});
