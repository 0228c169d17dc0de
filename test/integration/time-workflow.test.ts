/**
 * Workflow START_TO_CLOSE on the virtual clock: WorkflowExecutionTimedOut at the exact due
 * time, close status TIMED_OUT, the child policy applied to open children, and the parent
 * told when a child times out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildPolicy } from '@aws-sdk/client-swf';
import { serverForFile } from '../helpers/setup.js';
import { expectFault, history, registerFixture, type Fixture } from '../helpers/swf.js';
import {
  complete,
  decide,
  describeRun,
  eventsFrom,
  expectNoDecisionTask,
  NOTHING_OPEN,
  respond,
  startChild,
  takeDecisionTask,
  type Run,
} from '../helpers/workflow.js';
import { advance, onlyOf, serverNow, startTimedRun, timeOf } from './time-support.js';

const { server, swf } = await serverForFile({ clock: 'virtual' });

test('a run that outlives executionStartToCloseTimeout times out at the due time and closes TIMED_OUT', async () => {
  const f = await registerFixture(swf);
  const run = await startTimedRun(swf, f, 'slow', { executionStartToCloseTimeout: '3600', childPolicy: 'ABANDON' });
  const startedAt = await serverNow(server);
  // The decider holds a decision task when the run times out.
  const task = await takeDecisionTask(swf, f, run);

  await advance(server, 3599);
  assert.equal((await describeRun(swf, f, run)).executionInfo?.executionStatus, 'OPEN', 'still open a second before the timeout');
  await advance(server, 1);

  const events = await history(swf, f.domain, run);
  assert.deepEqual(await eventsFrom(swf, f, run, 4), [['WorkflowExecutionTimedOut', { timeoutType: 'START_TO_CLOSE', childPolicy: 'ABANDON' }]]);
  assert.equal(timeOf(onlyOf(events, 'WorkflowExecutionTimedOut')), startedAt + 3_600_000);
  const info = (await describeRun(swf, f, run)).executionInfo;
  assert.equal(info?.executionStatus, 'CLOSED');
  assert.equal(info?.closeStatus, 'TIMED_OUT');
  assert.equal(info?.closeTimestamp?.getTime(), startedAt + 3_600_000);
  assert.deepEqual((await describeRun(swf, f, run)).openCounts, NOTHING_OPEN);

  // The decider's late answer is refused, and no task is left for anyone.
  await expectFault(respond(swf, task.taskToken, [complete()]), 'UnknownResourceFault');
  await expectNoDecisionTask(swf, f);
  // The deadline fired once: time moving on adds nothing.
  await advance(server, 7200);
  assert.equal((await history(swf, f.domain, run)).length, events.length);
});

/** A parent with one open child; returns both runs. */
async function parentWithChild(f: Fixture, parentPolicy: ChildPolicy, name: string): Promise<{ parent: Run; child: Run }> {
  const parent = await startTimedRun(swf, f, `${name}-parent`, { executionStartToCloseTimeout: '600', childPolicy: parentPolicy });
  await decide(swf, f, parent, [
    startChild(`${name}-child`, f.workflowType, {
      executionStartToCloseTimeout: '86400',
      taskStartToCloseTimeout: 'NONE',
      childPolicy: 'ABANDON',
      taskList: { name: `${f.taskList}-children` },
    }),
  ]);
  const started = onlyOf(await history(swf, f.domain, parent), 'ChildWorkflowExecutionStarted');
  const child = started.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
  assert.ok(child?.runId && child.workflowId);
  return { parent, child: { workflowId: child.workflowId, runId: child.runId } };
}

test('child policy TERMINATE: the parent times out and its open child is terminated', async () => {
  const f = await registerFixture(swf);
  const { parent, child } = await parentWithChild(f, 'TERMINATE', 'term');
  const childEventsBefore = (await history(swf, f.domain, child)).length;
  await advance(server, 600);

  const parentEvents = await history(swf, f.domain, parent);
  assert.deepEqual(
    await eventsFrom(swf, f, parent, parentEvents.length),
    [['WorkflowExecutionTimedOut', { timeoutType: 'START_TO_CLOSE', childPolicy: 'TERMINATE' }]],
  );
  assert.deepEqual(await eventsFrom(swf, f, child, childEventsBefore + 1), [
    ['WorkflowExecutionTerminated', { childPolicy: 'ABANDON', cause: 'CHILD_POLICY_APPLIED' }],
  ]);
  const childEvents = await history(swf, f.domain, child);
  assert.equal(timeOf(onlyOf(childEvents, 'WorkflowExecutionTerminated')), timeOf(onlyOf(parentEvents, 'WorkflowExecutionTimedOut')));
  assert.equal((await describeRun(swf, f, parent)).executionInfo?.closeStatus, 'TIMED_OUT');
  assert.equal((await describeRun(swf, f, child)).executionInfo?.closeStatus, 'TERMINATED');
});

test('child policy REQUEST_CANCEL: the parent times out and its open child gets a cancel request', async () => {
  const f = await registerFixture(swf);
  const { parent, child } = await parentWithChild(f, 'REQUEST_CANCEL', 'cancel');
  const childEventsBefore = (await history(swf, f.domain, child)).length;
  await advance(server, 600);

  assert.equal((await describeRun(swf, f, parent)).executionInfo?.closeStatus, 'TIMED_OUT');
  assert.deepEqual(
    (await eventsFrom(swf, f, parent, 1)).at(-1),
    ['WorkflowExecutionTimedOut', { timeoutType: 'START_TO_CLOSE', childPolicy: 'REQUEST_CANCEL' }],
  );
  // The child's first decision task is still scheduled, so the request joins it. SWF names the
  // parent as the external execution, with no initiating event.
  assert.deepEqual(await eventsFrom(swf, f, child, childEventsBefore + 1), [
    ['WorkflowExecutionCancelRequested', { externalWorkflowExecution: parent, cause: 'CHILD_POLICY_APPLIED' }],
  ]);
  const info = (await describeRun(swf, f, child)).executionInfo;
  assert.equal(info?.executionStatus, 'OPEN');
  assert.equal(info?.cancelRequested, true);
});

test('child policy ABANDON: the parent times out and its child runs on untouched', async () => {
  const f = await registerFixture(swf);
  const { parent, child } = await parentWithChild(f, 'ABANDON', 'abandon');
  const childEventsBefore = (await history(swf, f.domain, child)).length;
  await advance(server, 600);
  assert.equal((await describeRun(swf, f, parent)).executionInfo?.closeStatus, 'TIMED_OUT');
  assert.equal((await history(swf, f.domain, child)).length, childEventsBefore);
  assert.equal((await describeRun(swf, f, child)).executionInfo?.executionStatus, 'OPEN');
});

test('a child that times out is reported to its parent with ChildWorkflowExecutionTimedOut and a decision task', async () => {
  const f = await registerFixture(swf);
  const parent = await startTimedRun(swf, f, 'p', { executionStartToCloseTimeout: '86400' });
  await decide(swf, f, parent, [
    startChild('short-child', f.workflowType, {
      executionStartToCloseTimeout: '120',
      taskStartToCloseTimeout: 'NONE',
      childPolicy: 'TERMINATE',
      taskList: { name: `${f.taskList}-children` },
    }),
  ]);
  await decide(swf, f, parent, []); // sees ChildWorkflowExecutionStarted; no task is left pending
  const before = await history(swf, f.domain, parent);
  const initiated = onlyOf(before, 'StartChildWorkflowExecutionInitiated');
  const started = onlyOf(before, 'ChildWorkflowExecutionStarted');
  const child = started.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
  assert.ok(child?.runId);
  await advance(server, 120);

  assert.deepEqual(await eventsFrom(swf, f, parent, before.length + 1), [
    [
      'ChildWorkflowExecutionTimedOut',
      {
        workflowExecution: child,
        workflowType: f.workflowType,
        timeoutType: 'START_TO_CLOSE',
        initiatedEventId: initiated.eventId,
        startedEventId: started.eventId,
      },
    ],
    ['DecisionTaskScheduled', { taskList: { name: f.taskList }, startToCloseTimeout: 'NONE' }],
  ]);
  assert.equal((await describeRun(swf, f, { workflowId: 'short-child', runId: child.runId })).executionInfo?.closeStatus, 'TIMED_OUT');
});
