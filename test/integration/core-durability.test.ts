/**
 * Durability: a server stopped in the middle of a workflow picks it up where it was (history
 * intact, ids continuing, task tokens still valid), and a kill -9 right after acknowledged
 * calls loses none of them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CountPendingActivityTasksCommand,
  CountPendingDecisionTasksCommand,
  DescribeWorkflowExecutionCommand,
  PollForActivityTaskCommand,
  PollForDecisionTaskCommand,
  RespondActivityTaskCompletedCommand,
  RespondDecisionTaskCompletedCommand,
  StartWorkflowExecutionCommand,
  type SWFClient,
} from '@aws-sdk/client-swf';
import { setTimeout as sleep } from 'node:timers/promises';
import { TestServer } from '../helpers/server.js';
import { describeEvents, eventTypes, faultOf, history, registerFixture, type Fixture } from '../helpers/swf.js';

async function pollDecision(client: SWFClient, f: Fixture) {
  const task = await client.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: f.taskList }, identity: 'decider' }));
  assert.ok(task.taskToken, 'expected a decision task');
  return task as typeof task & { taskToken: string };
}

async function pollActivity(client: SWFClient, f: Fixture) {
  const task = await client.send(new PollForActivityTaskCommand({ domain: f.domain, taskList: { name: f.activityTaskList }, identity: 'worker' }));
  assert.ok(task.taskToken, 'expected an activity task');
  return task as typeof task & { taskToken: string };
}

/** A run of its own task list (`<workflowId>-list`), so its decision tasks come to no other poll. */
async function startOn(client: SWFClient, f: Fixture, workflowId: string): Promise<{ workflowId: string; runId: string }> {
  const { runId } = await client.send(
    new StartWorkflowExecutionCommand({ domain: f.domain, workflowId, workflowType: f.workflowType, taskList: { name: `${workflowId}-list` } }),
  );
  return { workflowId, runId: runId as string };
}

/** Polls the task list of a run started with startOn, for up to ~2.5 s. */
async function pollDecisionOn(client: SWFClient, f: Fixture, workflowId: string) {
  for (let i = 0; i < 5; i++) {
    const task = await client.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: `${workflowId}-list` } }));
    if (task.taskToken) return task as typeof task & { taskToken: string };
  }
  throw new Error(`no decision task for ${workflowId}`);
}

const scheduleActivity = (client: SWFClient, f: Fixture, taskToken: string, activityId: string) =>
  client.send(
    new RespondDecisionTaskCompletedCommand({
      taskToken,
      decisions: [{ decisionType: 'ScheduleActivityTask', scheduleActivityTaskDecisionAttributes: { activityType: f.activityType, activityId, input: activityId } }],
    }),
  );

test('a restart in the middle of a workflow: the workflow finishes, history intact, ids continuing', async (t) => {
  const first = await TestServer.start();
  let current = first;
  t.after(() => current.dispose());
  let swf = first.client();
  const f = await registerFixture(swf);
  const { runId } = await swf.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowId: 'survivor', workflowType: f.workflowType, input: 'x' }));
  const execution = { workflowId: 'survivor', runId: runId as string };
  await scheduleActivity(swf, f, (await pollDecision(swf, f)).taskToken, 'a1');
  const activity = await pollActivity(swf, f); // started before the stop, finished after it
  const before = await history(swf, f.domain, execution);
  assert.equal(before.length, 6);
  // Two more runs, each on a task list of its own: one holds a started decision task across
  // the restart, the other a 1 s timer that falls due while no server runs.
  const holder = await startOn(swf, f, 'holder');
  const holderTask = await pollDecisionOn(swf, f, 'holder');
  const sleeper = await startOn(swf, f, 'sleeper');
  await swf.send(
    new RespondDecisionTaskCompletedCommand({
      taskToken: (await pollDecisionOn(swf, f, 'sleeper')).taskToken,
      decisions: [{ decisionType: 'StartTimer', startTimerDecisionAttributes: { timerId: 'nap', startToFireTimeout: '1' } }],
    }),
  );

  await first.stop();
  await sleep(1_100);
  current = await first.restart();
  swf = current.client();

  // The overdue timer fired as the server came back, with nobody calling.
  const woken = await pollDecisionOn(swf, f, 'sleeper');
  assert.deepEqual(woken.workflowExecution, sleeper);
  assert.deepEqual(eventTypes(woken.events ?? []).slice(3), ['DecisionTaskCompleted', 'TimerStarted', 'TimerFired', 'DecisionTaskScheduled', 'DecisionTaskStarted']);
  // A decision token handed out before the restart is still good.
  await swf.send(new RespondDecisionTaskCompletedCommand({ taskToken: holderTask.taskToken, decisions: [{ decisionType: 'CompleteWorkflowExecution' }] }));
  assert.equal(eventTypes(await history(swf, f.domain, holder)).at(-1), 'WorkflowExecutionCompleted');

  assert.deepEqual(await history(swf, f.domain, execution), before, 'history survives as it was');
  // The worker's token from before the restart still names its task.
  await swf.send(new RespondActivityTaskCompletedCommand({ taskToken: activity.taskToken, result: 'r1' }));
  const decision = await pollDecision(swf, f);
  assert.equal(decision.startedEventId, 9);
  assert.equal(decision.previousStartedEventId, 3);
  await swf.send(
    new RespondDecisionTaskCompletedCommand({ taskToken: decision.taskToken, decisions: [{ decisionType: 'CompleteWorkflowExecution', completeWorkflowExecutionDecisionAttributes: { result: 'done' } }] }),
  );
  const after = await history(swf, f.domain, execution);
  assert.deepEqual(after.slice(0, 6), before);
  assert.deepEqual(after.map((e) => e.eventId), after.map((_, i) => i + 1));
  assert.deepEqual(describeEvents(after.slice(6)), [
    ['ActivityTaskCompleted', { result: 'r1', scheduledEventId: 5, startedEventId: 6 }],
    ['DecisionTaskScheduled', { taskList: { name: f.taskList }, startToCloseTimeout: '60' }],
    ['DecisionTaskStarted', { identity: 'decider', scheduledEventId: 8 }],
    ['DecisionTaskCompleted', { scheduledEventId: 8, startedEventId: 9 }],
    ['WorkflowExecutionCompleted', { result: 'done', decisionTaskCompletedEventId: 10 }],
  ]);
  const described = await swf.send(new DescribeWorkflowExecutionCommand({ domain: f.domain, execution }));
  assert.equal(described.executionInfo?.closeStatus, 'COMPLETED');
});

test('kill -9 right after acknowledged calls loses none of them', async (t) => {
  const first = await TestServer.start();
  let current = first;
  t.after(() => current.dispose());
  let swf = first.client();
  const f = await registerFixture(swf);
  // Twenty starts, all in flight at once.
  const runs = await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      const { runId } = await swf.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowId: `wf-${i}`, workflowType: f.workflowType, input: `in-${i}` }));
      return { workflowId: `wf-${i}`, runId: runId as string };
    }),
  );
  // Five runs go one step further: an activity scheduled, started and completed.
  for (let i = 0; i < 5; i++) await scheduleActivity(swf, f, (await pollDecision(swf, f)).taskToken, `act-${i}`);
  const activities = [];
  for (let i = 0; i < 5; i++) activities.push(await pollActivity(swf, f));
  // The last acknowledged changes, all at once, and the kill the moment they are answered.
  const [{ runId: lastRunId }] = await Promise.all([
    swf.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowId: 'wf-last', workflowType: f.workflowType })),
    ...activities.map((a) => swf.send(new RespondActivityTaskCompletedCommand({ taskToken: a.taskToken, result: `done-${a.activityId}` }))),
  ]);
  await first.kill9();

  current = await first.restart();
  swf = current.client();
  for (const run of [...runs, { workflowId: 'wf-last', runId: lastRunId as string }]) {
    const described = await swf.send(new DescribeWorkflowExecutionCommand({ domain: f.domain, execution: run }));
    assert.equal(described.executionInfo?.executionStatus, 'OPEN', run.workflowId);
  }
  for (const a of activities) {
    const run = runs.find((r) => r.runId === a.workflowExecution?.runId);
    assert.ok(run);
    const events = await history(swf, f.domain, run);
    assert.deepEqual(eventTypes(events).slice(-2), ['ActivityTaskCompleted', 'DecisionTaskScheduled']);
    assert.equal(events.at(-2)?.activityTaskCompletedEventAttributes?.result, `done-${a.activityId}`);
  }
  // The queues came back too: 15 first decision tasks + 5 after the activities + the last start.
  const decisions = await swf.send(new CountPendingDecisionTasksCommand({ domain: f.domain, taskList: { name: f.taskList } }));
  assert.equal(decisions.count, 21);
  const pendingActivities = await swf.send(new CountPendingActivityTasksCommand({ domain: f.domain, taskList: { name: f.activityTaskList } }));
  assert.equal(pendingActivities.count, 0);
  // So did the uniqueness of open workflow ids.
  const duplicate = await faultOf(swf.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowId: 'wf-0', workflowType: f.workflowType })));
  assert.equal(duplicate.name, 'WorkflowExecutionAlreadyStartedFault');
  // Completed activity tokens stay dead.
  const reused = await faultOf(swf.send(new RespondActivityTaskCompletedCommand({ taskToken: activities[0]?.taskToken })));
  assert.equal(reused.name, 'UnknownResourceFault');
});
