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
  PollForDecisionTaskCommand,
  RespondActivityTaskCompletedCommand,
  StartWorkflowExecutionCommand,
  type SWFClient,
} from '@aws-sdk/client-swf';
import { setTimeout as sleep } from 'node:timers/promises';
import { restartableServer } from '../helpers/setup.js';
import { describeEvents, eventTypes, expectFault, history, registerFixture, type Fixture } from '../helpers/swf.js';
import {
  complete,
  describeRun,
  respond,
  scheduleActivity,
  startOn,
  startRun,
  startTimer,
  takeActivityTask,
  takeDecisionTask,
  type Run,
  type TakenDecisionTask,
} from '../helpers/workflow.js';

/** Polls the task list of a run started with startOn, for up to ~2.5 s (a timer may fire meanwhile). */
async function pollDecisionOn(client: SWFClient, f: Fixture, run: Run & { taskList: string }): Promise<TakenDecisionTask> {
  for (let i = 0; i < 5; i++) {
    const task = await client.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: run.taskList } }));
    if (task.taskToken) return task as TakenDecisionTask;
  }
  throw new Error(`no decision task for ${run.workflowId}`);
}

/** Takes the next decision task on the fixture's list and schedules one activity (its input: its id). */
const scheduleOne = async (swf: SWFClient, f: Fixture, activityId: string) =>
  respond(swf, (await takeDecisionTask(swf, f)).taskToken, [scheduleActivity(f, activityId, { input: activityId })]);

test('a restart in the middle of a workflow: the workflow finishes, history intact, ids continuing', async (t) => {
  const node = await restartableServer(t);
  let swf = node.swf;
  const f = await registerFixture(swf);
  const execution = await startRun(swf, f, 'survivor', { input: 'x' });
  await scheduleOne(swf, f, 'a1');
  const activity = await takeActivityTask(swf, f); // started before the stop, finished after it
  const before = await history(swf, f.domain, execution);
  assert.equal(before.length, 6);
  // Two more runs, each on a task list of its own: one holds a started decision task across
  // the restart, the other a 1 s timer that falls due while no server runs.
  const holder = await startOn(swf, f, 'holder');
  const holderTask = await pollDecisionOn(swf, f, holder);
  const sleeper = await startOn(swf, f, 'sleeper');
  await respond(swf, (await pollDecisionOn(swf, f, sleeper)).taskToken, [startTimer('nap', '1')]);

  await node.server.stop();
  await sleep(1_100);
  swf = await node.restart();

  // The overdue timer fired as the server came back, with nobody calling.
  const woken = await pollDecisionOn(swf, f, sleeper);
  assert.deepEqual(woken.workflowExecution, { workflowId: sleeper.workflowId, runId: sleeper.runId });
  assert.deepEqual(eventTypes(woken.events ?? []).slice(3), ['DecisionTaskCompleted', 'TimerStarted', 'TimerFired', 'DecisionTaskScheduled', 'DecisionTaskStarted']);
  // A decision token handed out before the restart is still good.
  await respond(swf, holderTask.taskToken, [complete()]);
  assert.equal(eventTypes(await history(swf, f.domain, holder)).at(-1), 'WorkflowExecutionCompleted');

  assert.deepEqual(await history(swf, f.domain, execution), before, 'history survives as it was');
  // The worker's token from before the restart still names its task.
  await swf.send(new RespondActivityTaskCompletedCommand({ taskToken: activity.taskToken, result: 'r1' }));
  const decision = await takeDecisionTask(swf, f);
  assert.equal(decision.startedEventId, 9);
  assert.equal(decision.previousStartedEventId, 3);
  await respond(swf, decision.taskToken, [complete('done')]);
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
  const described = await describeRun(swf, f, execution);
  assert.equal(described.executionInfo?.closeStatus, 'COMPLETED');
});

test('kill -9 right after acknowledged calls loses none of them', async (t) => {
  const node = await restartableServer(t);
  let swf = node.swf;
  const f = await registerFixture(swf);
  // Twenty starts, all in flight at once.
  const runs = await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      const { runId } = await swf.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowId: `wf-${i}`, workflowType: f.workflowType, input: `in-${i}` }));
      return { workflowId: `wf-${i}`, runId: runId as string };
    }),
  );
  // Five runs go one step further: an activity scheduled, started and completed.
  for (let i = 0; i < 5; i++) await scheduleOne(swf, f, `act-${i}`);
  const activities = [];
  for (let i = 0; i < 5; i++) activities.push(await takeActivityTask(swf, f));
  // The last acknowledged changes, all at once, and the kill the moment they are answered.
  const [{ runId: lastRunId }] = await Promise.all([
    swf.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowId: 'wf-last', workflowType: f.workflowType })),
    ...activities.map((a) => swf.send(new RespondActivityTaskCompletedCommand({ taskToken: a.taskToken, result: `done-${a.activityId}` }))),
  ]);
  await node.server.kill9();

  swf = await node.restart();
  for (const run of [...runs, { workflowId: 'wf-last', runId: lastRunId as string }]) {
    const described = await describeRun(swf, f, run);
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
  await expectFault(swf.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowId: 'wf-0', workflowType: f.workflowType })), 'WorkflowExecutionAlreadyStartedFault');
  // Completed activity tokens stay dead.
  await expectFault(swf.send(new RespondActivityTaskCompletedCommand({ taskToken: activities[0]?.taskToken })), 'UnknownResourceFault');
});
