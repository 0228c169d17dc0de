/**
 * A claim that rolls back because its client hung up loses no task and holds up no other
 * poller: the task stays scheduled and a poller that waits on the same list gets it within
 * milliseconds of the rollback, not at its next re-check seconds later.
 *
 * To hang up *during* the claim, the test holds the run's row lock from its own connection
 * (PostgreSQL back end: a claim locks the run before it takes the task), so the claim waits
 * there while the client goes away. SQLite serialises transactions in the server process and
 * offers no such seam.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { PollForDecisionTaskCommand } from '@aws-sdk/client-swf';
import { serverForFile } from '../helpers/setup.js';
import { eventTypes, history, registerFixture } from '../helpers/swf.js';
import { startRun } from '../helpers/workflow.js';

const { server, swf } = await serverForFile({ pollTimeoutMs: 20_000 });
const url = server.databaseUrl;

test('a client hanging up during the claim: the task goes to another waiting poller at once', { skip: url === undefined ? 'needs the postgres back end (OPENSWF_TEST_BACKEND=postgres)' : false }, async () => {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const f = await registerFixture(swf);
    const run = await startRun(swf, f, 'contested');
    /** Sessions of the server waiting for a row lock. */
    const waiting = async () =>
      Number((await db.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).rows[0]?.n);

    await db.query('BEGIN');
    await db.query('SELECT 1 FROM executions WHERE run_id = $1 FOR UPDATE', [run.runId]);
    const hangingUp = new AbortController();
    const first = swf.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: f.taskList }, identity: 'gone' }), { abortSignal: hangingUp.signal }).catch((err: unknown) => err);
    for (let i = 0; i < 100 && (await waiting()) < 1; i++) await sleep(20);
    assert.equal(await waiting(), 1, "the first poll's claim waits on the run");
    const second = swf.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: f.taskList }, identity: 'stays' }));
    await sleep(300); // the second poll is waiting too (on the run, or on the list)
    hangingUp.abort();
    assert.ok((await first) instanceof Error, 'the first poll was aborted');
    await sleep(100); // the server has seen the connection close
    const releasedAt = Date.now();
    await db.query('COMMIT');
    const task = await second;
    const wait = Date.now() - releasedAt;
    assert.deepEqual(task.workflowExecution, run);
    assert.ok(wait < 2_000, `the second poller got the task ${wait} ms after the claim rolled back (its re-check is 5 s)`);
    const events = await history(swf, f.domain, run);
    assert.deepEqual(eventTypes(events), ['WorkflowExecutionStarted', 'DecisionTaskScheduled', 'DecisionTaskStarted']);
    assert.equal(events[2]?.decisionTaskStartedEventAttributes?.identity, 'stays');
  } finally {
    await db.query('ROLLBACK').catch(() => undefined);
    await db.end();
  }
});
