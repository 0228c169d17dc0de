/**
 * The decision pseudo-API: with RespondDecisionTaskCompleted allowed, each decision is judged
 * as its own action with its condition keys on the run's domain. A denied decision records its
 * *Failed event with cause OPERATION_NOT_PERMITTED; the call succeeds and the answer's other
 * decisions go on. All 13 decision types.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Decision, HistoryEvent } from '@aws-sdk/client-swf';
import { serverForFile } from '../helpers/setup.js';
import { attributesOf, history } from '../helpers/swf.js';
import { cancel, cancelTimer, complete, describeRun, fail, respond, scheduleActivity, startChild, startOn, startTimer, takeDecisionTask, type Run } from '../helpers/workflow.js';
import { ACCOUNT, ADMIN, domainArn, namedFixture, user } from './auth-support.js';

const alphaArn = domainArn('alpha');
const base = { Effect: 'Allow', Action: ['swf:PollForDecisionTask', 'swf:RespondDecisionTaskCompleted'], Resource: alphaArn };
/** May answer decision tasks, and schedule activities on alpha's activity list only. */
const LIMITED = user('limited', [
  base,
  { Effect: 'Allow', Action: 'swf:ScheduleActivityTask', Resource: alphaArn, Condition: { StringEquals: { 'swf:taskList.name': 'alpha-activities' } } },
]);
/** May start children on alpha's decision list (tags kid-*), continue as new, start timers; never record markers; nothing on version 2. */
const PARENT = user('parent', [
  base,
  { Effect: 'Allow', Action: 'swf:StartChildWorkflowExecution', Resource: alphaArn, Condition: { StringEquals: { 'swf:taskList.name': 'alpha-decisions' }, StringLikeIfExists: { 'swf:tagList.member.0': 'kid-*' } } },
  { Effect: 'Allow', Action: ['swf:ContinueAsNewWorkflowExecution', 'swf:StartTimer', 'swf:Record*'], Resource: alphaArn },
  { Effect: 'Deny', Action: 'swf:RecordMarker', Resource: alphaArn },
  { Effect: 'Deny', Action: ['swf:StartChildWorkflowExecution', 'swf:ContinueAsNewWorkflowExecution'], Resource: alphaArn, Condition: { StringNotEquals: { 'swf:workflowType.version': '1' } } },
]);

const { server, swf: admin } = await serverForFile({ auth: { accountId: ACCOUNT, users: [ADMIN, LIMITED, PARENT] } });
const alpha = await namedFixture(admin, 'alpha');

const CAUSE = 'OPERATION_NOT_PERMITTED';

async function answer(as: string, run: Run & { taskList: string }, decisions: Decision[]): Promise<HistoryEvent[]> {
  const swf = server.client(as);
  const task = await takeDecisionTask(swf, alpha, run);
  await respond(swf, task.taskToken, decisions);
  return history(admin, alpha.domain, run);
}

const after = (events: HistoryEvent[], completedEventId: number) => events.filter((e) => (e.eventId ?? 0) > completedEventId);
const lastCompleted = (events: HistoryEvent[]) => Math.max(...events.filter((e) => e.eventType === 'DecisionTaskCompleted').map((e) => e.eventId ?? 0));

test('the nine non-closing decisions denied: each its *Failed event; the permitted one goes on', async () => {
  const run = await startOn(admin, alpha, 'nine');
  const decisions: Decision[] = [
    scheduleActivity(alpha, 'allowed'), // no task list: judged on the type's default, alpha-activities
    scheduleActivity(alpha, 'elsewhere', { taskList: { name: 'other' } }),
    { decisionType: 'RequestCancelActivityTask', requestCancelActivityTaskDecisionAttributes: { activityId: 'allowed' } },
    { decisionType: 'RecordMarker', recordMarkerDecisionAttributes: { markerName: 'm' } },
    startTimer('t1', '60'),
    cancelTimer('t1'),
    { decisionType: 'SignalExternalWorkflowExecution', signalExternalWorkflowExecutionDecisionAttributes: { workflowId: 'x', runId: 'r', signalName: 's', control: 'c' } },
    { decisionType: 'RequestCancelExternalWorkflowExecution', requestCancelExternalWorkflowExecutionDecisionAttributes: { workflowId: 'x', control: 'c' } },
    startChild('kid', alpha.workflowType, { control: 'c' }),
    { decisionType: 'ScheduleLambdaFunction', scheduleLambdaFunctionDecisionAttributes: { id: 'l1', name: 'fn' } },
  ];
  const events = await answer('limited', run, decisions);
  const completed = lastCompleted(events);
  const got = after(events, completed).map((e) => [e.eventType, attributesOf(e)]);
  const id = completed;
  assert.deepEqual(got.slice(0, 10), [
    ['ActivityTaskScheduled', (got[0] as [string, unknown])[1]],
    ['ScheduleActivityTaskFailed', { activityType: alpha.activityType, activityId: 'elsewhere', cause: CAUSE, decisionTaskCompletedEventId: id }],
    ['RequestCancelActivityTaskFailed', { activityId: 'allowed', cause: CAUSE, decisionTaskCompletedEventId: id }],
    ['RecordMarkerFailed', { markerName: 'm', cause: CAUSE, decisionTaskCompletedEventId: id }],
    ['StartTimerFailed', { timerId: 't1', cause: CAUSE, decisionTaskCompletedEventId: id }],
    ['CancelTimerFailed', { timerId: 't1', cause: CAUSE, decisionTaskCompletedEventId: id }],
    ['SignalExternalWorkflowExecutionFailed', { workflowId: 'x', runId: 'r', cause: CAUSE, initiatedEventId: 0, decisionTaskCompletedEventId: id, control: 'c' }],
    ['RequestCancelExternalWorkflowExecutionFailed', { workflowId: 'x', cause: CAUSE, initiatedEventId: 0, decisionTaskCompletedEventId: id, control: 'c' }],
    ['StartChildWorkflowExecutionFailed', { workflowType: alpha.workflowType, workflowId: 'kid', cause: CAUSE, initiatedEventId: 0, decisionTaskCompletedEventId: id, control: 'c' }],
    ['ScheduleLambdaFunctionFailed', { id: 'l1', name: 'fn', cause: CAUSE, decisionTaskCompletedEventId: id }],
  ]);
  const scheduled = (got[0] as [string, { taskList?: { name?: string } }])[1];
  assert.equal(scheduled.taskList?.name, 'alpha-activities');
  // Failed decisions earn a new decision task, as any failed decision does.
  assert.equal(got[10]?.[0], 'DecisionTaskScheduled');
  const counts = (await describeRun(admin, alpha, run)).openCounts;
  assert.equal(counts?.openActivityTasks, 1);
  assert.equal(counts?.openTimers, 0);
});

test('each of the four closing decisions denied: its *Failed event, and the run stays open', async () => {
  const run = await startOn(admin, alpha, 'closers');
  const closers: Array<[Decision, string]> = [
    [complete('r'), 'CompleteWorkflowExecutionFailed'],
    [fail('why'), 'FailWorkflowExecutionFailed'],
    [cancel('d'), 'CancelWorkflowExecutionFailed'],
    [{ decisionType: 'ContinueAsNewWorkflowExecution', continueAsNewWorkflowExecutionDecisionAttributes: {} }, 'ContinueAsNewWorkflowExecutionFailed'],
  ];
  for (const [decision, failed] of closers) {
    const events = await answer('limited', run, [decision]);
    const completed = lastCompleted(events);
    const got = after(events, completed).map((e) => [e.eventType, attributesOf(e)]);
    assert.deepEqual(got, [
      [failed, { cause: CAUSE, decisionTaskCompletedEventId: completed }],
      ['DecisionTaskScheduled', (got[1] as [string, unknown])[1]],
    ]);
  }
  assert.equal((await describeRun(admin, alpha, run)).executionInfo?.executionStatus, 'OPEN');
  await answer('admin', run, [complete()]);
  assert.equal((await describeRun(admin, alpha, run)).executionInfo?.closeStatus, 'COMPLETED');
});

test('conditions and Deny on decisions: child task list and tags, continue-as-new version, defaults', async () => {
  const run = await startOn(admin, alpha, 'parent');
  const events = await answer('parent', run, [
    startChild('kid-default', alpha.workflowType), // no task list: the type's default, alpha-decisions
    startChild('kid-tagged', alpha.workflowType, { tagList: ['kid-1'] }),
    startChild('kid-badtag', alpha.workflowType, { tagList: ['adult'] }),
    startChild('kid-elsewhere', alpha.workflowType, { taskList: { name: 'other' } }),
    startChild('kid-v2', { name: 'order', version: '2' }),
    { decisionType: 'RecordMarker', recordMarkerDecisionAttributes: { markerName: 'denied' } },
    startTimer('allowed', '60'),
  ]);
  const completed = lastCompleted(events);
  const got = after(events, completed).map((e) => {
    const a = attributesOf(e) as { workflowId?: string; cause?: string };
    return [e.eventType, a.workflowId ?? '', a.cause ?? ''];
  });
  assert.deepEqual(got.slice(0, 7), [
    ['StartChildWorkflowExecutionInitiated', 'kid-default', ''],
    ['StartChildWorkflowExecutionInitiated', 'kid-tagged', ''],
    ['StartChildWorkflowExecutionFailed', 'kid-badtag', CAUSE],
    ['StartChildWorkflowExecutionFailed', 'kid-elsewhere', CAUSE],
    // Denied before the type is looked up (version 2 does not exist): permission comes first.
    ['StartChildWorkflowExecutionFailed', 'kid-v2', CAUSE],
    ['RecordMarkerFailed', '', CAUSE],
    ['TimerStarted', '', ''],
  ]);
  // Continue-as-new: omitted version means the run's own (1), which is allowed.
  const next = await answer('parent', run, [{ decisionType: 'ContinueAsNewWorkflowExecution', continueAsNewWorkflowExecutionDecisionAttributes: { workflowTypeVersion: '2' } }]);
  assert.equal(after(next, lastCompleted(next))[0]?.continueAsNewWorkflowExecutionFailedEventAttributes?.cause, CAUSE);
  const last = await answer('parent', run, [{ decisionType: 'ContinueAsNewWorkflowExecution', continueAsNewWorkflowExecutionDecisionAttributes: { taskList: { name: run.taskList } } }]);
  assert.equal(after(last, lastCompleted(last))[0]?.eventType, 'WorkflowExecutionContinuedAsNew');
});
