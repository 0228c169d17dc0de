import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Decision } from '@aws-sdk/client-swf';
import { serverForFile } from '../helpers/setup.js';
import { history, registerFixture, uniqueName } from '../helpers/swf.js';
import { complete, decide, describeRun, eventsFrom, startOn, takeDecisionTask } from '../helpers/workflow.js';

const { swf } = await serverForFile();
const f = await registerFixture(swf);

const signalExternal = (workflowId: string, extra: { runId?: string; input?: string; control?: string } = {}): Decision => ({
  decisionType: 'SignalExternalWorkflowExecution',
  signalExternalWorkflowExecutionDecisionAttributes: { workflowId, signalName: 'ping', ...extra },
});

const cancelExternal = (workflowId: string, extra: { runId?: string; control?: string } = {}): Decision => ({
  decisionType: 'RequestCancelExternalWorkflowExecution',
  requestCancelExternalWorkflowExecutionDecisionAttributes: { workflowId, ...extra },
});

const dtScheduled = (taskList: string): [string, unknown] => ['DecisionTaskScheduled', { taskList: { name: taskList }, startToCloseTimeout: '60' }];
const dtCompleted: [string, unknown] = ['DecisionTaskCompleted', { scheduledEventId: 2, startedEventId: 3 }];

test('a signal to an unrelated run: Initiated, the target’s WorkflowExecutionSignaled, then ExternalWorkflowExecutionSignaled', async () => {
  const source = await startOn(swf, f, uniqueName('source'));
  const target = await startOn(swf, f, uniqueName('target'));
  await decide(swf, f, target.taskList, []);
  const targetLength = (await history(swf, f.domain, target)).length;
  // Without a runId, the signal goes to the open run of that workflowId.
  await decide(swf, f, source.taskList, [signalExternal(target.workflowId, { input: 'payload', control: 'mine' })]);
  assert.deepEqual(await eventsFrom(swf, f, source, 4), [
    dtCompleted,
    ['SignalExternalWorkflowExecutionInitiated', { workflowId: target.workflowId, signalName: 'ping', input: 'payload', decisionTaskCompletedEventId: 4, control: 'mine' }],
    ['ExternalWorkflowExecutionSignaled', { workflowExecution: { workflowId: target.workflowId, runId: target.runId }, initiatedEventId: 5 }],
    dtScheduled(source.taskList),
  ]);
  assert.deepEqual(await eventsFrom(swf, f, target, targetLength + 1), [
    ['WorkflowExecutionSignaled', { signalName: 'ping', input: 'payload', externalWorkflowExecution: { workflowId: source.workflowId, runId: source.runId }, externalInitiatedEventId: 5 }],
    dtScheduled(target.taskList),
  ]);
});

test('a signal naming the target’s runId reaches it, and echoes the runId in the Initiated event', async () => {
  const source = await startOn(swf, f, uniqueName('source'));
  const target = await startOn(swf, f, uniqueName('target'));
  await decide(swf, f, source.taskList, [signalExternal(target.workflowId, { runId: target.runId })]);
  const events = await eventsFrom(swf, f, source, 5);
  assert.deepEqual(events.slice(0, 2), [
    ['SignalExternalWorkflowExecutionInitiated', { workflowId: target.workflowId, runId: target.runId, signalName: 'ping', decisionTaskCompletedEventId: 4 }],
    ['ExternalWorkflowExecutionSignaled', { workflowExecution: { workflowId: target.workflowId, runId: target.runId }, initiatedEventId: 5 }],
  ]);
  // The target's decision task was already scheduled: the signal joins it.
  const task = await takeDecisionTask(swf, f, target.taskList);
  assert.deepEqual(task.events?.map((e) => e.eventType), ['WorkflowExecutionStarted', 'DecisionTaskScheduled', 'WorkflowExecutionSignaled', 'DecisionTaskStarted']);
});

test('a signal to an unknown workflowId, or to a closed run, fails with UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION', async () => {
  const closed = await startOn(swf, f, uniqueName('closed'));
  await decide(swf, f, closed.taskList, [complete()]);
  const source = await startOn(swf, f, uniqueName('source'));
  await decide(swf, f, source.taskList, [
    signalExternal('nobody-runs-this', { control: 'c1' }),
    signalExternal(closed.workflowId, { runId: closed.runId, input: 'late' }),
  ]);
  assert.deepEqual(await eventsFrom(swf, f, source, 5), [
    ['SignalExternalWorkflowExecutionInitiated', { workflowId: 'nobody-runs-this', signalName: 'ping', decisionTaskCompletedEventId: 4, control: 'c1' }],
    ['SignalExternalWorkflowExecutionInitiated', { workflowId: closed.workflowId, runId: closed.runId, signalName: 'ping', input: 'late', decisionTaskCompletedEventId: 4 }],
    ['SignalExternalWorkflowExecutionFailed', { workflowId: 'nobody-runs-this', cause: 'UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION', initiatedEventId: 5, decisionTaskCompletedEventId: 4, control: 'c1' }],
    dtScheduled(source.taskList),
    ['SignalExternalWorkflowExecutionFailed', { workflowId: closed.workflowId, runId: closed.runId, cause: 'UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION', initiatedEventId: 6, decisionTaskCompletedEventId: 4 }],
  ]);
});

test('a run can signal itself and gets a new decision task for it', async () => {
  const run = await startOn(swf, f, uniqueName('self'));
  await decide(swf, f, run.taskList, [signalExternal(run.workflowId, { input: 'note to self' })]);
  const self = { workflowId: run.workflowId, runId: run.runId };
  assert.deepEqual(await eventsFrom(swf, f, run, 5), [
    ['SignalExternalWorkflowExecutionInitiated', { workflowId: run.workflowId, signalName: 'ping', input: 'note to self', decisionTaskCompletedEventId: 4 }],
    ['WorkflowExecutionSignaled', { signalName: 'ping', input: 'note to self', externalWorkflowExecution: self, externalInitiatedEventId: 5 }],
    dtScheduled(run.taskList),
    ['ExternalWorkflowExecutionSignaled', { workflowExecution: self, initiatedEventId: 5 }],
  ]);
  const task = await takeDecisionTask(swf, f, run.taskList);
  assert.equal(task.previousStartedEventId, 3);
});

test('a cancel request to an unrelated run: the target records WorkflowExecutionCancelRequested with the external fields', async () => {
  const source = await startOn(swf, f, uniqueName('source'));
  const target = await startOn(swf, f, uniqueName('target'));
  await decide(swf, f, target.taskList, []);
  const targetLength = (await history(swf, f.domain, target)).length;
  await decide(swf, f, source.taskList, [cancelExternal(target.workflowId, { control: 'why' })]);
  assert.deepEqual(await eventsFrom(swf, f, source, 4), [
    dtCompleted,
    ['RequestCancelExternalWorkflowExecutionInitiated', { workflowId: target.workflowId, decisionTaskCompletedEventId: 4, control: 'why' }],
    ['ExternalWorkflowExecutionCancelRequested', { workflowExecution: { workflowId: target.workflowId, runId: target.runId }, initiatedEventId: 5 }],
    dtScheduled(source.taskList),
  ]);
  assert.deepEqual(await eventsFrom(swf, f, target, targetLength + 1), [
    ['WorkflowExecutionCancelRequested', { externalWorkflowExecution: { workflowId: source.workflowId, runId: source.runId }, externalInitiatedEventId: 5 }],
    dtScheduled(target.taskList),
  ]);
  assert.equal((await describeRun(swf, f, target)).executionInfo?.cancelRequested, true);
});

test('a cancel request to an unknown run fails with UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION', async () => {
  const source = await startOn(swf, f, uniqueName('source'));
  await decide(swf, f, source.taskList, [cancelExternal('nobody-runs-this', { runId: 'no-such-run', control: 'c' })]);
  assert.deepEqual(await eventsFrom(swf, f, source, 5), [
    ['RequestCancelExternalWorkflowExecutionInitiated', { workflowId: 'nobody-runs-this', runId: 'no-such-run', decisionTaskCompletedEventId: 4, control: 'c' }],
    [
      'RequestCancelExternalWorkflowExecutionFailed',
      { workflowId: 'nobody-runs-this', runId: 'no-such-run', cause: 'UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION', initiatedEventId: 5, decisionTaskCompletedEventId: 4, control: 'c' },
    ],
    dtScheduled(source.taskList),
  ]);
});
