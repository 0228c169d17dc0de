/**
 * Workflow START_TO_CLOSE on the virtual clock: WorkflowExecutionTimedOut at the exact due
 * time, close status TIMED_OUT, the child policy applied to open children, and the parent
 * told when a child times out.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeWorkflowExecutionCommand, type ChildPolicy, type Decision, type SWFClient } from '@aws-sdk/client-swf';
import { TestServer } from '../helpers/server.js';
import { faultOf, history, registerFixture, type Fixture } from '../helpers/swf.js';
import {
  advance,
  decide,
  eventsFrom,
  expectNoDecisionTask,
  onlyOf,
  respond,
  serverNow,
  startRun,
  takeDecisionTask,
  timeOf,
  type Run,
} from './time-support.js';

let server: TestServer;
let swf: SWFClient;

before(async () => {
  server = await TestServer.start({ clock: 'virtual' });
  swf = server.client();
});
after(() => server.dispose());

async function describeRun(f: Fixture, run: Run) {
  return swf.send(new DescribeWorkflowExecutionCommand({ domain: f.domain, execution: run }));
}

test('a run that outlives executionStartToCloseTimeout times out at the due time and closes TIMED_OUT', async () => {
  const f = await registerFixture(swf);
  const run = await startRun(swf, f, 'slow', { executionStartToCloseTimeout: '3600', childPolicy: 'ABANDON' });
  const startedAt = await serverNow(server);
  // The decider holds a decision task when the run times out.
  const task = await takeDecisionTask(swf, f, run);

  await advance(server, 3599);
  assert.equal((await describeRun(f, run)).executionInfo?.executionStatus, 'OPEN', 'still open a second before the timeout');
  await advance(server, 1);

  const events = await history(swf, f.domain, run);
  assert.deepEqual(await eventsFrom(swf, f, run, 4), [['WorkflowExecutionTimedOut', { timeoutType: 'START_TO_CLOSE', childPolicy: 'ABANDON' }]]);
  assert.equal(timeOf(onlyOf(events, 'WorkflowExecutionTimedOut')), startedAt + 3_600_000);
  const info = (await describeRun(f, run)).executionInfo;
  assert.equal(info?.executionStatus, 'CLOSED');
  assert.equal(info?.closeStatus, 'TIMED_OUT');
  assert.equal(info?.closeTimestamp?.getTime(), startedAt + 3_600_000);
  assert.deepEqual((await describeRun(f, run)).openCounts, { openActivityTasks: 0, openDecisionTasks: 0, openTimers: 0, openChildWorkflowExecutions: 0, openLambdaFunctions: 0 });

  // The decider's late answer is refused, and no task is left for anyone.
  const fault = await faultOf(respond(swf, task.taskToken, [{ decisionType: 'CompleteWorkflowExecution' }]));
  assert.equal(fault.name, 'UnknownResourceFault');
  await expectNoDecisionTask(swf, f);
  // The deadline fired once: time moving on adds nothing.
  await advance(server, 7200);
  assert.equal((await history(swf, f.domain, run)).length, events.length);
});

/** A parent with one open child; returns both runs. */
async function parentWithChild(f: Fixture, parentPolicy: ChildPolicy, name: string): Promise<{ parent: Run; child: Run }> {
  const parent = await startRun(swf, f, `${name}-parent`, { executionStartToCloseTimeout: '600', childPolicy: parentPolicy });
  const startChild: Decision = {
    decisionType: 'StartChildWorkflowExecution',
    startChildWorkflowExecutionDecisionAttributes: {
      workflowType: f.workflowType,
      workflowId: `${name}-child`,
      executionStartToCloseTimeout: '86400',
      taskStartToCloseTimeout: 'NONE',
      childPolicy: 'ABANDON',
      taskList: { name: `${f.taskList}-children` },
    },
  };
  await decide(swf, f, parent, [startChild]);
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
  assert.equal((await describeRun(f, parent)).executionInfo?.closeStatus, 'TIMED_OUT');
  assert.equal((await describeRun(f, child)).executionInfo?.closeStatus, 'TERMINATED');
});

test('child policy REQUEST_CANCEL: the parent times out and its open child gets a cancel request', async () => {
  const f = await registerFixture(swf);
  const { parent, child } = await parentWithChild(f, 'REQUEST_CANCEL', 'cancel');
  const childEventsBefore = (await history(swf, f.domain, child)).length;
  await advance(server, 600);

  assert.equal((await describeRun(f, parent)).executionInfo?.closeStatus, 'TIMED_OUT');
  assert.deepEqual(
    (await eventsFrom(swf, f, parent, 1)).at(-1),
    ['WorkflowExecutionTimedOut', { timeoutType: 'START_TO_CLOSE', childPolicy: 'REQUEST_CANCEL' }],
  );
  // The child's first decision task is still scheduled, so the request joins it. SWF names the
  // parent as the external execution, with no initiating event.
  assert.deepEqual(await eventsFrom(swf, f, child, childEventsBefore + 1), [
    ['WorkflowExecutionCancelRequested', { externalWorkflowExecution: parent, cause: 'CHILD_POLICY_APPLIED' }],
  ]);
  const info = (await describeRun(f, child)).executionInfo;
  assert.equal(info?.executionStatus, 'OPEN');
  assert.equal(info?.cancelRequested, true);
});

test('child policy ABANDON: the parent times out and its child runs on untouched', async () => {
  const f = await registerFixture(swf);
  const { parent, child } = await parentWithChild(f, 'ABANDON', 'abandon');
  const childEventsBefore = (await history(swf, f.domain, child)).length;
  await advance(server, 600);
  assert.equal((await describeRun(f, parent)).executionInfo?.closeStatus, 'TIMED_OUT');
  assert.equal((await history(swf, f.domain, child)).length, childEventsBefore);
  assert.equal((await describeRun(f, child)).executionInfo?.executionStatus, 'OPEN');
});

test('a child that times out is reported to its parent with ChildWorkflowExecutionTimedOut and a decision task', async () => {
  const f = await registerFixture(swf);
  const parent = await startRun(swf, f, 'p', { executionStartToCloseTimeout: '86400' });
  await decide(swf, f, parent, [
    {
      decisionType: 'StartChildWorkflowExecution',
      startChildWorkflowExecutionDecisionAttributes: {
        workflowType: f.workflowType,
        workflowId: 'short-child',
        executionStartToCloseTimeout: '120',
        taskStartToCloseTimeout: 'NONE',
        childPolicy: 'TERMINATE',
        taskList: { name: `${f.taskList}-children` },
      },
    },
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
  assert.equal((await describeRun(f, { workflowId: 'short-child', runId: child.runId })).executionInfo?.closeStatus, 'TIMED_OUT');
});
