import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Decision, WorkflowTypeConfiguration } from '../../src/model/shapes.js';
import {
  childClosed,
  childStarted,
  completeLambda,
  failLambda,
  fireTimeout,
  lambdaStartFailed,
  startLambda,
  terminate,
  type DecisionEnv,
  type Limits,
} from '../../src/engine/index.js';
import { CONFIG, EngineRun, T0, WORKFLOW_TYPE, decisionEnv, described } from '../helpers/engine.js';

const TYPE_DEFAULTS: WorkflowTypeConfiguration = {
  defaultTaskList: { name: 'children' },
  defaultExecutionStartToCloseTimeout: '600',
  defaultTaskStartToCloseTimeout: '30',
  defaultChildPolicy: 'REQUEST_CANCEL',
};

const withTypes = (limits: Partial<Limits> = {}): DecisionEnv =>
  decisionEnv({ workflowTypes: [{ type: WORKFLOW_TYPE, configuration: TYPE_DEFAULTS }], limits });

const withLambdas = (known: string[], limits: Partial<Limits> = {}): DecisionEnv => ({
  ...decisionEnv({ limits }),
  lambdaFunctionKnown: (name) => known.includes(name),
});

const startChild = (workflowId: string, extra: Partial<NonNullable<Decision['startChildWorkflowExecutionDecisionAttributes']>> = {}): Decision => ({
  decisionType: 'StartChildWorkflowExecution',
  startChildWorkflowExecutionDecisionAttributes: { workflowId, workflowType: WORKFLOW_TYPE, ...extra },
});

const scheduleLambda = (id: string, name: string, extra: { input?: string; startToCloseTimeout?: string } = {}): Decision => ({
  decisionType: 'ScheduleLambdaFunction',
  scheduleLambdaFunctionDecisionAttributes: { id, name, ...extra },
});

test('StartChildWorkflowExecution takes unset settings from the type and hands the start to the executor', () => {
  const { run } = EngineRun.start();
  const step = run.pollAndDecide([startChild('kid', { input: 'in', tagList: ['a'] })], withTypes());
  assert.deepEqual(described(step.events), [
    ['DecisionTaskCompleted', { scheduledEventId: 2, startedEventId: 3 }],
    [
      'StartChildWorkflowExecutionInitiated',
      {
        workflowId: 'kid',
        workflowType: WORKFLOW_TYPE,
        input: 'in',
        executionStartToCloseTimeout: '600',
        taskList: { name: 'children' },
        decisionTaskCompletedEventId: 4,
        childPolicy: 'REQUEST_CANCEL',
        taskStartToCloseTimeout: '30',
        tagList: ['a'],
      },
    ],
  ]);
  const effect = step.effects.find((e) => e.type === 'startChild');
  assert.deepEqual(effect, {
    type: 'startChild',
    parent: { workflowId: 'wf', runId: 'run-1' },
    domain: 'dom',
    initiatedEventId: 5,
    decisionTaskCompletedEventId: 4,
    workflowId: 'kid',
    workflowType: WORKFLOW_TYPE,
    config: { executionStartToCloseTimeout: '600', taskStartToCloseTimeout: '30', childPolicy: 'REQUEST_CANCEL', taskList: { name: 'children' } },
    input: 'in',
    tagList: ['a'],
  });
  assert.deepEqual(Object.keys(run.state.children), ['5']);
});

test('OPEN_CHILDREN_LIMIT_EXCEEDED counts the children started earlier in the same answer', () => {
  const { run } = EngineRun.start();
  const step = run.pollAndDecide([startChild('a'), startChild('b', { control: 'c' })], withTypes({ maxOpenChildren: 1 }));
  assert.deepEqual(described(step.events).slice(2), [
    ['StartChildWorkflowExecutionFailed', { workflowType: WORKFLOW_TYPE, cause: 'OPEN_CHILDREN_LIMIT_EXCEEDED', workflowId: 'b', initiatedEventId: 0, decisionTaskCompletedEventId: 4, control: 'c' }],
    ['DecisionTaskScheduled', { taskList: CONFIG.taskList, startToCloseTimeout: '60' }],
  ]);
  assert.equal(step.effects.filter((e) => e.type === 'startChild').length, 1);
});

test('a child that continues as new is followed to its new run; the child policy reaches that run', () => {
  const { run } = EngineRun.start();
  run.pollAndDecide([startChild('kid')], withTypes());
  const started = run.step((t) => childStarted(t, 5, { workflowId: 'kid', runId: 'kid-1' }, WORKFLOW_TYPE));
  assert.deepEqual(described(started.events), [
    ['ChildWorkflowExecutionStarted', { workflowExecution: { workflowId: 'kid', runId: 'kid-1' }, workflowType: WORKFLOW_TYPE, initiatedEventId: 5 }],
    ['DecisionTaskScheduled', { taskList: CONFIG.taskList, startToCloseTimeout: '60' }],
  ]);
  const handedOver = run.step((t) => childClosed(t, 5, { workflowId: 'kid', runId: 'kid-1' }, WORKFLOW_TYPE, { status: 'CONTINUED_AS_NEW', newRunId: 'kid-2' }));
  assert.deepEqual(handedOver.events, []);
  assert.deepEqual(run.state.children['5'], { initiatedEventId: 5, workflowId: 'kid', workflowType: WORKFLOW_TYPE, runId: 'kid-2', startedEventId: 6 });
  const terminated = run.step((t) => terminate(t, {}));
  assert.deepEqual(
    terminated.effects.find((e) => e.type === 'applyChildPolicy'),
    { type: 'applyChildPolicy', domain: 'dom', parent: { workflowId: 'wf', runId: 'run-1' }, policy: 'TERMINATE', children: [{ workflowId: 'kid', runId: 'kid-2' }] },
  );
});

test('the close of a run that is not (or no longer) a child records nothing', () => {
  const { run } = EngineRun.start();
  const step = run.step((t) => childClosed(t, 42, { workflowId: 'x', runId: 'y' }, WORKFLOW_TYPE, { status: 'COMPLETED', result: 'r' }));
  assert.deepEqual(step.events, []);
});

test('ScheduleLambdaFunction: scheduled with the default 900 s, a safety deadline, and a call for after the commit', () => {
  const { run } = EngineRun.start();
  const step = run.pollAndDecide([scheduleLambda('l1', 'fn', { input: '{}' })], withLambdas(['fn']));
  assert.deepEqual(described(step.events).slice(1), [
    ['LambdaFunctionScheduled', { id: 'l1', name: 'fn', input: '{}', startToCloseTimeout: '900', decisionTaskCompletedEventId: 4 }],
  ]);
  assert.deepEqual(
    step.effects.filter((e) => e.type === 'armTimer' || e.type === 'invokeLambda'),
    [
      { type: 'armTimer', key: { runId: 'run-1', kind: 'lambdaStartToClose', ref: '5' }, dueAt: T0 + 900_000 },
      { type: 'invokeLambda', runId: 'run-1', scheduledEventId: 5, id: 'l1', name: 'fn', input: '{}' },
    ],
  );
});

test('ScheduleLambdaFunction fails: unmapped name, id in use, too many open', () => {
  const { run } = EngineRun.start();
  const step = run.pollAndDecide(
    [scheduleLambda('l0', 'unmapped'), scheduleLambda('l1', 'fn'), scheduleLambda('l1', 'fn'), scheduleLambda('l2', 'fn')],
    withLambdas(['fn'], { maxOpenLambdas: 1 }),
  );
  const failed = (id: string, name: string, cause: string) => ['ScheduleLambdaFunctionFailed', { id, name, cause, decisionTaskCompletedEventId: 4 }];
  assert.deepEqual(described(step.events).slice(1, 5), [
    failed('l0', 'unmapped', 'LAMBDA_SERVICE_NOT_AVAILABLE_IN_REGION'),
    ['LambdaFunctionScheduled', { id: 'l1', name: 'fn', startToCloseTimeout: '900', decisionTaskCompletedEventId: 4 }],
    failed('l1', 'fn', 'ID_ALREADY_IN_USE'),
    failed('l2', 'fn', 'OPEN_LAMBDA_FUNCTIONS_LIMIT_EXCEEDED'),
  ]);
  assert.equal(step.events.at(-1)?.eventType, 'DecisionTaskScheduled');
});

test('a Lambda task starts once, completes once, and wakes the decider', () => {
  const { run } = EngineRun.start();
  run.pollAndDecide([scheduleLambda('l1', 'fn', { startToCloseTimeout: '20' })], withLambdas(['fn']));
  run.now += 1000;
  const started = run.step((t) => startLambda(t, 5));
  assert.equal(started.result?.id, 'l1');
  assert.deepEqual(described(started.events), [['LambdaFunctionStarted', { scheduledEventId: 5 }]]);
  assert.deepEqual(started.effects, [{ type: 'armTimer', key: { runId: 'run-1', kind: 'lambdaStartToClose', ref: '5' }, dueAt: T0 + 21_000 }]);
  const again = run.step((t) => startLambda(t, 5));
  assert.equal(again.result, undefined);
  assert.deepEqual(again.events, []);
  const done = run.step((t) => completeLambda(t, 5, 'out'));
  assert.deepEqual(described(done.events), [
    ['LambdaFunctionCompleted', { scheduledEventId: 5, startedEventId: 6, result: 'out' }],
    ['DecisionTaskScheduled', { taskList: CONFIG.taskList, startToCloseTimeout: '60' }],
  ]);
  assert.ok(done.effects.some((e) => e.type === 'disarmTimer' && e.key.kind === 'lambdaStartToClose'));
  assert.deepEqual(run.state.lambdas, {});
  assert.deepEqual(run.step((t) => completeLambda(t, 5, 'twice')).events, []);
});

test('a Lambda task that timed out ignores its late answer; a failure keeps within the model’s sizes', () => {
  const { run } = EngineRun.start();
  run.pollAndDecide([scheduleLambda('l1', 'fn', { startToCloseTimeout: '20' }), scheduleLambda('l2', 'fn')], withLambdas(['fn']));
  run.step((t) => startLambda(t, 5));
  run.step((t) => startLambda(t, 6));
  const timedOut = run.step((t) => fireTimeout(t, 'lambdaStartToClose', '5'));
  assert.deepEqual(described(timedOut.events)[0], ['LambdaFunctionTimedOut', { scheduledEventId: 5, startedEventId: 7, timeoutType: 'START_TO_CLOSE' }]);
  assert.deepEqual(run.step((t) => completeLambda(t, 5, 'late')).events, []);
  const failed = run.step((t) => failLambda(t, 6, 'r'.repeat(300), 'details'));
  assert.deepEqual(described(failed.events).slice(0, 1), [['LambdaFunctionFailed', { scheduledEventId: 6, startedEventId: 8, reason: 'r'.repeat(256), details: 'details' }]]);
});

test('a Lambda task never started times out on its safety deadline, or fails to start when its endpoint is gone', () => {
  const { run } = EngineRun.start();
  run.pollAndDecide([scheduleLambda('l1', 'fn'), scheduleLambda('l2', 'fn')], withLambdas(['fn']));
  const timedOut = run.step((t) => fireTimeout(t, 'lambdaStartToClose', '5'));
  assert.deepEqual(described(timedOut.events)[0], ['LambdaFunctionTimedOut', { scheduledEventId: 5, startedEventId: 0, timeoutType: 'START_TO_CLOSE' }]);
  const notStarted = run.step((t) => lambdaStartFailed(t, 6, 'no endpoint'));
  assert.deepEqual(described(notStarted.events), [['StartLambdaFunctionFailed', { scheduledEventId: 6, message: 'no endpoint' }]]);
  assert.deepEqual(run.state.lambdas, {});
});
