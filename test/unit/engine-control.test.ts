/**
 * Execution control in the pure engine: signals, cancel requests, termination (with its child
 * policy) and activity cancellation, checked event by event and effect by effect.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Decision } from '../../src/model/shapes.js';
import { cancelActivity, heartbeat, requestCancel, signal, startActivity, terminate } from '../../src/engine/index.js';
import { EngineRun, described, eventTypesOf, scheduleActivity, startTimer } from '../helpers/engine.js';

const requestCancelActivity = (activityId: string): Decision => ({
  decisionType: 'RequestCancelActivityTask',
  requestCancelActivityTaskDecisionAttributes: { activityId },
});

test('a signal joins a scheduled decision task and schedules one when none is open', () => {
  const { run } = EngineRun.start();
  const joined = run.step((t) => signal(t, 'early', undefined));
  assert.deepEqual(described(joined.events), [['WorkflowExecutionSignaled', { signalName: 'early' }]]);
  run.pollAndDecide([]);
  const source = { execution: { workflowId: 'other', runId: 'run-9' }, initiatedEventId: 7 };
  const step = run.step((t) => signal(t, 'go', 'in', source));
  assert.deepEqual(described(step.events), [
    ['WorkflowExecutionSignaled', { signalName: 'go', input: 'in', externalWorkflowExecution: source.execution, externalInitiatedEventId: 7 }],
    ['DecisionTaskScheduled', { taskList: { name: 'decisions' }, startToCloseTimeout: '60' }],
  ]);
});

test('a cancel request sets cancelRequested and names its source and cause only when it has them', () => {
  const { run } = EngineRun.start();
  const operator = run.step((t) => requestCancel(t));
  assert.deepEqual(described(operator.events), [['WorkflowExecutionCancelRequested', {}]]);
  assert.equal(run.state.cancelRequested, true);
  const parent = { workflowId: 'parent', runId: 'run-0' };
  const policy = run.step((t) => requestCancel(t, { execution: parent }, 'CHILD_POLICY_APPLIED'));
  assert.deepEqual(described(policy.events), [['WorkflowExecutionCancelRequested', { externalWorkflowExecution: parent, cause: 'CHILD_POLICY_APPLIED' }]]);
});

test('terminate closes the run at once, drops its work and applies the child policy to started children', () => {
  const { run } = EngineRun.start();
  run.pollAndDecide([scheduleActivity('a1'), startTimer('t1', '30')]);
  run.step((t) => {
    // One child that started, one whose start is still on its way.
    t.state.children['9'] = { initiatedEventId: 9, workflowId: 'kid', workflowType: { name: 'order', version: '1' }, runId: 'kid-run', startedEventId: 10 };
    t.state.children['11'] = { initiatedEventId: 11, workflowId: 'kid-2', workflowType: { name: 'order', version: '1' } };
    signal(t, 'wake', undefined);
  });
  run.startDecision();
  const step = run.step((t) => terminate(t, { reason: 'stop', details: 'now', cause: 'OPERATOR_INITIATED' }));
  assert.deepEqual(described(step.events), [['WorkflowExecutionTerminated', { reason: 'stop', details: 'now', childPolicy: 'TERMINATE', cause: 'OPERATOR_INITIATED' }]]);
  assert.deepEqual(step.effects, [
    { type: 'applyChildPolicy', domain: 'dom', parent: { workflowId: 'wf', runId: 'run-1' }, policy: 'TERMINATE', children: [{ workflowId: 'kid', runId: 'kid-run' }] },
    { type: 'closed', runId: 'run-1' },
  ]);
  const { state } = run;
  assert.equal(state.closeStatus, 'TERMINATED');
  assert.deepEqual([state.activities, state.timers, state.children], [{}, {}, {}]);
  assert.equal(state.decision.started, undefined);
  assert.equal(state.decision.scheduled, undefined);
});

test("terminate's own childPolicy wins over the run's; ABANDON asks nothing of the children", () => {
  const { run } = EngineRun.start();
  run.step((t) => {
    t.state.children['5'] = { initiatedEventId: 5, workflowId: 'kid', workflowType: { name: 'order', version: '1' }, runId: 'kid-run' };
  });
  const step = run.step((t) => terminate(t, { childPolicy: 'ABANDON', cause: 'OPERATOR_INITIATED' }));
  assert.deepEqual(described(step.events), [['WorkflowExecutionTerminated', { childPolicy: 'ABANDON', cause: 'OPERATOR_INITIATED' }]]);
  assert.deepEqual(step.effects, [{ type: 'closed', runId: 'run-1' }]);
});

test('canceling a started activity: a request without a decision task, a heartbeat that tells, then ActivityTaskCanceled', () => {
  const { run } = EngineRun.start();
  run.pollAndDecide([scheduleActivity('a1')]);
  run.onActivity('a1', (t, a) => startActivity(t, a, 'worker'));
  run.step((t) => signal(t, 'nudge', undefined));
  run.startDecision();
  const request = run.decide([requestCancelActivity('a1')]);
  assert.deepEqual(described(request.events), [
    ['DecisionTaskCompleted', { scheduledEventId: 8, startedEventId: 9 }],
    ['ActivityTaskCancelRequested', { decisionTaskCompletedEventId: 10, activityId: 'a1' }],
  ]);
  assert.equal(run.state.decision.scheduled, undefined);
  assert.deepEqual(run.onActivity('a1', (t, a) => heartbeat(t, a, 'half')).result, { cancelRequested: true });
  const canceled = run.onActivity('a1', (t, a) => cancelActivity(t, a, 'undone'));
  assert.deepEqual(described(canceled.events), [
    ['ActivityTaskCanceled', { details: 'undone', scheduledEventId: 5, startedEventId: 6, latestCancelRequestedEventId: 11 }],
    ['DecisionTaskScheduled', { taskList: { name: 'decisions' }, startToCloseTimeout: '60' }],
  ]);
  assert.ok(canceled.effects.some((e) => e.type === 'removeTask'));
  assert.equal(run.state.activities.a1, undefined);
});

test('canceling a scheduled activity cancels it at once; an unknown one fails with ACTIVITY_ID_UNKNOWN', () => {
  const { run } = EngineRun.start();
  run.startDecision();
  const step = run.decide([scheduleActivity('a1'), requestCancelActivity('a1'), requestCancelActivity('nope')]);
  assert.deepEqual(eventTypesOf(step.events), [
    'DecisionTaskCompleted', 'ActivityTaskScheduled', 'ActivityTaskCancelRequested', 'ActivityTaskCanceled', 'RequestCancelActivityTaskFailed', 'DecisionTaskScheduled',
  ]);
  assert.deepEqual(described(step.events).slice(2, 5), [
    ['ActivityTaskCancelRequested', { decisionTaskCompletedEventId: 4, activityId: 'a1' }],
    ['ActivityTaskCanceled', { scheduledEventId: 5, startedEventId: 0, latestCancelRequestedEventId: 6 }],
    ['RequestCancelActivityTaskFailed', { activityId: 'nope', cause: 'ACTIVITY_ID_UNKNOWN', decisionTaskCompletedEventId: 4 }],
  ]);
  assert.deepEqual(run.state.activities, {});
});
