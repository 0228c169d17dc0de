/**
 * The server core end to end through the AWS SDK: activities, timers, failures, the decision
 * task rules, DescribeWorkflowExecution and the pending-task counts. Every event's attributes
 * are checked, with the ids that link them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CountPendingActivityTasksCommand,
  CountPendingDecisionTasksCommand,
  PollForDecisionTaskCommand,
  RespondActivityTaskCompletedCommand,
  RespondActivityTaskFailedCommand,
} from '@aws-sdk/client-swf';
import { serverForFile } from '../helpers/setup.js';
import { describeEvents, eventTypes, history, registerFixture, type Fixture } from '../helpers/swf.js';
import {
  cancelTimer,
  complete,
  describeRun,
  expectNoDecisionTask,
  fail,
  NOTHING_OPEN,
  respond,
  scheduleActivity,
  startRun,
  startTimer,
  takeActivityTask,
  takeDecisionTask,
  type TakenDecisionTask,
} from '../helpers/workflow.js';

const { swf } = await serverForFile();

const DECISION_SCHEDULED = (f: Fixture): [string, unknown] => ['DecisionTaskScheduled', { taskList: { name: f.taskList }, startToCloseTimeout: '60' }];

test('three sequential activities: every event, its attributes and the ids that link them', async () => {
  const f = await registerFixture(swf);
  const execution = await startRun(swf, f, 'three-steps', { input: 'order-1', tagList: ['vip'] });

  let decisionTask = await takeDecisionTask(swf, f);
  assert.equal(decisionTask.startedEventId, 3);
  assert.equal(decisionTask.previousStartedEventId, 0);
  assert.deepEqual(decisionTask.workflowExecution, execution);
  assert.deepEqual(decisionTask.workflowType, f.workflowType);
  assert.deepEqual(eventTypes(decisionTask.events ?? []), ['WorkflowExecutionStarted', 'DecisionTaskScheduled', 'DecisionTaskStarted']);

  let previousStarted = 0;
  for (const step of [1, 2, 3]) {
    assert.equal(decisionTask.previousStartedEventId, previousStarted);
    previousStarted = decisionTask.startedEventId ?? -1;
    await respond(swf, decisionTask.taskToken, [scheduleActivity(f, `step-${step}`, { input: `in-${step}` })], { executionContext: `ctx-${step}` });
    const activity = await takeActivityTask(swf, f, `step-${step}`, `worker-${step}`);
    assert.equal(activity.activityId, `step-${step}`);
    assert.equal(activity.input, `in-${step}`);
    assert.deepEqual(activity.activityType, f.activityType);
    assert.deepEqual(activity.workflowExecution, execution);
    assert.equal(activity.startedEventId, 6 * step);
    await swf.send(new RespondActivityTaskCompletedCommand({ taskToken: activity.taskToken, result: `out-${step}` }));
    decisionTask = await takeDecisionTask(swf, f, f.taskList, `decider-${step}`);
    assert.equal(decisionTask.startedEventId, 6 * step + 3);
    // The decider sees the whole history up to its task's start.
    assert.equal(decisionTask.events?.length, 6 * step + 3);
  }
  await respond(swf, decisionTask.taskToken, [complete('shipped')]);

  const events = await history(swf, f.domain, execution);
  assert.deepEqual(events.map((e) => e.eventId), events.map((_, i) => i + 1));
  const expected: [string, unknown][] = [
    [
      'WorkflowExecutionStarted',
      {
        input: 'order-1',
        executionStartToCloseTimeout: '3600',
        taskStartToCloseTimeout: '60',
        childPolicy: 'TERMINATE',
        taskList: { name: f.taskList },
        workflowType: f.workflowType,
        tagList: ['vip'],
      },
    ],
    DECISION_SCHEDULED(f),
    ['DecisionTaskStarted', { identity: 'decider', scheduledEventId: 2 }],
  ];
  for (const step of [1, 2, 3]) {
    const base = 6 * (step - 1); // DecisionTaskStarted of this step is base + 3
    expected.push(
      ['DecisionTaskCompleted', { executionContext: `ctx-${step}`, scheduledEventId: base + 2, startedEventId: base + 3 }],
      [
        'ActivityTaskScheduled',
        {
          activityType: f.activityType,
          activityId: `step-${step}`,
          input: `in-${step}`,
          scheduleToStartTimeout: 'NONE',
          scheduleToCloseTimeout: 'NONE',
          startToCloseTimeout: '300',
          taskList: { name: f.activityTaskList },
          decisionTaskCompletedEventId: base + 4,
          heartbeatTimeout: 'NONE',
        },
      ],
      ['ActivityTaskStarted', { identity: `worker-${step}`, scheduledEventId: base + 5 }],
      ['ActivityTaskCompleted', { result: `out-${step}`, scheduledEventId: base + 5, startedEventId: base + 6 }],
      DECISION_SCHEDULED(f),
      ['DecisionTaskStarted', { identity: `decider-${step}`, scheduledEventId: base + 8 }],
    );
  }
  expected.push(
    ['DecisionTaskCompleted', { scheduledEventId: 20, startedEventId: 21 }],
    ['WorkflowExecutionCompleted', { result: 'shipped', decisionTaskCompletedEventId: 22 }],
  );
  assert.deepEqual(describeEvents(events), expected);
  // Timestamps never go back.
  const times = events.map((e) => e.eventTimestamp?.getTime() ?? 0);
  assert.deepEqual(times, [...times].sort((a, b) => a - b));

  const described = await describeRun(swf, f, execution);
  assert.equal(described.executionInfo?.executionStatus, 'CLOSED');
  assert.equal(described.executionInfo?.closeStatus, 'COMPLETED');
  assert.ok((described.executionInfo?.closeTimestamp?.getTime() ?? 0) >= (described.executionInfo?.startTimestamp?.getTime() ?? Infinity));
  assert.equal(described.latestExecutionContext, 'ctx-3');
  assert.deepEqual(described.openCounts, NOTHING_OPEN);
});

test('a timer fires by itself on the real clock; CancelTimer cancels another', async () => {
  const f = await registerFixture(swf);
  const execution = await startRun(swf, f, 'timers');
  const first = await takeDecisionTask(swf, f);
  await respond(swf, first.taskToken, [
    { decisionType: 'StartTimer', startTimerDecisionAttributes: { timerId: 'short', startToFireTimeout: '1', control: 'c1' } },
    startTimer('long', '3600'),
  ]);
  const armedAt = Date.now();
  const during = await describeRun(swf, f, execution);
  assert.equal(during.openCounts?.openTimers, 2);
  assert.equal(during.openCounts?.openDecisionTasks, 0);

  // Nobody calls anything: the timer service alone must fire it. Polls are 500 ms here.
  let second: TakenDecisionTask | undefined;
  while (!second && Date.now() - armedAt < 5_000) {
    const task = await swf.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: f.taskList } }));
    if (task.taskToken) second = task as TakenDecisionTask;
  }
  assert.ok(second, 'the 1 s timer did not fire within 5 s');
  assert.ok(Date.now() - armedAt >= 900, 'the timer fired early');
  const fired = second.events?.find((e) => e.eventType === 'TimerFired');
  assert.deepEqual(fired?.timerFiredEventAttributes, { timerId: 'short', startedEventId: 5 });
  const started = second.events?.find((e) => e.eventType === 'TimerStarted');
  const waited = (fired?.eventTimestamp?.getTime() ?? 0) - (started?.eventTimestamp?.getTime() ?? 0);
  assert.ok(waited >= 1_000 && waited < 4_000, `TimerFired came ${waited} ms after TimerStarted`);

  await respond(swf, second.taskToken, [cancelTimer('long'), complete()]);
  assert.deepEqual(describeEvents(await history(swf, f.domain, execution)).slice(3), [
    ['DecisionTaskCompleted', { scheduledEventId: 2, startedEventId: 3 }],
    ['TimerStarted', { timerId: 'short', control: 'c1', startToFireTimeout: '1', decisionTaskCompletedEventId: 4 }],
    ['TimerStarted', { timerId: 'long', startToFireTimeout: '3600', decisionTaskCompletedEventId: 4 }],
    ['TimerFired', { timerId: 'short', startedEventId: 5 }],
    DECISION_SCHEDULED(f),
    ['DecisionTaskStarted', { scheduledEventId: 8 }],
    ['DecisionTaskCompleted', { scheduledEventId: 8, startedEventId: 9 }],
    ['TimerCanceled', { timerId: 'long', startedEventId: 6, decisionTaskCompletedEventId: 10 }],
    ['WorkflowExecutionCompleted', { decisionTaskCompletedEventId: 10 }],
  ]);
});

test('a failing activity: ActivityTaskFailed carries reason and details, and the run fails with them', async () => {
  const f = await registerFixture(swf);
  const execution = await startRun(swf, f, 'failing');
  await respond(swf, (await takeDecisionTask(swf, f)).taskToken, [scheduleActivity(f, 'charge', { input: 'card' })]);
  const activity = await takeActivityTask(swf, f);
  await swf.send(new RespondActivityTaskFailedCommand({ taskToken: activity.taskToken, reason: 'card declined', details: 'code 51' }));
  const next = await takeDecisionTask(swf, f);
  const failed = next.events?.find((e) => e.eventType === 'ActivityTaskFailed');
  assert.deepEqual(failed?.activityTaskFailedEventAttributes, { reason: 'card declined', details: 'code 51', scheduledEventId: 5, startedEventId: 6 });
  await respond(swf, next.taskToken, [fail('payment', 'card declined')]);
  const events = await history(swf, f.domain, execution);
  assert.deepEqual(describeEvents(events).at(-1), ['WorkflowExecutionFailed', { reason: 'payment', details: 'card declined', decisionTaskCompletedEventId: 10 }]);
  const described = await describeRun(swf, f, execution);
  assert.equal(described.executionInfo?.closeStatus, 'FAILED');
});

test('events during a started decision task: one new task after it closes; a close decision fails UNHANDLED_DECISION', async () => {
  const f = await registerFixture(swf);
  const execution = await startRun(swf, f, 'busy');
  const countDecisions = async () =>
    (await swf.send(new CountPendingDecisionTasksCommand({ domain: f.domain, taskList: { name: f.taskList } }))).count;
  const countActivities = async () =>
    (await swf.send(new CountPendingActivityTasksCommand({ domain: f.domain, taskList: { name: f.activityTaskList } }))).count;

  assert.equal(await countDecisions(), 1);
  await respond(swf, (await takeDecisionTask(swf, f)).taskToken, [
    scheduleActivity(f, 'a', { input: '1' }),
    scheduleActivity(f, 'b', { input: '2' }),
    scheduleActivity(f, 'c', { input: '3' }),
  ]);
  assert.equal(await countDecisions(), 0);
  assert.equal(await countActivities(), 3);
  const a = await takeActivityTask(swf, f);
  const b = await takeActivityTask(swf, f);
  const c = await takeActivityTask(swf, f);
  assert.deepEqual([a.activityId, b.activityId, c.activityId], ['a', 'b', 'c']);
  assert.equal(await countActivities(), 0);

  await swf.send(new RespondActivityTaskCompletedCommand({ taskToken: a.taskToken, result: 'A' }));
  assert.equal(await countDecisions(), 1);
  const busy = await takeDecisionTask(swf, f); // started; now b and c complete while it is out
  await swf.send(new RespondActivityTaskCompletedCommand({ taskToken: b.taskToken, result: 'B' }));
  await swf.send(new RespondActivityTaskCompletedCommand({ taskToken: c.taskToken, result: 'C' }));
  assert.equal(await countDecisions(), 0, 'no second task while one is started');
  const detail = await describeRun(swf, f, execution);
  assert.equal(detail.openCounts?.openDecisionTasks, 1);

  await respond(swf, busy.taskToken, [complete('too early')]);
  const events = await history(swf, f.domain, execution);
  assert.deepEqual(describeEvents(events).slice(-5), [
    ['ActivityTaskCompleted', { result: 'B', scheduledEventId: 6, startedEventId: 9 }],
    ['ActivityTaskCompleted', { result: 'C', scheduledEventId: 7, startedEventId: 10 }],
    ['DecisionTaskCompleted', { scheduledEventId: 12, startedEventId: 13 }],
    ['CompleteWorkflowExecutionFailed', { cause: 'UNHANDLED_DECISION', decisionTaskCompletedEventId: 16 }],
    DECISION_SCHEDULED(f),
  ]);
  assert.equal(events.filter((e) => e.eventType === 'DecisionTaskScheduled').length, 3);
  assert.equal(await countDecisions(), 1);

  const last = await takeDecisionTask(swf, f);
  assert.equal(last.previousStartedEventId, 13);
  await expectNoDecisionTask(swf, f); // exactly one new task
  await respond(swf, last.taskToken, [complete('done')]);
  const closed = await describeRun(swf, f, execution);
  assert.equal(closed.executionInfo?.closeStatus, 'COMPLETED');
});

test('DescribeWorkflowExecution: info, configuration, open counts, latest activity time and context', async () => {
  const f = await registerFixture(swf);
  const execution = await startRun(swf, f, 'described', {
    tagList: ['a', 'b'],
    taskPriority: '3',
    executionStartToCloseTimeout: '600',
    taskStartToCloseTimeout: 'NONE',
    childPolicy: 'ABANDON',
  });
  const fresh = await describeRun(swf, f, execution);
  assert.deepEqual(fresh.executionInfo && { ...fresh.executionInfo, startTimestamp: undefined }, {
    execution,
    workflowType: f.workflowType,
    startTimestamp: undefined,
    executionStatus: 'OPEN',
    tagList: ['a', 'b'],
    cancelRequested: false,
  });
  assert.ok(Math.abs((fresh.executionInfo?.startTimestamp?.getTime() ?? 0) - Date.now()) < 10_000);
  assert.deepEqual(fresh.executionConfiguration, {
    taskStartToCloseTimeout: 'NONE',
    executionStartToCloseTimeout: '600',
    taskList: { name: f.taskList },
    taskPriority: '3',
    childPolicy: 'ABANDON',
  });
  assert.deepEqual(fresh.openCounts, { openActivityTasks: 0, openDecisionTasks: 1, openTimers: 0, openChildWorkflowExecutions: 0, openLambdaFunctions: 0 });
  assert.equal(fresh.latestActivityTaskTimestamp, undefined);
  assert.equal(fresh.latestExecutionContext, undefined);

  const before = Date.now();
  await respond(
    swf,
    (await takeDecisionTask(swf, f)).taskToken,
    [scheduleActivity(f, 'x', { input: '' }), scheduleActivity(f, 'y', { input: '' }), startTimer('t', '3600')],
    { executionContext: 'state-42' },
  );
  const busy = await describeRun(swf, f, execution);
  assert.deepEqual(busy.openCounts, { openActivityTasks: 2, openDecisionTasks: 0, openTimers: 1, openChildWorkflowExecutions: 0, openLambdaFunctions: 0 });
  assert.equal(busy.latestExecutionContext, 'state-42');
  const latest = busy.latestActivityTaskTimestamp?.getTime() ?? 0;
  assert.ok(latest >= before - 1_000 && latest <= Date.now() + 1_000, `latestActivityTaskTimestamp ${latest}`);
});
