/**
 * The decision task's life in the pure engine: a run starts with one, a poll starts it, the
 * decider completes it; at most one is scheduled and one started; events that arrive while
 * one is started earn exactly one new task when it closes, and make close decisions fail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Decision } from '../../src/model/shapes.js';
import { completeActivity, fireTimeout, signal, startActivity, startDecisionTask, completeDecisionTask } from '../../src/engine/index.js';
import {
  CONFIG,
  EngineRun,
  T0,
  WORKFLOW_TYPE,
  completeWorkflow,
  decisionEnv,
  described,
  eventTypesOf,
  scheduleActivity,
  seconds,
} from '../helpers/engine.js';

test('startRun records WorkflowExecutionStarted and schedules the first decision task', () => {
  const { run, step } = EngineRun.start({ input: 'in', tagList: ['t1', 't2'] });
  assert.deepEqual(described(step.events), [
    [
      'WorkflowExecutionStarted',
      {
        input: 'in',
        executionStartToCloseTimeout: '3600',
        taskStartToCloseTimeout: '60',
        childPolicy: 'TERMINATE',
        taskList: { name: 'decisions' },
        workflowType: WORKFLOW_TYPE,
        tagList: ['t1', 't2'],
      },
    ],
    ['DecisionTaskScheduled', { taskList: { name: 'decisions' }, startToCloseTimeout: '60' }],
  ]);
  assert.deepEqual(step.events.map((e) => [e.eventId, e.eventTimestamp]), [[1, seconds(T0)], [2, seconds(T0)]]);
  assert.deepEqual(step.effects, [
    { type: 'armTimer', key: { runId: 'run-1', kind: 'workflowStartToClose', ref: '' }, dueAt: T0 + 3600_000 },
    {
      type: 'enqueueTask',
      task: { token: 'id-1', kind: 'decision', domain: 'dom', taskList: 'decisions', priority: 0, runId: 'run-1', scheduledEventId: 2 },
    },
  ]);
  assert.deepEqual(run.state.decision, { scheduled: { eventId: 2, token: 'id-1', taskList: 'decisions' }, previousStartedEventId: 0, pendingWhileStarted: false });
  // The token is minted for this very task, so that it can name it once the task is gone.
  assert.deepEqual(run.tokenClaims.get('id-1'), { kind: 'decision', domain: 'dom', workflowId: 'wf', runId: 'run-1', scheduledEventId: 2 });
  assert.equal(run.state.nextEventId, 3);
  assert.equal(run.state.startTimestamp, T0);
  assert.equal(run.state.cancelRequested, false);
});

test('startRun: taskPriority reaches the event and the queue; NONE still ends within a year', () => {
  const { step } = EngineRun.start({ config: { ...CONFIG, executionStartToCloseTimeout: 'NONE', taskPriority: '7' } });
  assert.deepEqual(described(step.events)[1], ['DecisionTaskScheduled', { taskList: { name: 'decisions' }, taskPriority: '7', startToCloseTimeout: '60' }]);
  assert.deepEqual(step.effects[0], { type: 'armTimer', key: { runId: 'run-1', kind: 'workflowStartToClose', ref: '' }, dueAt: T0 + 365 * 24 * 3600_000 });
  assert.equal((step.effects[1] as { task: { priority: number } }).task.priority, 7);
});

test('startDecisionTask records DecisionTaskStarted and moves the task from scheduled to started', () => {
  const { run } = EngineRun.start();
  run.now += 5_000;
  const step = run.startDecision('decider-1');
  assert.equal(step.result, 3);
  assert.deepEqual(described(step.events), [['DecisionTaskStarted', { identity: 'decider-1', scheduledEventId: 2 }]]);
  assert.equal(step.events[0]?.eventTimestamp, seconds(T0 + 5_000));
  assert.deepEqual(step.effects, [
    { type: 'disarmTimer', key: { runId: 'run-1', kind: 'decisionScheduleToStart', ref: '2' } },
    { type: 'armTimer', key: { runId: 'run-1', kind: 'decisionStartToClose', ref: '2' }, dueAt: T0 + 5_000 + 60_000 },
  ]);
  assert.deepEqual(run.state.decision, { started: { scheduledEventId: 2, startedEventId: 3, token: 'id-1' }, previousStartedEventId: 0, pendingWhileStarted: false });
});

test('startDecisionTask without a scheduled task is a programming error; NONE arms no deadline', () => {
  const { run } = EngineRun.start({ config: { ...CONFIG, taskStartToCloseTimeout: 'NONE' } });
  const step = run.startDecision();
  assert.deepEqual(described(step.events), [['DecisionTaskStarted', { scheduledEventId: 2 }]]);
  assert.deepEqual(step.effects, [{ type: 'disarmTimer', key: { runId: 'run-1', kind: 'decisionScheduleToStart', ref: '2' } }]);
  assert.throws(() => run.step((t) => startDecisionTask(t, undefined)), /no decision task is scheduled/);
});

test('completeDecisionTask records DecisionTaskCompleted, drops the task, and keeps the context', () => {
  const { run } = EngineRun.start();
  run.startDecision();
  const step = run.decide([], decisionEnv(), { executionContext: 'ctx-1' });
  assert.deepEqual(described(step.events), [['DecisionTaskCompleted', { executionContext: 'ctx-1', scheduledEventId: 2, startedEventId: 3 }]]);
  assert.deepEqual(step.effects, [
    { type: 'removeTask', token: 'id-1' },
    { type: 'disarmTimer', key: { runId: 'run-1', kind: 'decisionStartToClose', ref: '2' } },
  ]);
  // Nothing new happened: no task until something does.
  assert.deepEqual(run.state.decision, { previousStartedEventId: 3, pendingWhileStarted: false });
  assert.equal(run.state.latestExecutionContext, 'ctx-1');
  assert.throws(() => run.step((t) => completeDecisionTask(t, { decisions: [] }, decisionEnv())), /no decision task is started/);
});

test('previousStartedEventId is the startedEventId of the last completed decision task', () => {
  const { run } = EngineRun.start();
  run.startDecision(); // started 3
  run.decide([scheduleActivity('a1')]); // 4 completed, 5 scheduled
  run.onActivity('a1', (t, a) => startActivity(t, a, 'w')); // 6
  run.onActivity('a1', (t, a) => completeActivity(t, a, 'r')); // 7 completed, 8 scheduled
  assert.equal(run.state.decision.previousStartedEventId, 3);
  const second = run.startDecision();
  assert.equal(second.result, 9);
  assert.deepEqual(described(second.events), [['DecisionTaskStarted', { scheduledEventId: 8 }]]);
  run.decide([]);
  assert.equal(run.state.decision.previousStartedEventId, 9);
});

test('an event while a task is scheduled (not started) adds no second DecisionTaskScheduled', () => {
  const { run } = EngineRun.start();
  const step = run.step((t) => signal(t, 'sig', 'payload'));
  assert.deepEqual(eventTypesOf(step.events), ['WorkflowExecutionSignaled']);
  assert.deepEqual(step.effects, []);
  assert.equal(run.state.decision.scheduled?.eventId, 2);
  assert.deepEqual(eventTypesOf(run.history), ['WorkflowExecutionStarted', 'DecisionTaskScheduled', 'WorkflowExecutionSignaled']);
});

test('events during a started task yield exactly one new task when it closes', () => {
  const { run } = EngineRun.start();
  run.startDecision(); // 3
  run.decide([scheduleActivity('a1'), scheduleActivity('a2')]); // 4, a1=5, a2=6
  run.onActivity('a1', (t, a) => startActivity(t, a, undefined)); // 7
  run.onActivity('a1', (t, a) => completeActivity(t, a, 'r1')); // 8, 9 scheduled
  run.startDecision(); // 10
  // While the decider works, two things happen: neither schedules a task yet.
  run.onActivity('a2', (t, a) => startActivity(t, a, undefined)); // 11
  const during1 = run.onActivity('a2', (t, a) => completeActivity(t, a, 'r2')); // 12
  const during2 = run.step((t) => signal(t, 'sig', undefined)); // 13
  assert.deepEqual(eventTypesOf([...during1.events, ...during2.events]), ['ActivityTaskCompleted', 'WorkflowExecutionSignaled']);
  assert.ok(!during1.effects.some((e) => e.type === 'enqueueTask'));
  assert.ok(!during2.effects.some((e) => e.type === 'enqueueTask'));
  assert.equal(run.state.decision.pendingWhileStarted, true);
  assert.equal(run.state.decision.scheduled, undefined);

  const done = run.decide([]);
  assert.deepEqual(described(done.events), [
    ['DecisionTaskCompleted', { scheduledEventId: 9, startedEventId: 10 }],
    ['DecisionTaskScheduled', { taskList: { name: 'decisions' }, startToCloseTimeout: '60' }],
  ]);
  assert.deepEqual(done.events.map((e) => e.eventId), [14, 15]);
  assert.equal(done.effects.filter((e) => e.type === 'enqueueTask').length, 1);
  assert.deepEqual(run.state.decision, { scheduled: { eventId: 15, token: 'id-5', taskList: 'decisions' }, previousStartedEventId: 10, pendingWhileStarted: false });
});

const closeDecisions: [string, Decision, string][] = [
  ['CompleteWorkflowExecution', completeWorkflow('done'), 'CompleteWorkflowExecutionFailed'],
  ['FailWorkflowExecution', { decisionType: 'FailWorkflowExecution', failWorkflowExecutionDecisionAttributes: { reason: 'r' } }, 'FailWorkflowExecutionFailed'],
  ['CancelWorkflowExecution', { decisionType: 'CancelWorkflowExecution' }, 'CancelWorkflowExecutionFailed'],
];

for (const [name, decision, failedEvent] of closeDecisions) {
  test(`${name} fails with UNHANDLED_DECISION when events arrived during the task, then a new task`, () => {
    const { run } = EngineRun.start();
    run.startDecision(); // 3
    run.step((t) => signal(t, 'sig', undefined)); // 4
    const step = run.decide([{ decisionType: 'RecordMarker', recordMarkerDecisionAttributes: { markerName: 'm' } }, decision]);
    assert.deepEqual(described(step.events), [
      ['DecisionTaskCompleted', { scheduledEventId: 2, startedEventId: 3 }],
      ['MarkerRecorded', { markerName: 'm', decisionTaskCompletedEventId: 5 }],
      [failedEvent, { cause: 'UNHANDLED_DECISION', decisionTaskCompletedEventId: 5 }],
      ['DecisionTaskScheduled', { taskList: { name: 'decisions' }, startToCloseTimeout: '60' }],
    ]);
    assert.equal(run.state.closeStatus, undefined);
    assert.ok(!step.effects.some((e) => e.type === 'closed'));
    // The decider sees the signal in the new task and may now close.
    run.startDecision();
    const closed = run.decide([decision]);
    assert.equal(closed.events[1]?.eventType.startsWith('WorkflowExecution'), true);
    assert.ok(run.state.closeStatus !== undefined);
  });
}

test('CompleteWorkflowExecution with nothing pending closes the run', () => {
  const { run } = EngineRun.start();
  run.startDecision();
  run.now += 1_000;
  const step = run.decide([completeWorkflow('done')]);
  assert.deepEqual(described(step.events), [
    ['DecisionTaskCompleted', { scheduledEventId: 2, startedEventId: 3 }],
    ['WorkflowExecutionCompleted', { result: 'done', decisionTaskCompletedEventId: 4 }],
  ]);
  assert.deepEqual(step.effects, [
    { type: 'removeTask', token: 'id-1' },
    { type: 'disarmTimer', key: { runId: 'run-1', kind: 'decisionStartToClose', ref: '2' } },
    { type: 'closed', runId: 'run-1' },
  ]);
  assert.equal(run.state.closeStatus, 'COMPLETED');
  assert.equal(run.state.closeTimestamp, T0 + 1_000);
});

test('FailWorkflowExecution records reason and details and closes FAILED', () => {
  const { run } = EngineRun.start();
  run.startDecision();
  const step = run.decide([{ decisionType: 'FailWorkflowExecution', failWorkflowExecutionDecisionAttributes: { reason: 'bad', details: 'why' } }]);
  assert.deepEqual(described(step.events)[1], ['WorkflowExecutionFailed', { reason: 'bad', details: 'why', decisionTaskCompletedEventId: 4 }]);
  assert.equal(run.state.closeStatus, 'FAILED');
});

test('a started decision task that times out is followed by a new one; a stale deadline does nothing', () => {
  const { run } = EngineRun.start();
  run.startDecision(); // 3
  run.now += 60_000;
  const step = run.step((t) => fireTimeout(t, 'decisionStartToClose', '2'));
  assert.deepEqual(described(step.events), [
    ['DecisionTaskTimedOut', { timeoutType: 'START_TO_CLOSE', scheduledEventId: 2, startedEventId: 3 }],
    ['DecisionTaskScheduled', { taskList: { name: 'decisions' }, startToCloseTimeout: '60' }],
  ]);
  assert.deepEqual(step.effects.slice(0, 2), [
    { type: 'removeTask', token: 'id-1' },
    { type: 'disarmTimer', key: { runId: 'run-1', kind: 'decisionStartToClose', ref: '2' } },
  ]);
  // previousStartedEventId names a task the decider processed; a timed-out one was not.
  assert.equal(run.state.decision.previousStartedEventId, 0);
  const stale = run.step((t) => fireTimeout(t, 'decisionStartToClose', '2'));
  assert.deepEqual(stale.events, []);
  assert.deepEqual(stale.effects, []);
});
