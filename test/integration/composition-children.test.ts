import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeprecateWorkflowTypeCommand, RequestCancelWorkflowExecutionCommand, TerminateWorkflowExecutionCommand, type SWFClient } from '@aws-sdk/client-swf';
import { serverForTest } from '../helpers/setup.js';
import { describeEvents, history, registerFixture, uniqueName, type Fixture } from '../helpers/swf.js';
import {
  cancel,
  complete,
  decide,
  describeRun,
  eventsFrom,
  fail,
  registerWorkflowType,
  respond,
  startChild,
  startOn,
  takeDecisionTask,
  type Run,
} from '../helpers/workflow.js';
import { idOf } from './composition-support.js';

test('a parent hears how each of its children closed: completed, failed, terminated, canceled, timed out', async (t) => {
  const { server, swf } = await serverForTest(t, { clock: 'virtual' });
  const f = await registerFixture(swf);
  const parent = await startOn(swf, f, 'parent');
  const names = ['completes', 'fails', 'terminated', 'canceled', 'times-out'] as const;
  const lists = Object.fromEntries(names.map((n) => [n, uniqueName(n)])) as Record<(typeof names)[number], string>;
  const first = await decide(swf, f, parent.taskList, [
    startChild('completes', f.workflowType, { taskList: { name: lists.completes }, input: 'child-in', control: 'ctl', tagList: ['t1'] }),
    startChild('fails', f.workflowType, { taskList: { name: lists.fails } }),
    startChild('terminated', f.workflowType, { taskList: { name: lists.terminated } }),
    startChild('canceled', f.workflowType, { taskList: { name: lists.canceled } }),
    startChild('times-out', f.workflowType, { taskList: { name: lists['times-out'] }, executionStartToCloseTimeout: '30' }),
  ]);
  assert.equal(first.startedEventId, 3);

  const parentEvents = await history(swf, f.domain, parent);
  const children = new Map<string, Run>();
  for (const e of parentEvents) {
    const started = e.childWorkflowExecutionStartedEventAttributes;
    if (started?.workflowExecution?.workflowId && started.workflowExecution.runId) {
      children.set(started.workflowExecution.workflowId, { workflowId: started.workflowExecution.workflowId, runId: started.workflowExecution.runId });
    }
  }
  const child = (name: string): Run => {
    const run = children.get(name);
    assert.ok(run, `child ${name} started`);
    return run;
  };
  const parentExecution = { workflowId: parent.workflowId, runId: parent.runId };
  const started = (name: string, initiatedEventId: number): [string, unknown] => [
    'ChildWorkflowExecutionStarted',
    { workflowExecution: child(name), workflowType: f.workflowType, initiatedEventId },
  ];
  const initiated = (name: string, extra: Record<string, unknown> = {}): [string, unknown] => [
    'StartChildWorkflowExecutionInitiated',
    {
      workflowId: name,
      workflowType: f.workflowType,
      executionStartToCloseTimeout: '3600',
      taskList: { name: lists[name as (typeof names)[number]] },
      decisionTaskCompletedEventId: 4,
      childPolicy: 'TERMINATE',
      taskStartToCloseTimeout: '60',
      ...extra,
    },
  ];
  assert.deepEqual(describeEvents(parentEvents.slice(4)), [
    initiated('completes', { control: 'ctl', input: 'child-in', tagList: ['t1'] }),
    initiated('fails'),
    initiated('terminated'),
    initiated('canceled'),
    initiated('times-out', { executionStartToCloseTimeout: '30' }),
    started('completes', 5),
    ['DecisionTaskScheduled', { taskList: { name: parent.taskList }, startToCloseTimeout: '60' }],
    started('fails', 6),
    started('terminated', 7),
    started('canceled', 8),
    started('times-out', 9),
  ]);

  // The child knows its parent, in its first event and in Describe.
  const childEvents = await history(swf, f.domain, child('completes'));
  assert.deepEqual(describeEvents(childEvents.slice(0, 1)), [
    [
      'WorkflowExecutionStarted',
      {
        input: 'child-in',
        executionStartToCloseTimeout: '3600',
        taskStartToCloseTimeout: '60',
        childPolicy: 'TERMINATE',
        taskList: { name: lists.completes },
        workflowType: f.workflowType,
        tagList: ['t1'],
        parentWorkflowExecution: parentExecution,
        parentInitiatedEventId: 5,
      },
    ],
  ]);
  assert.deepEqual((await describeRun(swf, f, child('completes'))).executionInfo?.parent, parentExecution);
  assert.equal((await describeRun(swf, f, parent)).openCounts?.openChildWorkflowExecutions, 5);

  // Each child ends its own way.
  await decide(swf, f, lists.completes, [complete('child-result')]);
  await decide(swf, f, lists.fails, [fail('broken', 'stack')]);
  await swf.send(new TerminateWorkflowExecutionCommand({ domain: f.domain, ...child('terminated'), reason: 'operator' }));
  await decide(swf, f, lists.canceled, []);
  await swf.send(new RequestCancelWorkflowExecutionCommand({ domain: f.domain, ...child('canceled') }));
  await decide(swf, f, lists.canceled, [cancel('bye')]);
  assert.equal((await describeRun(swf, f, parent)).openCounts?.openChildWorkflowExecutions, 1);
  await server.advance(31);

  const common = (name: string, initiatedEventId: number, startedEventId: number) => ({
    workflowExecution: child(name),
    workflowType: f.workflowType,
    initiatedEventId,
    startedEventId,
  });
  assert.deepEqual(await eventsFrom(swf, f, parent, parentEvents.length + 1), [
    ['ChildWorkflowExecutionCompleted', { ...common('completes', 5, 10), result: 'child-result' }],
    ['ChildWorkflowExecutionFailed', { ...common('fails', 6, 12), reason: 'broken', details: 'stack' }],
    ['ChildWorkflowExecutionTerminated', common('terminated', 7, 13)],
    ['ChildWorkflowExecutionCanceled', { ...common('canceled', 8, 14), details: 'bye' }],
    ['ChildWorkflowExecutionTimedOut', { ...common('times-out', 9, 15), timeoutType: 'START_TO_CLOSE' }],
  ]);
  const described = await describeRun(swf, f, parent);
  assert.equal(described.openCounts?.openChildWorkflowExecutions, 0);
  assert.equal(described.openCounts?.openDecisionTasks, 1);
  // The decider sees all of it in its next decision task.
  const next = await takeDecisionTask(swf, f, parent.taskList);
  assert.equal(next.previousStartedEventId, 3);
  assert.ok(next.events?.some((e) => e.eventType === 'ChildWorkflowExecutionTimedOut'));
});

test('StartChildWorkflowExecution fails with each cause the model names', async (t) => {
  const { swf } = await serverForTest(t, { clock: 'virtual' });
  const f = await registerFixture(swf);
  const bare = await registerWorkflowType(swf, f, 'bare', '1', false);
  const old = await registerWorkflowType(swf, f, 'old', '1');
  await swf.send(new DeprecateWorkflowTypeCommand({ domain: f.domain, workflowType: old }));
  const parent = await startOn(swf, f, 'parent');
  const childList = { name: uniqueName('child') };
  await decide(swf, f, parent.taskList, [
    startChild('c1', { name: 'missing', version: '1' }, { control: 'k1' }),
    startChild('c2', old),
    startChild('c3', bare),
    startChild('c4', bare, { executionStartToCloseTimeout: '60' }),
    startChild('c5', bare, { executionStartToCloseTimeout: '60', taskList: childList }),
    startChild('c6', bare, { executionStartToCloseTimeout: '60', taskList: childList, taskStartToCloseTimeout: '10' }),
    // Its own workflowId is taken by the parent itself.
    startChild('parent', f.workflowType, { control: 'k7' }),
    startChild('c8', bare, { executionStartToCloseTimeout: '60', taskList: childList, taskStartToCloseTimeout: '10', childPolicy: 'ABANDON' }),
  ]);
  const failed = (workflowId: string, workflowType: { name: string; version: string }, cause: string, extra: Record<string, unknown> = {}): [string, unknown] => [
    'StartChildWorkflowExecutionFailed',
    { workflowType, cause, workflowId, initiatedEventId: 0, decisionTaskCompletedEventId: 4, ...extra },
  ];
  const events = await history(swf, f.domain, parent);
  const c8 = events.find((e) => e.childWorkflowExecutionStartedEventAttributes)?.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
  assert.ok(c8?.runId);
  assert.deepEqual(describeEvents(events.slice(3)), [
    ['DecisionTaskCompleted', { scheduledEventId: 2, startedEventId: 3 }],
    failed('c1', { name: 'missing', version: '1' }, 'WORKFLOW_TYPE_DOES_NOT_EXIST', { control: 'k1' }),
    failed('c2', old, 'WORKFLOW_TYPE_DEPRECATED'),
    failed('c3', bare, 'DEFAULT_EXECUTION_START_TO_CLOSE_TIMEOUT_UNDEFINED'),
    failed('c4', bare, 'DEFAULT_TASK_LIST_UNDEFINED'),
    failed('c5', bare, 'DEFAULT_TASK_START_TO_CLOSE_TIMEOUT_UNDEFINED'),
    failed('c6', bare, 'DEFAULT_CHILD_POLICY_UNDEFINED'),
    [
      'StartChildWorkflowExecutionInitiated',
      {
        workflowId: 'parent',
        workflowType: f.workflowType,
        control: 'k7',
        executionStartToCloseTimeout: '3600',
        taskList: { name: f.taskList },
        decisionTaskCompletedEventId: 4,
        childPolicy: 'TERMINATE',
        taskStartToCloseTimeout: '60',
      },
    ],
    [
      'StartChildWorkflowExecutionInitiated',
      {
        workflowId: 'c8',
        workflowType: bare,
        executionStartToCloseTimeout: '60',
        taskList: childList,
        decisionTaskCompletedEventId: 4,
        childPolicy: 'ABANDON',
        taskStartToCloseTimeout: '10',
      },
    ],
    ['DecisionTaskScheduled', { taskList: { name: parent.taskList }, startToCloseTimeout: '60' }],
    // WORKFLOW_ALREADY_RUNNING is found when the start is tried, so it names its Initiated event.
    failed('parent', f.workflowType, 'WORKFLOW_ALREADY_RUNNING', { initiatedEventId: 11, control: 'k7' }),
    ['ChildWorkflowExecutionStarted', { workflowExecution: { workflowId: 'c8', runId: c8.runId }, workflowType: bare, initiatedEventId: 12 }],
  ]);
  assert.equal((await describeRun(swf, f, parent)).openCounts?.openChildWorkflowExecutions, 1);
});

/** A parent on a task list of its own whose first decision started the child 'kid', on another. */
async function parentOfKid(swf: SWFClient, f: Fixture): Promise<{ parent: Run & { taskList: string }; childList: string }> {
  const parent = await startOn(swf, f, 'parent');
  const childList = uniqueName('child');
  await decide(swf, f, parent.taskList, [startChild('kid', f.workflowType, { taskList: { name: childList } })]);
  return { parent, childList };
}

test('a child that continues as new stays the child: the parent follows it to its new run', async (t) => {
  const { swf } = await serverForTest(t, { clock: 'virtual' });
  const f = await registerFixture(swf);
  const { parent, childList } = await parentOfKid(swf, f);
  const parentEvents = await history(swf, f.domain, parent);
  const firstRun = await takeDecisionTask(swf, f, childList);
  await respond(swf, firstRun.taskToken, [
    { decisionType: 'ContinueAsNewWorkflowExecution', continueAsNewWorkflowExecutionDecisionAttributes: { taskList: { name: childList }, input: 'again' } },
  ]);
  const secondRun = await takeDecisionTask(swf, f, childList);
  assert.notEqual(secondRun.workflowExecution.runId, firstRun.workflowExecution.runId);
  const started = secondRun.events?.[0]?.workflowExecutionStartedEventAttributes;
  assert.deepEqual(started?.parentWorkflowExecution, { workflowId: parent.workflowId, runId: parent.runId });
  assert.equal(started?.parentInitiatedEventId, 5);
  assert.equal(started?.continuedExecutionRunId, firstRun.workflowExecution.runId);
  // The parent records nothing for the hand-over and still counts one open child.
  assert.deepEqual(await eventsFrom(swf, f, parent, parentEvents.length + 1), []);
  assert.equal((await describeRun(swf, f, parent)).openCounts?.openChildWorkflowExecutions, 1);

  // The child policy reaches the run that is open now.
  await swf.send(new TerminateWorkflowExecutionCommand({ domain: f.domain, workflowId: parent.workflowId, runId: parent.runId }));
  const newRun = secondRun.workflowExecution;
  const info = (await describeRun(swf, f, newRun)).executionInfo;
  assert.equal(info?.closeStatus, 'TERMINATED');
  const last = (await history(swf, f.domain, newRun)).at(-1);
  assert.deepEqual(describeEvents(last ? [last] : []), [['WorkflowExecutionTerminated', { childPolicy: 'TERMINATE', cause: 'CHILD_POLICY_APPLIED' }]]);
  // The parent is closed: its child's end is not written into it.
  const closedParent = await history(swf, f.domain, parent);
  assert.equal(closedParent.at(-1)?.eventType, 'WorkflowExecutionTerminated');
  assert.equal(idOf(closedParent, 'WorkflowExecutionTerminated'), closedParent.length);
});

test('a child that closes after its parent closed writes nothing into the parent', async (t) => {
  const { swf } = await serverForTest(t, { clock: 'virtual' });
  const f = await registerFixture(swf);
  const { parent, childList } = await parentOfKid(swf, f);
  await decide(swf, f, parent.taskList, [complete('parent-done')]);
  const before = await history(swf, f.domain, parent);
  assert.equal(before.at(-1)?.eventType, 'WorkflowExecutionCompleted');
  // Completing a parent applies no child policy: the child runs on.
  const task = await takeDecisionTask(swf, f, childList);
  await respond(swf, task.taskToken, [complete('late')]);
  assert.equal((await describeRun(swf, f, task.workflowExecution)).executionInfo?.closeStatus, 'COMPLETED');
  assert.equal((await history(swf, f.domain, parent)).length, before.length);
});

test('the open-workflows limit fails a child start before it is initiated (--limit)', async (t) => {
  // OPEN_CHILDREN_LIMIT_EXCEEDED is reached in limits-decisions.test.ts.
  const { swf } = await serverForTest(t, { args: ['--limit', 'maxOpenExecutionsPerDomain=2', '--limit', 'maxOpenChildren=2'] });
  const f = await registerFixture(swf);
  const parent = await startOn(swf, f, 'parent');
  await decide(swf, f, parent.taskList, [startChild('a', f.workflowType), startChild('b', f.workflowType)]);
  const events = await history(swf, f.domain, parent);
  const a = events.find((e) => e.childWorkflowExecutionStartedEventAttributes)?.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
  assert.ok(a?.runId);
  assert.deepEqual(describeEvents(events.slice(4)), [
    [
      'StartChildWorkflowExecutionInitiated',
      {
        workflowId: 'a',
        workflowType: f.workflowType,
        executionStartToCloseTimeout: '3600',
        taskList: { name: f.taskList },
        decisionTaskCompletedEventId: 4,
        childPolicy: 'TERMINATE',
        taskStartToCloseTimeout: '60',
      },
    ],
    // The parent and 'a' make 2 open runs: 'b' fails when the decision is applied, with no
    // Initiated event, so its initiatedEventId is 0 as the API reference says.
    ['StartChildWorkflowExecutionFailed', { workflowType: f.workflowType, cause: 'OPEN_WORKFLOWS_LIMIT_EXCEEDED', workflowId: 'b', initiatedEventId: 0, decisionTaskCompletedEventId: 4 }],
    ['DecisionTaskScheduled', { taskList: { name: parent.taskList }, startToCloseTimeout: '60' }],
    ['ChildWorkflowExecutionStarted', { workflowExecution: { workflowId: 'a', runId: a.runId }, workflowType: f.workflowType, initiatedEventId: 5 }],
  ]);
  assert.equal((await describeRun(swf, f, parent)).openCounts?.openChildWorkflowExecutions, 1);
});
