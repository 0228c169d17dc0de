import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TerminateWorkflowExecutionCommand, type ChildPolicy } from '@aws-sdk/client-swf';
import { serverForFile } from '../helpers/setup.js';
import { describeEvents, history, registerFixture, uniqueName } from '../helpers/swf.js';
import { cancel, decide, describeRun, eventsFrom, respond, startChild, startOn, takeDecisionTask, type Run } from '../helpers/workflow.js';

const { server, swf } = await serverForFile({ clock: 'virtual' });
const f = await registerFixture(swf);

/** A parent with the given child policy and one started child (whose first decision task is answered). */
async function parentWithChild(childPolicy: ChildPolicy): Promise<{ parent: Run; child: Run; childList: string }> {
  const parent = await startOn(swf, f, uniqueName('parent'), { childPolicy });
  const childList = uniqueName('child');
  // The child's own policy is ABANDON, so the policy seen in its events is visibly not the parent's.
  await decide(swf, f, parent.taskList, [startChild(uniqueName('kid'), f.workflowType, { taskList: { name: childList }, childPolicy: 'ABANDON' })]);
  const task = await takeDecisionTask(swf, f, childList);
  await respond(swf, task.taskToken, []);
  return { parent, child: task.workflowExecution, childList };
}

async function terminate(run: Run, childPolicy?: ChildPolicy): Promise<void> {
  await swf.send(new TerminateWorkflowExecutionCommand({ domain: f.domain, ...run, reason: 'stop', ...(childPolicy !== undefined ? { childPolicy } : {}) }));
}

test('TERMINATE: terminating the parent terminates its open children, cause CHILD_POLICY_APPLIED', async () => {
  const { parent, child } = await parentWithChild('TERMINATE');
  const parentLength = (await history(swf, f.domain, parent)).length;
  const childLength = (await history(swf, f.domain, child)).length;
  await terminate(parent);
  assert.deepEqual(await eventsFrom(swf, f, parent, parentLength + 1), [
    ['WorkflowExecutionTerminated', { reason: 'stop', childPolicy: 'TERMINATE', cause: 'OPERATOR_INITIATED' }],
  ]);
  assert.deepEqual(await eventsFrom(swf, f, child, childLength + 1), [
    ['WorkflowExecutionTerminated', { childPolicy: 'ABANDON', cause: 'CHILD_POLICY_APPLIED' }],
  ]);
  assert.equal((await describeRun(swf, f, child)).executionInfo?.closeStatus, 'TERMINATED');
});

test('REQUEST_CANCEL (given at terminate time): each open child gets a cancel request and a decision task', async () => {
  const { parent, child, childList } = await parentWithChild('TERMINATE');
  const childLength = (await history(swf, f.domain, child)).length;
  await terminate(parent, 'REQUEST_CANCEL');
  const parentEvents = await history(swf, f.domain, parent);
  assert.deepEqual(describeEvents(parentEvents.slice(-1)), [['WorkflowExecutionTerminated', { reason: 'stop', childPolicy: 'REQUEST_CANCEL', cause: 'OPERATOR_INITIATED' }]]);
  assert.deepEqual(await eventsFrom(swf, f, child, childLength + 1), [
    // Real SWF names the parent as the external execution, with no initiating event.
    ['WorkflowExecutionCancelRequested', { externalWorkflowExecution: { workflowId: parent.workflowId, runId: parent.runId }, cause: 'CHILD_POLICY_APPLIED' }],
    ['DecisionTaskScheduled', { taskList: { name: childList }, startToCloseTimeout: '60' }],
  ]);
  const info = (await describeRun(swf, f, child)).executionInfo;
  assert.equal(info?.executionStatus, 'OPEN');
  assert.equal(info?.cancelRequested, true);
  // The child cancels itself; its closed parent hears nothing of it.
  await decide(swf, f, childList, [cancel()]);
  assert.equal((await describeRun(swf, f, child)).executionInfo?.closeStatus, 'CANCELED');
  assert.equal((await history(swf, f.domain, parent)).length, parentEvents.length);
});

test('ABANDON: the children run on untouched, and their end is not written into the closed parent', async () => {
  const { parent, child } = await parentWithChild('ABANDON');
  const childLength = (await history(swf, f.domain, child)).length;
  await terminate(parent);
  const parentEvents = await history(swf, f.domain, parent);
  assert.deepEqual(describeEvents(parentEvents.slice(-1)), [['WorkflowExecutionTerminated', { reason: 'stop', childPolicy: 'ABANDON', cause: 'OPERATOR_INITIATED' }]]);
  assert.deepEqual(await eventsFrom(swf, f, child, childLength + 1), []);
  assert.equal((await describeRun(swf, f, child)).executionInfo?.executionStatus, 'OPEN');
  await swf.send(new TerminateWorkflowExecutionCommand({ domain: f.domain, ...child }));
  assert.equal((await describeRun(swf, f, child)).executionInfo?.closeStatus, 'TERMINATED');
  assert.equal((await history(swf, f.domain, parent)).length, parentEvents.length);
});

test('a parent that times out applies its child policy too', async () => {
  const parent = await startOn(swf, f, uniqueName('parent'), { childPolicy: 'TERMINATE' });
  const childList = uniqueName('child');
  await decide(swf, f, parent.taskList, [startChild(uniqueName('kid'), f.workflowType, { taskList: { name: childList }, executionStartToCloseTimeout: '7200' })]);
  const child = (await takeDecisionTask(swf, f, childList)).workflowExecution;
  const parentLength = (await history(swf, f.domain, parent)).length;
  await server.advance(3601);
  assert.deepEqual(await eventsFrom(swf, f, parent, parentLength + 1), [
    ['WorkflowExecutionTimedOut', { timeoutType: 'START_TO_CLOSE', childPolicy: 'TERMINATE' }],
  ]);
  const childEvents = await history(swf, f.domain, child);
  assert.deepEqual(describeEvents(childEvents.slice(-1)), [['WorkflowExecutionTerminated', { childPolicy: 'TERMINATE', cause: 'CHILD_POLICY_APPLIED' }]]);
  assert.equal((await describeRun(swf, f, child)).executionInfo?.closeStatus, 'TERMINATED');
});

test('the policy reaches grandchildren through each child’s own policy', async () => {
  const parent = await startOn(swf, f, uniqueName('parent'), { childPolicy: 'TERMINATE' });
  const childList = uniqueName('child');
  const grandchildList = uniqueName('grandchild');
  await decide(swf, f, parent.taskList, [startChild(uniqueName('kid'), f.workflowType, { taskList: { name: childList }, childPolicy: 'REQUEST_CANCEL' })]);
  const childTask = await takeDecisionTask(swf, f, childList);
  await respond(swf, childTask.taskToken, [startChild(uniqueName('grandkid'), f.workflowType, { taskList: { name: grandchildList } })]);
  const grandchild = (await takeDecisionTask(swf, f, grandchildList)).workflowExecution;
  await terminate(parent);
  assert.equal((await describeRun(swf, f, childTask.workflowExecution)).executionInfo?.closeStatus, 'TERMINATED');
  const info = (await describeRun(swf, f, grandchild)).executionInfo;
  assert.equal(info?.executionStatus, 'OPEN');
  assert.equal(info?.cancelRequested, true);
});
