/**
 * Three nodes on one PostgreSQL database under a workload spread over all of them, while one
 * node is killed with SIGKILL several times mid-run and started again. Every workflow
 * completes; every history is gap-free with no duplicate event; no task is handed to two
 * pollers while it is open; every timer fires once; no node answers a 500.
 *
 * Each workflow: a decision schedules an activity and starts a one-second timer; when both
 * the activity completed and the timer fired, the next decision completes the run. A task
 * whose answer died with a killed node times out (5 s) and is scheduled again, as SWF does.
 * Clients retry a call that met a dead node on another node (and take UnknownResourceFault
 * for an answer that had in fact been committed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DescribeWorkflowExecutionCommand,
  PollForActivityTaskCommand,
  PollForDecisionTaskCommand,
  RespondActivityTaskCompletedCommand,
  RespondDecisionTaskCompletedCommand,
  StartWorkflowExecutionCommand,
  type Decision,
  type HistoryEvent,
  type SWFClient,
} from '@aws-sdk/client-swf';
import { TestServer } from '../helpers/server.js';
import { ifPostgres, testDatabaseForFile } from '../helpers/postgres.js';
import { history, registerFixture, type Fixture } from '../helpers/swf.js';

const KILLS = 3;
/** Workflows started before each kill (and once more after the last), so every kill meets work in flight. */
const WAVE = 12;
const WORKFLOWS = WAVE * (KILLS + 1);
const DEADLINE_MS = 60_000;

await ifPostgres(() => {
  const db = testDatabaseForFile();

  test(`${WORKFLOWS} workflows on three nodes, one killed ${KILLS} times: all complete, exactly once`, async (t) => {
    const args = () => ['--database-url', db.url];
    const nodes: TestServer[] = await Promise.all([0, 1, 2].map(() => TestServer.start({ args: args(), pollTimeoutMs: 1000 })));
    const logs: string[] = [];
    t.after(async () => {
      for (const n of nodes) logs.push(n.logs());
      await Promise.all(nodes.map((n) => n.dispose()));
    });
    const clients: SWFClient[] = nodes.map((n) => n.client());
    const alive = [true, true, true];
    const clientOf = (i: number): SWFClient => clients[i % 3] as SWFClient;
    let stopping = false;

    /** Sends through node `i`, moving to the next live node while one fails to answer. */
    async function call<T>(start: number, send: (c: SWFClient) => Promise<T>): Promise<T> {
      for (let attempt = 0; ; attempt++) {
        const i = (start + attempt) % 3;
        if (!alive[i]) continue;
        try {
          return await send(clientOf(i));
        } catch (err) {
          const e = err as Error & { $metadata?: { httpStatusCode?: number } };
          if (e.$metadata?.httpStatusCode !== undefined) throw err; // the server answered: a fault
          if (attempt > 30) throw err;
          await sleep(20);
        }
      }
    }

    const f: Fixture = await registerFixture(clientOf(0));
    const handed = new Map<string, number>();
    const hand = (token: string) => handed.set(token, (handed.get(token) ?? 0) + 1);

    const decide = (events: HistoryEvent[]): Decision[] => {
      const has = (type: string) => events.some((e) => e.eventType === type);
      const scheduled = events.filter((e) => e.eventType === 'ActivityTaskScheduled').length;
      const lostActivities = events.filter((e) => e.eventType === 'ActivityTaskTimedOut').length;
      if (scheduled === 0) {
        return [
          { decisionType: 'ScheduleActivityTask', scheduleActivityTaskDecisionAttributes: { activityType: f.activityType, activityId: 'a0', startToCloseTimeout: '5' } },
          { decisionType: 'StartTimer', startTimerDecisionAttributes: { timerId: 'nap', startToFireTimeout: '1' } },
        ];
      }
      if (has('ActivityTaskCompleted') && has('TimerFired')) return [{ decisionType: 'CompleteWorkflowExecution', completeWorkflowExecutionDecisionAttributes: { result: 'ok' } }];
      // An activity task lost with a killed node timed out: schedule it again.
      if (!has('ActivityTaskCompleted') && lostActivities === scheduled) {
        return [{ decisionType: 'ScheduleActivityTask', scheduleActivityTaskDecisionAttributes: { activityType: f.activityType, activityId: `a${scheduled}`, startToCloseTimeout: '5' } }];
      }
      return [];
    };

    const decider = async (home: number) => {
      while (!stopping) {
        try {
          const task = await call(home, (c) => c.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: f.taskList }, identity: `decider@${home}` })));
          if (!task.taskToken) continue;
          hand(task.taskToken);
          const events = [...(task.events ?? [])];
          let next = task.nextPageToken;
          while (next) {
            const page = await call(home, (c) => c.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: f.taskList }, nextPageToken: next })));
            events.push(...(page.events ?? []));
            next = page.nextPageToken;
          }
          await call(home + 1, (c) => c.send(new RespondDecisionTaskCompletedCommand({ taskToken: task.taskToken, decisions: decide(events) }))).catch((err: Error) => {
            if (err.name !== 'UnknownResourceFault') throw err; // answered already, or timed out meanwhile
          });
        } catch (err) {
          if (stopping) return;
          if ((err as Error).name === 'UnknownResourceFault') continue;
          throw err;
        }
      }
    };
    const worker = async (home: number) => {
      while (!stopping) {
        try {
          const task = await call(home, (c) => c.send(new PollForActivityTaskCommand({ domain: f.domain, taskList: { name: f.activityTaskList }, identity: `worker@${home}` })));
          if (!task.taskToken) continue;
          hand(task.taskToken);
          await call(home + 2, (c) => c.send(new RespondActivityTaskCompletedCommand({ taskToken: task.taskToken, result: `done ${task.activityId}` }))).catch((err: Error) => {
            if (err.name !== 'UnknownResourceFault') throw err;
          });
        } catch (err) {
          if (stopping) return;
          if ((err as Error).name === 'UnknownResourceFault') continue;
          throw err;
        }
      }
    };

    const runs: { workflowId: string; runId: string }[] = [];
    const startWave = async (wave: number) => {
      const started = await Promise.all(
        Array.from({ length: WAVE }, async (_, j) => {
          const i = wave * WAVE + j;
          const out = await call(i, (c) => c.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowId: `w${i}`, workflowType: f.workflowType, taskStartToCloseTimeout: '5' })));
          return { workflowId: `w${i}`, runId: out.runId ?? '' };
        }),
      );
      runs.push(...started);
    };
    const pollers = [0, 1, 2].flatMap((home) => [decider(home), decider(home), worker(home), worker(home)]);

    // Kill node 2 several times while the work goes on, each time starting it again.
    const chaos = (async () => {
      for (let k = 0; k < KILLS; k++) {
        await startWave(k);
        await sleep(400 + 200 * k);
        alive[2] = false;
        const victim = nodes[2] as TestServer;
        await victim.kill9();
        logs.push(victim.logs());
        await victim.dispose(); // only its (unused) data folder is left to remove
        await sleep(300);
        nodes[2] = await TestServer.start({ args: args(), pollTimeoutMs: 1000 });
        clients[2] = nodes[2].client();
        alive[2] = true;
      }
      await startWave(KILLS);
    })();

    const began = Date.now();
    const closed = new Set<string>();
    while ((runs.length < WORKFLOWS || closed.size < WORKFLOWS) && Date.now() - began < DEADLINE_MS) {
      await sleep(250);
      for (const run of runs) {
        if (closed.has(run.runId)) continue;
        const d = await call(0, (c) => c.send(new DescribeWorkflowExecutionCommand({ domain: f.domain, execution: run })));
        if (d.executionInfo?.executionStatus === 'CLOSED') {
          assert.equal(d.executionInfo.closeStatus, 'COMPLETED', `${run.workflowId} closed ${d.executionInfo.closeStatus}`);
          closed.add(run.runId);
        }
      }
    }
    await chaos;
    stopping = true;
    const failed = (await Promise.allSettled(pollers)).filter((p) => p.status === 'rejected');
    assert.deepEqual(failed.map((p) => String((p as PromiseRejectedResult).reason)), [], 'a poller met a fault');
    assert.equal(closed.size, WORKFLOWS, `${closed.size} of ${WORKFLOWS} workflows completed within ${DEADLINE_MS / 1000} s`);

    // No task was handed to two pollers.
    const twice = [...handed].filter(([, n]) => n > 1);
    assert.deepEqual(twice, [], 'task tokens handed out more than once');

    let timedOut = 0;
    for (const run of runs) {
      const events = await history(clientOf(0), f.domain, run);
      timedOut += events.filter((e) => e.eventType === 'DecisionTaskTimedOut' || e.eventType === 'ActivityTaskTimedOut').length;
      const where = `history of ${run.workflowId}`;
      // Gap-free, no duplicate event.
      assert.deepEqual(events.map((e) => e.eventId), events.map((_, i) => i + 1), `${where}: event ids`);
      const once = (type: string, key: (e: HistoryEvent) => unknown) => {
        const keys = events.filter((e) => e.eventType === type).map(key);
        assert.equal(new Set(keys).size, keys.length, `${where}: a duplicate ${type}`);
      };
      once('DecisionTaskStarted', (e) => e.decisionTaskStartedEventAttributes?.scheduledEventId);
      once('DecisionTaskCompleted', (e) => e.decisionTaskCompletedEventAttributes?.scheduledEventId);
      once('ActivityTaskStarted', (e) => e.activityTaskStartedEventAttributes?.scheduledEventId);
      once('ActivityTaskCompleted', (e) => e.activityTaskCompletedEventAttributes?.scheduledEventId);
      // The timer fired once.
      assert.equal(events.filter((e) => e.eventType === 'TimerStarted').length, 1, `${where}: timers started`);
      assert.equal(events.filter((e) => e.eventType === 'TimerFired').length, 1, `${where}: timers fired`);
      assert.equal(events.at(-1)?.eventType, 'WorkflowExecutionCompleted', where);
    }
    // Tasks whose answer died with a killed node, recovered by their timeouts.
    t.diagnostic(`${timedOut} tasks timed out after a kill; ${handed.size} tasks handed out in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    for (const n of nodes) logs.push(n.logs());
    const trouble = logs.join('\n').split('\n').filter((l) => /http: .* failed|timer service|InternalFailure/.test(l));
    assert.deepEqual(trouble, [], 'a node logged a failure');
  });
});
