/**
 * Two server processes on one PostgreSQL database, as `--database-url` deployments run them:
 * a long poll on one node is answered at once when a task is scheduled through the other
 * (LISTEN/NOTIFY), many pollers across both nodes never get one task twice, and a timer both
 * nodes could fire fires once.
 *
 * Two processes cannot share a virtual clock, so the timer case runs on the real clock with a
 * one-second timer.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { PollForActivityTaskCommand, PollForDecisionTaskCommand, type SWFClient } from '@aws-sdk/client-swf';
import type { ServerOptions } from '../helpers/server.js';
import { ifPostgres, testDatabaseForFile } from '../helpers/postgres.js';
import { serverForTest, type Served } from '../helpers/setup.js';
import { describeEvents, eventTypes, history, registerFixture, type Fixture } from '../helpers/swf.js';
import { respond, scheduleActivity, startRun, startTimer } from '../helpers/workflow.js';

await ifPostgres(() => {
  const db = testDatabaseForFile();

  /** A node of the cluster: a server process on the shared test database. */
  const node = (t: TestContext, options: ServerOptions = {}): Promise<Served> => serverForTest(t, { ...options, args: ['--database-url', db.url] });

  const start = async (client: SWFClient, f: Fixture, workflowId: string): Promise<string> => (await startRun(client, f, workflowId)).runId;

  test('a long poll waiting on one node gets the task scheduled through the other at once', async (t) => {
    // Polls that would wait 20 s; the dispatcher itself re-checks only every 5 s.
    const [a, b] = await Promise.all([node(t, { pollTimeoutMs: 20_000 }), node(t, { pollTimeoutMs: 20_000 })]);
    const [swfA, swfB] = [a.swf, b.swf];
    const f = await registerFixture(swfA);

    const decisionPoll = swfB.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: f.taskList }, identity: 'on-b' }));
    await sleep(300); // let the poll find the list empty and wait
    const scheduledAt = Date.now();
    const runId = await start(swfA, f, 'woken');
    const decision = await decisionPoll;
    const decisionWait = Date.now() - scheduledAt;
    assert.deepEqual(decision.workflowExecution, { workflowId: 'woken', runId });
    assert.equal(decision.startedEventId, 3);
    assert.ok(decisionWait < 2000, `node B answered ${decisionWait} ms after node A scheduled the decision task`);

    // The other way round, for an activity task.
    const activityPoll = swfA.send(new PollForActivityTaskCommand({ domain: f.domain, taskList: { name: f.activityTaskList }, identity: 'on-a' }));
    await sleep(300);
    const respondedAt = Date.now();
    await respond(swfB, decision.taskToken as string, [scheduleActivity(f, 'a1', { input: 'go' })]);
    const activity = await activityPoll;
    const activityWait = Date.now() - respondedAt;
    assert.equal(activity.activityId, 'a1');
    assert.equal(activity.input, 'go');
    assert.equal(activity.startedEventId, 6);
    assert.ok(activityWait < 2000, `node A answered ${activityWait} ms after node B scheduled the activity task`);
  });

  test('pollers on two nodes never get one decision task twice', async (t) => {
    const [a, b] = await Promise.all([node(t), node(t)]);
    const clients = [a.swf, b.swf];
    const f = await registerFixture(clients[0] as SWFClient);
    const runs = 24;
    const handed: { token: string; runId: string }[] = [];
    let allStarted = false;
    const poller = async (client: SWFClient, identity: string) => {
      for (;;) {
        const task = await client.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: f.taskList }, identity }));
        if (task.taskToken) handed.push({ token: task.taskToken, runId: task.workflowExecution?.runId ?? '' });
        else if (allStarted) return;
      }
    };
    const polling = clients.flatMap((client, n) => Array.from({ length: 4 }, (_, i) => poller(client, `node${n}-poller${i}`)));
    const runIds = await Promise.all(Array.from({ length: runs }, (_, i) => start(clients[i % 2] as SWFClient, f, `w${i}`)));
    allStarted = true;
    await Promise.all(polling);

    assert.equal(handed.length, runs, `handed out ${handed.length} tasks for ${runs} runs`);
    assert.equal(new Set(handed.map((h) => h.token)).size, runs);
    assert.deepEqual(handed.map((h) => h.runId).sort(), [...runIds].sort());
    for (const [i, runId] of runIds.entries()) {
      const events = await history(clients[0] as SWFClient, f.domain, { workflowId: `w${i}`, runId });
      assert.deepEqual(eventTypes(events), ['WorkflowExecutionStarted', 'DecisionTaskScheduled', 'DecisionTaskStarted']);
    }
  });

  test('a timer that both nodes could fire fires once', async (t) => {
    const [a, b] = await Promise.all([node(t), node(t)]);
    const clients = [a.swf, b.swf];
    const [swfA] = clients as [SWFClient, SWFClient];
    const f = await registerFixture(swfA);
    const runs = 6;
    const runIds: string[] = [];
    // Each run arms a one-second timer, half through each node.
    for (let i = 0; i < runs; i++) {
      runIds.push(await start(swfA, f, `timed${i}`));
      const task = await swfA.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: f.taskList } }));
      assert.equal(task.workflowExecution?.runId, runIds[i]);
      await respond(clients[i % 2] as SWFClient, task.taskToken as string, [startTimer('nap', '1')]);
    }
    // Each firing schedules one decision task; collect them from both nodes.
    const fired = new Set<string>();
    const deadline = Date.now() + 10_000;
    while (fired.size < runs && Date.now() < deadline) {
      const tasks = await Promise.all(clients.map((c) => c.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: f.taskList } }))));
      for (const task of tasks) if (task.taskToken) fired.add(task.workflowExecution?.runId ?? '');
    }
    assert.equal(fired.size, runs, `${fired.size} of ${runs} timers fired`);
    for (const [i, runId] of runIds.entries()) {
      const events = await history(swfA, f.domain, { workflowId: `timed${i}`, runId });
      assert.deepEqual(describeEvents(events.slice(4)), [
        ['TimerStarted', { timerId: 'nap', startToFireTimeout: '1', decisionTaskCompletedEventId: 4 }],
        ['TimerFired', { timerId: 'nap', startedEventId: 5 }],
        ['DecisionTaskScheduled', { taskList: { name: f.taskList }, startToCloseTimeout: '60' }],
        ['DecisionTaskStarted', { scheduledEventId: 7 }],
      ]);
    }
    for (const { server } of [a, b]) assert.doesNotMatch(server.logs(), /timer service/, 'a node logged a timer failure');
  });
});
