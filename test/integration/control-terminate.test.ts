/**
 * TerminateWorkflowExecution through the SDK: the event, the immediate close, the run's tasks
 * and deadlines dying with it, and the child policy applied to open children.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CountClosedWorkflowExecutionsCommand,
  CountOpenWorkflowExecutionsCommand,
  ListClosedWorkflowExecutionsCommand,
  ListOpenWorkflowExecutionsCommand,
  RecordActivityTaskHeartbeatCommand,
  RequestCancelWorkflowExecutionCommand,
  RespondActivityTaskCanceledCommand,
  RespondActivityTaskCompletedCommand,
  RespondActivityTaskFailedCommand,
  RespondDecisionTaskCompletedCommand,
  SignalWorkflowExecutionCommand,
  TerminateWorkflowExecutionCommand,
  type ChildPolicy,
} from '@aws-sdk/client-swf';
import { serverForFile } from '../helpers/setup.js';
import { eventTypes, expectFault, history, registerFixture } from '../helpers/swf.js';
import {
  attributesAt,
  cancel,
  complete,
  decide,
  describeRun,
  expectNoActivityTask,
  expectNoDecisionTask,
  NOTHING_OPEN,
  respond,
  scheduleActivity,
  startChild,
  startRun,
  startTimer,
  takeActivityTask,
  takeDecisionTask,
  type Run,
} from '../helpers/workflow.js';
import { startTimeFilter } from './control-support.js';

const { server, swf } = await serverForFile({ clock: 'virtual' });
const f = await registerFixture(swf);

const terminate = (run: Partial<Run> & { workflowId: string }, extra: { reason?: string; details?: string; childPolicy?: ChildPolicy } = {}) =>
  swf.send(new TerminateWorkflowExecutionCommand({ domain: f.domain, ...run, ...extra }));

test('terminate with reason and details closes the run at once; its tokens, tasks and deadlines die with it', async () => {
  const run = await startRun(swf, f, 'term-story');
  await decide(swf, f, run, [
    scheduleActivity(f, 'a1', { input: 'work' }),
    startTimer('t1', '30'),
  ]);
  const activity = await takeActivityTask(swf, f);
  await swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, ...run, signalName: 'wake' }));
  const decision = await takeDecisionTask(swf, f, run);

  await terminate(run, { reason: 'operator says stop', details: 'ticket 42' });
  const events = await history(swf, f.domain, run);
  const last = events.at(-1);
  assert.equal(last?.eventType, 'WorkflowExecutionTerminated');
  assert.equal(last?.eventId, 11);
  assert.deepEqual(last?.workflowExecutionTerminatedEventAttributes, {
    reason: 'operator says stop',
    details: 'ticket 42',
    childPolicy: 'TERMINATE',
    cause: 'OPERATOR_INITIATED',
  });

  const described = await describeRun(swf, f, run);
  assert.equal(described.executionInfo?.executionStatus, 'CLOSED');
  assert.equal(described.executionInfo?.closeStatus, 'TERMINATED');
  assert.ok(described.executionInfo?.closeTimestamp instanceof Date);
  assert.deepEqual(described.openCounts, NOTHING_OPEN);

  // Every later call with the run's task tokens is unknown.
  await expectFault(swf.send(new RespondDecisionTaskCompletedCommand({ taskToken: decision.taskToken, decisions: [complete()] })), 'UnknownResourceFault');
  await expectFault(swf.send(new RecordActivityTaskHeartbeatCommand({ taskToken: activity.taskToken })), 'UnknownResourceFault');
  await expectFault(swf.send(new RespondActivityTaskCompletedCommand({ taskToken: activity.taskToken, result: 'r' })), 'UnknownResourceFault');
  await expectFault(swf.send(new RespondActivityTaskFailedCommand({ taskToken: activity.taskToken, reason: 'r' })), 'UnknownResourceFault');
  await expectFault(swf.send(new RespondActivityTaskCanceledCommand({ taskToken: activity.taskToken })), 'UnknownResourceFault');

  // Its timer and its run timeout never fire.
  await server.advance(3700);
  assert.equal((await history(swf, f.domain, run)).length, 11);

  // Nothing else reaches the closed run.
  await expectFault(terminate(run), 'UnknownResourceFault');
  await expectFault(terminate({ workflowId: run.workflowId }), 'UnknownResourceFault');
  await expectFault(swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, ...run, signalName: 'late' })), 'UnknownResourceFault');
  await expectFault(swf.send(new RequestCancelWorkflowExecutionCommand({ domain: f.domain, ...run })), 'UnknownResourceFault');
});

test('a poll never returns a task of a terminated run', async () => {
  const run = await startRun(swf, f, 'term-pending');
  await decide(swf, f, run, [scheduleActivity(f, 'queued')]);
  await swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, ...run, signalName: 'wake' }));
  // A scheduled decision task and a scheduled activity task wait on their lists.
  const open = await describeRun(swf, f, run);
  assert.equal(open.openCounts?.openDecisionTasks, 1);
  assert.equal(open.openCounts?.openActivityTasks, 1);

  await terminate({ workflowId: run.workflowId }, { childPolicy: 'ABANDON' });
  const events = await history(swf, f.domain, run);
  assert.deepEqual(eventTypes(events).slice(-3), ['WorkflowExecutionSignaled', 'DecisionTaskScheduled', 'WorkflowExecutionTerminated']);
  assert.deepEqual(events.at(-1)?.workflowExecutionTerminatedEventAttributes, { childPolicy: 'ABANDON', cause: 'OPERATOR_INITIATED' });

  await Promise.all([expectNoDecisionTask(swf, f), expectNoActivityTask(swf, f)]);
  assert.equal((await describeRun(swf, f, run)).executionInfo?.closeStatus, 'TERMINATED');
});

test('terminating an unknown run, or with invalid input, fails', async () => {
  await expectFault(terminate({ workflowId: 'never-started' }), 'UnknownResourceFault');
  await expectFault(swf.send(new TerminateWorkflowExecutionCommand({ domain: 'no-such-domain', workflowId: 'x' })), 'UnknownResourceFault');
  const run = await startRun(swf, f, 'term-invalid');
  await expectFault(terminate(run, { reason: 'r'.repeat(257) }), 'ValidationException');
  await expectFault(terminate(run, { childPolicy: 'SOMETIMES' as ChildPolicy }), 'ValidationException');
  await expectFault(terminate({ workflowId: run.workflowId, runId: 'not-its-run' }), 'UnknownResourceFault');
  assert.equal((await describeRun(swf, f, run)).executionInfo?.executionStatus, 'OPEN');
  await terminate(run);
  assert.deepEqual((await history(swf, f.domain, run)).at(-1)?.workflowExecutionTerminatedEventAttributes, { childPolicy: 'TERMINATE', cause: 'OPERATOR_INITIATED' });
});

test('close statuses, open counts and the open/closed lists reflect cancel, terminate and complete', async () => {
  const g = await registerFixture(swf);
  const begin = async (workflowId: string) => startRun(swf, g, workflowId);
  const stillOpen = await begin('vis-open');
  const canceled = await begin('vis-canceled');
  const terminated = await begin('vis-terminated');
  const completed = await begin('vis-completed');
  await swf.send(new TerminateWorkflowExecutionCommand({ domain: g.domain, ...terminated, reason: 'r' }));
  // Answer the three remaining decision tasks, whichever run each belongs to.
  for (let i = 0; i < 3; i++) {
    const task = await takeDecisionTask(swf, g);
    const id = task.workflowExecution?.workflowId;
    if (id === canceled.workflowId) await respond(swf, task.taskToken, [cancel()]);
    else if (id === completed.workflowId) await respond(swf, task.taskToken, [complete()]);
    else await respond(swf, task.taskToken, []);
  }
  const filter = startTimeFilter();
  const count = async (status: 'CANCELED' | 'TERMINATED' | 'COMPLETED') =>
    (await swf.send(new CountClosedWorkflowExecutionsCommand({ domain: g.domain, startTimeFilter: filter, closeStatusFilter: { status } }))).count;
  assert.equal((await swf.send(new CountOpenWorkflowExecutionsCommand({ domain: g.domain, startTimeFilter: filter }))).count, 1);
  assert.equal(await count('CANCELED'), 1);
  assert.equal(await count('TERMINATED'), 1);
  assert.equal(await count('COMPLETED'), 1);
  const openList = await swf.send(new ListOpenWorkflowExecutionsCommand({ domain: g.domain, startTimeFilter: filter }));
  assert.deepEqual(openList.executionInfos?.map((i) => i.execution), [stillOpen]);
  const closedList = await swf.send(new ListClosedWorkflowExecutionsCommand({ domain: g.domain, startTimeFilter: filter, closeStatusFilter: { status: 'TERMINATED' } }));
  assert.deepEqual(closedList.executionInfos?.map((i) => [i.execution, i.executionStatus, i.closeStatus]), [[terminated, 'CLOSED', 'TERMINATED']]);
  const all = await swf.send(new ListClosedWorkflowExecutionsCommand({ domain: g.domain, startTimeFilter: filter }));
  assert.deepEqual(
    new Map(all.executionInfos?.map((i) => [i.execution?.workflowId, i.closeStatus])),
    new Map([['vis-canceled', 'CANCELED'], ['vis-terminated', 'TERMINATED'], ['vis-completed', 'COMPLETED']]),
  );
  await swf.send(new TerminateWorkflowExecutionCommand({ domain: g.domain, ...stillOpen }));
});

/** A parent (with `policy`) that started one child on its own task list; returns both runs. */
async function parentWithChild(name: string, policy: ChildPolicy): Promise<{ parent: Run; child: Run; childTaskList: string }> {
  const parent = await startRun(swf, f, `${name}-parent`, { childPolicy: policy });
  const childTaskList = `${name}-child-tasks`;
  await decide(swf, f, parent, [startChild(`${name}-child`, f.workflowType, { taskList: { name: childTaskList }, childPolicy: 'ABANDON' })]);
  const events = await history(swf, f.domain, parent);
  const started = events.find((e) => e.eventType === 'ChildWorkflowExecutionStarted')?.childWorkflowExecutionStartedEventAttributes;
  assert.ok(started?.workflowExecution?.runId, `child started: ${eventTypes(events).join(', ')}`);
  const child = { workflowId: `${name}-child`, runId: started.workflowExecution.runId };
  // The parent's decider takes the ChildWorkflowExecutionStarted task, so the parent is quiet.
  await decide(swf, f, parent, []);
  return { parent, child, childTaskList };
}

test('child policy TERMINATE: terminating the parent terminates its open child, cause CHILD_POLICY_APPLIED', async () => {
  const { parent, child } = await parentWithChild('cp-terminate', 'TERMINATE');
  await terminate(parent, { reason: 'stop all' });
  const parentEvents = await history(swf, f.domain, parent);
  assert.deepEqual(parentEvents.at(-1)?.workflowExecutionTerminatedEventAttributes, { reason: 'stop all', childPolicy: 'TERMINATE', cause: 'OPERATOR_INITIATED' });
  const childEvents = await history(swf, f.domain, child);
  assert.deepEqual(eventTypes(childEvents), ['WorkflowExecutionStarted', 'DecisionTaskScheduled', 'WorkflowExecutionTerminated']);
  // The child's event names its own child policy.
  assert.deepEqual(attributesAt(childEvents, 3, 'WorkflowExecutionTerminated'), { childPolicy: 'ABANDON', cause: 'CHILD_POLICY_APPLIED' });
  assert.equal((await describeRun(swf, f, child)).executionInfo?.closeStatus, 'TERMINATED');
  // The parent is closed: it records nothing about its child's end.
  assert.equal((await history(swf, f.domain, parent)).length, parentEvents.length);
});

test('child policy REQUEST_CANCEL: the open child gets a cancel request naming the parent, cause CHILD_POLICY_APPLIED', async () => {
  const { parent, child, childTaskList } = await parentWithChild('cp-cancel', 'REQUEST_CANCEL');
  await terminate(parent);
  const childEvents = await history(swf, f.domain, child);
  assert.deepEqual(eventTypes(childEvents), ['WorkflowExecutionStarted', 'DecisionTaskScheduled', 'WorkflowExecutionCancelRequested']);
  assert.deepEqual(attributesAt(childEvents, 3, 'WorkflowExecutionCancelRequested'), {
    externalWorkflowExecution: parent,
    cause: 'CHILD_POLICY_APPLIED',
  });
  const described = await describeRun(swf, f, child);
  assert.equal(described.executionInfo?.executionStatus, 'OPEN');
  assert.equal(described.executionInfo?.cancelRequested, true);
  const task = await takeDecisionTask(swf, f, { ...child, taskList: childTaskList });
  await respond(swf, task.taskToken, [cancel()]);
  assert.equal((await describeRun(swf, f, child)).executionInfo?.closeStatus, 'CANCELED');
});

test('child policy ABANDON, and the call overriding the execution policy, leave the child alone', async () => {
  const { parent, child, childTaskList } = await parentWithChild('cp-abandon', 'TERMINATE');
  await terminate(parent, { childPolicy: 'ABANDON' });
  assert.deepEqual((await history(swf, f.domain, parent)).at(-1)?.workflowExecutionTerminatedEventAttributes, { childPolicy: 'ABANDON', cause: 'OPERATOR_INITIATED' });
  // The closed parent no longer counts the abandoned child as its open child.
  assert.equal((await describeRun(swf, f, parent)).openCounts?.openChildWorkflowExecutions, 0);
  assert.deepEqual(eventTypes(await history(swf, f.domain, child)), ['WorkflowExecutionStarted', 'DecisionTaskScheduled']);
  const described = await describeRun(swf, f, child);
  assert.equal(described.executionInfo?.executionStatus, 'OPEN');
  assert.equal(described.executionInfo?.cancelRequested, false);
  assert.deepEqual(described.executionInfo?.parent, parent);
  const task = await takeDecisionTask(swf, f, { ...child, taskList: childTaskList });
  await respond(swf, task.taskToken, [complete()]);
  assert.equal((await describeRun(swf, f, child)).executionInfo?.closeStatus, 'COMPLETED');
});
