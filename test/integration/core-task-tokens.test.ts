/**
 * Task tokens as real clients meet them, with SWF's exact fault and wording: a string that is
 * no token is `ValidationException: Invalid token`; the token of a closed run names the run; the
 * token of a task that was answered or timed out names the task by its scheduled event. The
 * same for RecordActivityTaskHeartbeat and every Respond* call. A refused call changes nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DescribeWorkflowExecutionCommand,
  GetWorkflowExecutionHistoryCommand,
  RecordActivityTaskHeartbeatCommand,
  RequestCancelWorkflowExecutionCommand,
  RespondActivityTaskCanceledCommand,
  RespondActivityTaskCompletedCommand,
  RespondActivityTaskFailedCommand,
  RespondDecisionTaskCompletedCommand,
  SignalWorkflowExecutionCommand,
  TerminateWorkflowExecutionCommand,
  type SWFClient,
} from '@aws-sdk/client-swf';
import { serverForFile, serverForTest } from '../helpers/setup.js';
import { eventTypes, expectFault, history, registerFixture } from '../helpers/swf.js';
import { complete, respond, scheduleActivity, startRun, takeActivityTask, takeDecisionTask } from '../helpers/workflow.js';

const { swf } = await serverForFile();

const UNKNOWN = 'UnknownResourceFault';
const INVALID = 'ValidationException';

/** Every call that takes an activity task token, each failing with `name` and `message`. */
async function expectActivityCallsFault(client: SWFClient, taskToken: string, name: string, message: string): Promise<void> {
  await expectFault(client.send(new RecordActivityTaskHeartbeatCommand({ taskToken })), name, message);
  await expectFault(client.send(new RespondActivityTaskCompletedCommand({ taskToken, result: 'late' })), name, message);
  await expectFault(client.send(new RespondActivityTaskFailedCommand({ taskToken, reason: 'late' })), name, message);
  await expectFault(client.send(new RespondActivityTaskCanceledCommand({ taskToken })), name, message);
}

const respondDecision = (client: SWFClient, taskToken: string) => client.send(new RespondDecisionTaskCompletedCommand({ taskToken, decisions: [] }));

/** The token with one character replaced (at `index`, counted from the end when negative). */
function altered(token: string, index: number): string {
  const at = index < 0 ? token.length + index : index;
  const replacement = token[at] === 'A' ? 'B' : 'A';
  return `${token.slice(0, at)}${replacement}${token.slice(at + 1)}`;
}

test('a string OpenSWF never issued is ValidationException "Invalid token" on every task call', async () => {
  for (const forged of ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'no-such-token', '-x']) {
    await expectFault(respondDecision(swf, forged), INVALID, 'Invalid token');
    await expectActivityCallsFault(swf, forged, INVALID, 'Invalid token');
  }
});

test('a token of the other kind is an invalid token; a token altered in one byte is refused and does nothing', async () => {
  const f = await registerFixture(swf);
  const run = await startRun(swf, f, 'kinds');
  const decision = await takeDecisionTask(swf, f, run);
  await expectActivityCallsFault(swf, decision.taskToken, INVALID, 'Invalid token');
  // The random part changed (bytes 7 to 22): still a token of this run, but of no task it has.
  await expectFault(respondDecision(swf, altered(decision.taskToken, 16)), UNKNOWN, 'Unknown decision task, scheduledEventId = 2');
  // The kind changed (its third byte), or the workflowId it names (its last bytes): no token of this run.
  await expectFault(respondDecision(swf, altered(decision.taskToken, 3)), INVALID, 'Invalid token');
  await expectFault(respondDecision(swf, altered(decision.taskToken, -2)), INVALID, 'Invalid token');
  await respond(swf, decision.taskToken, [scheduleActivity(f, 'a1')]);

  const activity = await takeActivityTask(swf, f, 'a1');
  await expectFault(respondDecision(swf, activity.taskToken), INVALID, 'Invalid token');
  await expectActivityCallsFault(swf, altered(activity.taskToken, 16), UNKNOWN, 'Unknown activity, scheduledEventId = 5');
  // Nothing the refused calls named happened.
  assert.deepEqual(eventTypes(await history(swf, f.domain, run)).slice(-2), ['ActivityTaskScheduled', 'ActivityTaskStarted']);
  await swf.send(new RespondActivityTaskCompletedCommand({ taskToken: activity.taskToken, result: 'ok' }));
});

test('a token of an answered task names its scheduled event; a token of a closed run names the run', async () => {
  const f = await registerFixture(swf);
  const run = await startRun(swf, f, 'tokens');
  const decision = await takeDecisionTask(swf, f, run);
  await respond(swf, decision.taskToken, ['first', 'second'].map((activityId) => scheduleActivity(f, activityId)));
  await expectFault(respondDecision(swf, decision.taskToken), UNKNOWN, 'Unknown decision task, scheduledEventId = 2');

  const first = await takeActivityTask(swf, f, 'first');
  const second = await takeActivityTask(swf, f, 'second');
  await swf.send(new RespondActivityTaskCompletedCommand({ taskToken: second.taskToken, result: 'ok' }));
  await expectActivityCallsFault(swf, second.taskToken, UNKNOWN, 'Unknown activity, scheduledEventId = 6');

  // The run closes while `first` is still out: its token, and the closing task's, name the run.
  const closing = await takeDecisionTask(swf, f, run);
  await respond(swf, closing.taskToken, [complete()]);
  const closed = `Unknown execution: WorkflowExecution=[workflowId=tokens, runId=${run.runId}]`;
  await expectActivityCallsFault(swf, first.taskToken, UNKNOWN, closed);
  await expectActivityCallsFault(swf, second.taskToken, UNKNOWN, closed);
  await expectFault(respondDecision(swf, closing.taskToken), UNKNOWN, closed);
  await expectFault(respondDecision(swf, decision.taskToken), UNKNOWN, closed);

  const events = await history(swf, f.domain, run);
  assert.deepEqual(eventTypes(events).filter((t) => t.startsWith('Activity')), [
    'ActivityTaskScheduled',
    'ActivityTaskScheduled',
    'ActivityTaskStarted',
    'ActivityTaskStarted',
    'ActivityTaskCompleted',
  ]);
  assert.equal(eventTypes(events).at(-1), 'WorkflowExecutionCompleted');
});

test('a token of a timed-out task names its scheduled event while the run is open', async (t) => {
  const { server, swf: client } = await serverForTest(t, { clock: 'virtual' });
  const f = await registerFixture(client);
  const run = await startRun(client, f, 'timeouts');
  const late = await takeDecisionTask(client, f, run);
  await server.advance(61); // the fixture's decision tasks have 60 s
  await expectFault(respondDecision(client, late.taskToken), UNKNOWN, 'Unknown decision task, scheduledEventId = 2');

  const decision = await takeDecisionTask(client, f, run);
  await respond(client, decision.taskToken, [scheduleActivity(f, 'slow', { startToCloseTimeout: '10' })]);
  const activity = await takeActivityTask(client, f, 'slow');
  await server.advance(11);
  await expectActivityCallsFault(client, activity.taskToken, UNKNOWN, 'Unknown activity, scheduledEventId = 8');
  assert.deepEqual(eventTypes(await history(client, f.domain, run)).slice(-2), ['ActivityTaskTimedOut', 'DecisionTaskScheduled']);
});

test('an unknown execution is named as SWF names it, with its runId or by workflowId alone', async () => {
  const f = await registerFixture(swf);
  const domain = f.domain;
  const execution = { workflowId: 'ghost', runId: 'f00d' };
  const byRun = 'Unknown execution: WorkflowExecution=[workflowId=ghost, runId=f00d]';
  const byId = 'Unknown execution, workflowId = ghost';
  await expectFault(swf.send(new DescribeWorkflowExecutionCommand({ domain, execution })), UNKNOWN, byRun);
  await expectFault(swf.send(new GetWorkflowExecutionHistoryCommand({ domain, execution })), UNKNOWN, byRun);
  await expectFault(swf.send(new SignalWorkflowExecutionCommand({ domain, ...execution, signalName: 's' })), UNKNOWN, byRun);
  await expectFault(swf.send(new SignalWorkflowExecutionCommand({ domain, workflowId: 'ghost', signalName: 's' })), UNKNOWN, byId);
  await expectFault(swf.send(new RequestCancelWorkflowExecutionCommand({ domain, ...execution })), UNKNOWN, byRun);
  await expectFault(swf.send(new RequestCancelWorkflowExecutionCommand({ domain, workflowId: 'ghost' })), UNKNOWN, byId);
  await expectFault(swf.send(new TerminateWorkflowExecutionCommand({ domain, ...execution })), UNKNOWN, byRun);
  await expectFault(swf.send(new TerminateWorkflowExecutionCommand({ domain, workflowId: 'ghost' })), UNKNOWN, byId);
});
