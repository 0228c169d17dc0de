import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CountOpenWorkflowExecutionsCommand,
  DeprecateWorkflowTypeCommand,
  SignalWorkflowExecutionCommand,
  type Decision,
} from '@aws-sdk/client-swf';
import { serverForFile } from '../helpers/setup.js';
import { describeEvents, expectFault, history, registerFixture, uniqueName } from '../helpers/swf.js';
import {
  complete,
  decide,
  describeRun,
  ever,
  eventsFrom,
  registerWorkflowType,
  respond,
  startChild,
  startOn,
  startTimer,
  takeDecisionTask,
} from '../helpers/workflow.js';

const { swf } = await serverForFile();
const f = await registerFixture(swf);

type ContinueAttributes = NonNullable<Decision['continueAsNewWorkflowExecutionDecisionAttributes']>;
const continueAsNew = (attributes?: ContinueAttributes): Decision => ({
  decisionType: 'ContinueAsNewWorkflowExecution',
  ...(attributes ? { continueAsNewWorkflowExecutionDecisionAttributes: attributes } : {}),
});

test('a chain of three runs: each closes CONTINUED_AS_NEW and the next keeps the workflowId', async () => {
  const workflowId = uniqueName('chain');
  const first = await startOn(swf, f, workflowId, { input: 'gen-1' });
  const tl = first.taskList;
  await decide(swf, f, tl, [
    continueAsNew({
      input: 'gen-2',
      taskList: { name: tl },
      executionStartToCloseTimeout: '1800',
      taskStartToCloseTimeout: '30',
      childPolicy: 'ABANDON',
      tagList: ['gen'],
      taskPriority: '5',
    }),
  ]);
  const second = await takeDecisionTask(swf, f, tl);
  const secondRunId = second.workflowExecution.runId;
  assert.equal(second.workflowExecution.workflowId, workflowId);
  assert.notEqual(secondRunId, first.runId);
  assert.deepEqual(await eventsFrom(swf, f, first, 4), [
    ['DecisionTaskCompleted', { scheduledEventId: 2, startedEventId: 3 }],
    [
      'WorkflowExecutionContinuedAsNew',
      {
        input: 'gen-2',
        decisionTaskCompletedEventId: 4,
        newExecutionRunId: secondRunId,
        executionStartToCloseTimeout: '1800',
        taskList: { name: tl },
        taskPriority: '5',
        taskStartToCloseTimeout: '30',
        childPolicy: 'ABANDON',
        tagList: ['gen'],
        workflowType: f.workflowType,
      },
    ],
  ]);
  const firstInfo = (await describeRun(swf, f, first)).executionInfo;
  assert.equal(firstInfo?.executionStatus, 'CLOSED');
  assert.equal(firstInfo?.closeStatus, 'CONTINUED_AS_NEW');
  assert.deepEqual(describeEvents(second.events ?? []).slice(0, 2), [
    [
      'WorkflowExecutionStarted',
      {
        input: 'gen-2',
        executionStartToCloseTimeout: '1800',
        taskStartToCloseTimeout: '30',
        childPolicy: 'ABANDON',
        taskList: { name: tl },
        taskPriority: '5',
        workflowType: f.workflowType,
        tagList: ['gen'],
        continuedExecutionRunId: first.runId,
      },
    ],
    ['DecisionTaskScheduled', { taskList: { name: tl }, taskPriority: '5', startToCloseTimeout: '30' }],
  ]);
  assert.equal(second.previousStartedEventId, 0);

  // Nothing given: the new run takes its settings from the workflow type's defaults, as the
  // API reference says of each ContinueAsNew field (not from the run that continues).
  await respond(swf, second.taskToken, [continueAsNew()]);
  const third = await takeDecisionTask(swf, f, f.taskList);
  const thirdRun = third.workflowExecution;
  assert.equal(thirdRun.workflowId, workflowId);
  assert.deepEqual(describeEvents(third.events ?? []).slice(0, 1), [
    [
      'WorkflowExecutionStarted',
      {
        executionStartToCloseTimeout: '3600',
        taskStartToCloseTimeout: '60',
        childPolicy: 'TERMINATE',
        taskList: { name: f.taskList },
        workflowType: f.workflowType,
        continuedExecutionRunId: secondRunId,
      },
    ],
  ]);
  assert.equal((await describeRun(swf, f, second.workflowExecution)).executionInfo?.closeStatus, 'CONTINUED_AS_NEW');

  // A signal without runId reaches the open run of the chain.
  await swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, workflowId, signalName: 'hello' }));
  await respond(swf, third.taskToken, [complete('end of chain')]);
  // The signal arrived while the decision task was started: the close waits for one more round.
  const closing = await takeDecisionTask(swf, f, f.taskList);
  assert.ok(closing.events?.some((e) => e.eventType === 'WorkflowExecutionSignaled'));
  assert.ok(closing.events?.some((e) => e.completeWorkflowExecutionFailedEventAttributes?.cause === 'UNHANDLED_DECISION'));
  await respond(swf, closing.taskToken, [complete('end of chain')]);
  assert.equal((await describeRun(swf, f, thirdRun)).executionInfo?.closeStatus, 'COMPLETED');
});

test('ContinueAsNewWorkflowExecution fails with each cause the model names, and a new decision task follows', async () => {
  await registerWorkflowType(swf, f, f.workflowType.name, '2');
  await swf.send(new DeprecateWorkflowTypeCommand({ domain: f.domain, workflowType: { name: f.workflowType.name, version: '2' } }));
  await registerWorkflowType(swf, f, f.workflowType.name, '3', false);
  const run = await startOn(swf, f, uniqueName('cont'));

  // Round 1: a signal arrives while the decider works.
  const busy = await takeDecisionTask(swf, f, run.taskList);
  await swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, ...run, signalName: 'meanwhile' }));
  await respond(swf, busy.taskToken, [continueAsNew()]);
  let length = (await history(swf, f.domain, run)).length;
  assert.deepEqual((await eventsFrom(swf, f, run, length - 2)), [
    ['DecisionTaskCompleted', { scheduledEventId: 2, startedEventId: 3 }],
    ['ContinueAsNewWorkflowExecutionFailed', { cause: 'UNHANDLED_DECISION', decisionTaskCompletedEventId: 5 }],
    ['DecisionTaskScheduled', { taskList: { name: run.taskList }, startToCloseTimeout: '60' }],
  ]);

  const v3 = { workflowTypeVersion: '3' };
  const rounds: [ContinueAttributes, string][] = [
    [{ workflowTypeVersion: '9' }, 'WORKFLOW_TYPE_DOES_NOT_EXIST'],
    [{ workflowTypeVersion: '2' }, 'WORKFLOW_TYPE_DEPRECATED'],
    [v3, 'DEFAULT_EXECUTION_START_TO_CLOSE_TIMEOUT_UNDEFINED'],
    [{ ...v3, executionStartToCloseTimeout: '60' }, 'DEFAULT_TASK_LIST_UNDEFINED'],
    [{ ...v3, executionStartToCloseTimeout: '60', taskList: { name: run.taskList } }, 'DEFAULT_TASK_START_TO_CLOSE_TIMEOUT_UNDEFINED'],
    [{ ...v3, executionStartToCloseTimeout: '60', taskList: { name: run.taskList }, taskStartToCloseTimeout: '10' }, 'DEFAULT_CHILD_POLICY_UNDEFINED'],
  ];
  for (const [attributes, cause] of rounds) {
    await decide(swf, f, run.taskList, [continueAsNew(attributes)]);
    const completedId = length + 2; // DecisionTaskStarted, then DecisionTaskCompleted
    assert.deepEqual(await eventsFrom(swf, f, run, length + 2), [
      ['DecisionTaskCompleted', { scheduledEventId: length, startedEventId: length + 1 }],
      ['ContinueAsNewWorkflowExecutionFailed', { cause, decisionTaskCompletedEventId: completedId }],
      ['DecisionTaskScheduled', { taskList: { name: run.taskList }, startToCloseTimeout: '60' }],
    ], cause);
    length += 4;
  }
  // With every setting given, version 3 (which has no defaults) runs.
  await decide(swf, f, run.taskList, [
    continueAsNew({ ...v3, executionStartToCloseTimeout: '60', taskList: { name: run.taskList }, taskStartToCloseTimeout: '10', childPolicy: 'ABANDON' }),
  ]);
  const next = await takeDecisionTask(swf, f, run.taskList);
  assert.deepEqual(next.workflowType, { name: f.workflowType.name, version: '3' });
  assert.equal(next.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId, run.runId);
});

test('a batch is applied in order in one transaction; a close decision must be the last one', async () => {
  const run = await startOn(swf, f, uniqueName('batch'));
  const task = await takeDecisionTask(swf, f, run.taskList);
  const before = (await history(swf, f.domain, run)).length;
  const childId = uniqueName('never-started');
  // Real SWF rejects the whole answer (ValidationException "Close must be last decision in
  // list") when anything follows a close decision; nothing of it is applied.
  const rejected: Decision[][] = [
    [startChild(childId, f.workflowType), complete(), startTimer('t', '10')],
    [complete(), { decisionType: 'FailWorkflowExecution' }],
    [continueAsNew(), { decisionType: 'RecordMarker', recordMarkerDecisionAttributes: { markerName: 'm' } }],
  ];
  for (const decisions of rejected) {
    await expectFault(respond(swf, task.taskToken, decisions), 'ValidationException', /Close must be last decision in list/);
  }
  assert.equal((await history(swf, f.domain, run)).length, before);
  const open = await swf.send(new CountOpenWorkflowExecutionsCommand({ domain: f.domain, startTimeFilter: ever, executionFilter: { workflowId: childId } }));
  assert.equal(open.count, 0);

  // The same task is still the decider's to answer; decisions before the close all apply, in order.
  await respond(swf, task.taskToken, [{ decisionType: 'RecordMarker', recordMarkerDecisionAttributes: { markerName: 'm', details: 'd' } }, startTimer('t', '10'), complete('r')]);
  assert.deepEqual(await eventsFrom(swf, f, run, before + 1), [
    ['DecisionTaskCompleted', { scheduledEventId: 2, startedEventId: 3 }],
    ['MarkerRecorded', { markerName: 'm', details: 'd', decisionTaskCompletedEventId: 4 }],
    ['TimerStarted', { timerId: 't', startToFireTimeout: '10', decisionTaskCompletedEventId: 4 }],
    ['WorkflowExecutionCompleted', { result: 'r', decisionTaskCompletedEventId: 4 }],
  ]);
  // And a closed run's token is gone.
  await expectFault(respond(swf, task.taskToken, []), 'UnknownResourceFault');
});
