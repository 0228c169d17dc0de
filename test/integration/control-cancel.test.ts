/**
 * RequestCancelWorkflowExecution and the CancelWorkflowExecution decision through the SDK:
 * the cancel request, the decider's answer, the CANCELED close, and the faults.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ListClosedWorkflowExecutionsCommand,
  ListOpenWorkflowExecutionsCommand,
  RequestCancelWorkflowExecutionCommand,
  SignalWorkflowExecutionCommand,
} from '@aws-sdk/client-swf';
import { serverForFile } from '../helpers/setup.js';
import { eventTypes, expectFault, history, registerFixture } from '../helpers/swf.js';
import { attributesAt, cancel, complete, decide, describeRun, NOTHING_OPEN, respond, startRun, takeDecisionTask } from '../helpers/workflow.js';
import { startTimeFilter } from './control-support.js';

const { swf } = await serverForFile();
const f = await registerFixture(swf);

test('cancel request → the decider sees WorkflowExecutionCancelRequested → CancelWorkflowExecution → CANCELED', async () => {
  const run = await startRun(swf, f, 'cancel-story');
  await decide(swf, f, run, []);
  assert.equal((await describeRun(swf, f, run)).executionInfo?.cancelRequested, false);

  await swf.send(new RequestCancelWorkflowExecutionCommand({ domain: f.domain, ...run }));
  let events = await history(swf, f.domain, run);
  assert.deepEqual(eventTypes(events).slice(4), ['WorkflowExecutionCancelRequested', 'DecisionTaskScheduled']);
  // An operator's request names no external execution and no cause.
  assert.deepEqual(attributesAt(events, 5, 'WorkflowExecutionCancelRequested'), {});
  assert.deepEqual(attributesAt(events, 6, 'DecisionTaskScheduled'), { taskList: { name: f.taskList }, startToCloseTimeout: '60' });

  const open = await describeRun(swf, f, run);
  assert.equal(open.executionInfo?.executionStatus, 'OPEN');
  assert.equal(open.executionInfo?.cancelRequested, true);
  assert.equal(open.openCounts?.openDecisionTasks, 1);

  const task = await takeDecisionTask(swf, f, run);
  assert.equal(task.startedEventId, 7);
  assert.equal(task.previousStartedEventId, 3);
  assert.ok(task.events?.some((e) => e.eventId === 5 && e.eventType === 'WorkflowExecutionCancelRequested'));
  await respond(swf, task.taskToken, [cancel('cleaned up')]);

  events = await history(swf, f.domain, run);
  assert.deepEqual(eventTypes(events).slice(6), ['DecisionTaskStarted', 'DecisionTaskCompleted', 'WorkflowExecutionCanceled']);
  assert.deepEqual(attributesAt(events, 8, 'DecisionTaskCompleted'), { scheduledEventId: 6, startedEventId: 7 });
  assert.deepEqual(attributesAt(events, 9, 'WorkflowExecutionCanceled'), {
    details: 'cleaned up',
    decisionTaskCompletedEventId: 8,
  });

  const closed = await describeRun(swf, f, run);
  assert.equal(closed.executionInfo?.executionStatus, 'CLOSED');
  assert.equal(closed.executionInfo?.closeStatus, 'CANCELED');
  assert.equal(closed.executionInfo?.cancelRequested, true);
  assert.ok(closed.executionInfo?.closeTimestamp instanceof Date);
  assert.deepEqual(closed.openCounts, NOTHING_OPEN);

  const closedList = await swf.send(new ListClosedWorkflowExecutionsCommand({ domain: f.domain, startTimeFilter: startTimeFilter(), closeStatusFilter: { status: 'CANCELED' } }));
  const listed = closedList.executionInfos?.find((i) => i.execution?.runId === run.runId);
  assert.equal(listed?.closeStatus, 'CANCELED');
  assert.equal(listed?.cancelRequested, true);
  const openList = await swf.send(new ListOpenWorkflowExecutionsCommand({ domain: f.domain, startTimeFilter: startTimeFilter(), executionFilter: { workflowId: run.workflowId } }));
  assert.deepEqual(openList.executionInfos, []);

  // Nothing more reaches a closed run.
  await expectFault(swf.send(new RequestCancelWorkflowExecutionCommand({ domain: f.domain, ...run })), 'UnknownResourceFault');
  await expectFault(swf.send(new RequestCancelWorkflowExecutionCommand({ domain: f.domain, workflowId: run.workflowId })), 'UnknownResourceFault');
});

test('a cancel request by workflowId alone reaches the open run; unknown ids are UnknownResourceFault', async () => {
  const run = await startRun(swf, f, 'cancel-by-id');
  await swf.send(new RequestCancelWorkflowExecutionCommand({ domain: f.domain, workflowId: run.workflowId }));
  const events = await history(swf, f.domain, run);
  // The pending decision task takes the request along: no second DecisionTaskScheduled.
  assert.deepEqual(eventTypes(events), ['WorkflowExecutionStarted', 'DecisionTaskScheduled', 'WorkflowExecutionCancelRequested']);
  assert.equal((await describeRun(swf, f, run)).executionInfo?.cancelRequested, true);
  await expectFault(swf.send(new RequestCancelWorkflowExecutionCommand({ domain: f.domain, workflowId: 'nobody' })), 'UnknownResourceFault');
  await expectFault(swf.send(new RequestCancelWorkflowExecutionCommand({ domain: f.domain, workflowId: run.workflowId, runId: 'not-a-run' })), 'UnknownResourceFault');
  await expectFault(swf.send(new RequestCancelWorkflowExecutionCommand({ domain: 'no-such-domain', workflowId: run.workflowId })), 'UnknownResourceFault');
  const task = await takeDecisionTask(swf, f, run);
  await respond(swf, task.taskToken, [cancel()]);
  const after = await history(swf, f.domain, run);
  assert.deepEqual(attributesAt(after, 6, 'WorkflowExecutionCanceled'), { decisionTaskCompletedEventId: 5 });
});

test('CancelWorkflowExecution fails with UNHANDLED_DECISION when events arrived; a new decision task follows', async () => {
  const run = await startRun(swf, f, 'cancel-unhandled');
  const first = await takeDecisionTask(swf, f, run);
  await swf.send(new RequestCancelWorkflowExecutionCommand({ domain: f.domain, ...run }));
  await respond(swf, first.taskToken, [cancel('too early')]);
  let events = await history(swf, f.domain, run);
  assert.deepEqual(eventTypes(events), [
    'WorkflowExecutionStarted', 'DecisionTaskScheduled', 'DecisionTaskStarted', 'WorkflowExecutionCancelRequested',
    'DecisionTaskCompleted', 'CancelWorkflowExecutionFailed', 'DecisionTaskScheduled',
  ]);
  assert.deepEqual(attributesAt(events, 6, 'CancelWorkflowExecutionFailed'), {
    cause: 'UNHANDLED_DECISION',
    decisionTaskCompletedEventId: 5,
  });
  assert.equal((await describeRun(swf, f, run)).executionInfo?.executionStatus, 'OPEN');

  // The retry with a signal in between fails again; the one after succeeds.
  const second = await takeDecisionTask(swf, f, run);
  assert.equal(second.previousStartedEventId, 3);
  await swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, ...run, signalName: 'extra' }));
  await respond(swf, second.taskToken, [cancel('again')]);
  const third = await takeDecisionTask(swf, f, run);
  await respond(swf, third.taskToken, [cancel('now')]);
  events = await history(swf, f.domain, run);
  assert.deepEqual(eventTypes(events).slice(7), [
    'DecisionTaskStarted', 'WorkflowExecutionSignaled', 'DecisionTaskCompleted', 'CancelWorkflowExecutionFailed', 'DecisionTaskScheduled',
    'DecisionTaskStarted', 'DecisionTaskCompleted', 'WorkflowExecutionCanceled',
  ]);
  assert.deepEqual(attributesAt(events, 11, 'CancelWorkflowExecutionFailed'), { cause: 'UNHANDLED_DECISION', decisionTaskCompletedEventId: 10 });
  assert.deepEqual(attributesAt(events, 15, 'WorkflowExecutionCanceled'), { details: 'now', decisionTaskCompletedEventId: 14 });
  assert.equal((await describeRun(swf, f, run)).executionInfo?.closeStatus, 'CANCELED');
});

test('a cancel request from another workflow names it and its initiating event', async () => {
  const target = await startRun(swf, f, 'cancel-target');
  await decide(swf, f, target, []);
  const source = await startRun(swf, f, 'cancel-source');
  await decide(swf, f, source, [
    { decisionType: 'RequestCancelExternalWorkflowExecution', requestCancelExternalWorkflowExecutionDecisionAttributes: { workflowId: target.workflowId, control: 'c1' } },
  ]);
  const sourceEvents = await history(swf, f.domain, source);
  assert.deepEqual(attributesAt(sourceEvents, 5, 'RequestCancelExternalWorkflowExecutionInitiated'), {
    workflowId: target.workflowId,
    decisionTaskCompletedEventId: 4,
    control: 'c1',
  });
  const targetEvents = await history(swf, f.domain, target);
  assert.deepEqual(eventTypes(targetEvents).slice(4), ['WorkflowExecutionCancelRequested', 'DecisionTaskScheduled']);
  assert.deepEqual(attributesAt(targetEvents, 5, 'WorkflowExecutionCancelRequested'), {
    externalWorkflowExecution: source,
    externalInitiatedEventId: 5,
  });
  assert.equal((await describeRun(swf, f, target)).executionInfo?.cancelRequested, true);
  await decide(swf, f, target, [cancel()]);
  assert.equal((await describeRun(swf, f, target)).executionInfo?.closeStatus, 'CANCELED');
  // The source run heard that the request was delivered.
  const later = await history(swf, f.domain, source);
  assert.deepEqual(attributesAt(later, 6, 'ExternalWorkflowExecutionCancelRequested'), {
    workflowExecution: target,
    initiatedEventId: 5,
  });
  await decide(swf, f, source, [complete()]);
});
