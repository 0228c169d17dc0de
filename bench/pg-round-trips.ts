/**
 * Round trips to PostgreSQL per SWF call on the load benchmark's hot path. Runs the server
 * in this process (createApp on a fresh database, dropped after), counts every statement the
 * `pg` driver sends (each `Client.query` call is one round trip: BEGIN, SAVEPOINT and COMMIT
 * included), and drives W workflows of one activity one call at a time, so every statement
 * belongs to the call in flight. Prints, per operation, the round trips per call and the
 * statements behind them (first words, counted).
 *
 *   node dist/bench/pg-round-trips.js [--workflows 20] [--verbose]
 *
 * The server is the one in dist/ (or whatever build this file sits in): compare builds by
 * running each one's copy. OPENSWF_TEST_DATABASE_URL names the PostgreSQL server (default
 * postgres://postgres@127.0.0.1:5432/postgres).
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  PollForActivityTaskCommand,
  PollForDecisionTaskCommand,
  RespondActivityTaskCompletedCommand,
  RespondDecisionTaskCompletedCommand,
  StartWorkflowExecutionCommand,
  SWFClient,
} from '@aws-sdk/client-swf';
import { createApp } from '../src/server/app.js';
import { silentLogger } from '../src/log.js';
import { createTestDatabase } from '../test/helpers/pg-database.js';
import { registerFixture } from '../test/helpers/swf.js';

const { values } = parseArgs({ options: { workflows: { type: 'string', default: '20' }, verbose: { type: 'boolean', default: false } } });
const workflows = Number(values.workflows);

let current: string | undefined;
const perOp = new Map<string, { calls: number; trips: number; statements: Map<string, number> }>();

// Every statement goes through Client.prototype.query (a pool's query too, on the client it takes).
type QueryFn = (this: pg.Client, ...args: unknown[]) => unknown;
const proto = pg.Client.prototype as unknown as { query: QueryFn };
const original = proto.query;
const HINT = 'NOTIFY hint after a commit';
proto.query = function (this: pg.Client, ...args: unknown[]) {
  const first = args[0];
  const text = typeof first === 'string' ? first : ((first as { text?: string } | null)?.text ?? '?');
  // A wake-up hint sent on its own after the commit (not in the call's path) is counted apart;
  // where it is part of the call's transaction it counts there.
  const own = /^BEGIN;\nSET LOCAL synchronous_commit TO off;\nSELECT pg_notify/.test(text);
  const op = own && current !== undefined ? HINT : current;
  if (own && op !== undefined && !perOp.has(op)) perOp.set(op, { calls: 0, trips: 0, statements: new Map() });
  if (op !== undefined) {
    const entry = perOp.get(op);
    if (entry) {
      entry.trips++;
      // One line per round trip: each statement's first words, literals (E'...') shown as ?.
      const key = text
        .replace(/E'(?:[^']|'')*'/g, '?')
        .split(/;\n/)
        .map((st) => st.replace(/\s+/g, ' ').trim().slice(0, values.verbose ? 200 : 40))
        .join(' | ');
      entry.statements.set(key, (entry.statements.get(key) ?? 0) + 1);
    }
  }
  return original.apply(this, args);
};

async function timedOp<T>(op: string, call: () => Promise<T>): Promise<T> {
  current = op;
  let entry = perOp.get(op);
  if (!entry) perOp.set(op, (entry = { calls: 0, trips: 0, statements: new Map() }));
  entry.calls++;
  try {
    return await call();
  } finally {
    current = undefined;
  }
}

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const app = createApp({ databaseUrl: db.url, host: '127.0.0.1', port: 0, pollTimeoutMs: 2000, log: silentLogger });
  try {
    const url = await app.start();
    const client = new SWFClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }, maxAttempts: 1 });
    const f = await registerFixture(client);
    for (let i = 0; i < workflows; i++) {
      await timedOp('StartWorkflowExecution', () => client.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowId: `wf-${i}`, workflowType: f.workflowType, input: 'x' })));
      for (let decision = 0; decision < 2; decision++) {
        const task = await timedOp('PollForDecisionTask', () => client.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: f.taskList }, identity: 'd' })));
        if (!task.taskToken) throw new Error('no decision task');
        const decisions =
          decision === 0
            ? [{ decisionType: 'ScheduleActivityTask' as const, scheduleActivityTaskDecisionAttributes: { activityType: f.activityType, activityId: 'a1', input: 'a1' } }]
            : [{ decisionType: 'CompleteWorkflowExecution' as const, completeWorkflowExecutionDecisionAttributes: { result: 'done' } }];
        await timedOp('RespondDecisionTaskCompleted', () => client.send(new RespondDecisionTaskCompletedCommand({ taskToken: task.taskToken, decisions })));
        if (decision === 0) {
          const activity = await timedOp('PollForActivityTask', () => client.send(new PollForActivityTaskCommand({ domain: f.domain, taskList: { name: f.activityTaskList }, identity: 'w' })));
          if (!activity.taskToken) throw new Error('no activity task');
          await timedOp('RespondActivityTaskCompleted', () => client.send(new RespondActivityTaskCompletedCommand({ taskToken: activity.taskToken, result: 'r' })));
        }
      }
    }
    client.destroy();
  } finally {
    await app.stop();
    await db.drop();
  }
  let totalTrips = 0;
  let totalCalls = 0;
  process.stdout.write(`round trips to PostgreSQL per call (${workflows} workflows, K=1, one call at a time)\n`);
  for (const [op, e] of perOp) {
    if (op === HINT) {
      process.stdout.write(`${op.padEnd(30)} ${String(e.trips).padStart(5)} round trips in all, off the calls' path (${(e.trips / workflows).toFixed(1)} per workflow)\n`);
      continue;
    }
    totalTrips += e.trips;
    totalCalls += e.calls;
    process.stdout.write(`${op.padEnd(30)} ${String(e.calls).padStart(5)} calls ${(e.trips / e.calls).toFixed(2).padStart(6)} round trips per call\n`);
    for (const [sql, n] of [...e.statements].sort((a, b) => b[1] - a[1])) process.stdout.write(`    ${(n / e.calls).toFixed(2).padStart(5)}  ${sql}\n`);
  }
  process.stdout.write(`per workflow: ${(totalTrips / workflows).toFixed(1)} round trips in the calls' path for ${(totalCalls / workflows).toFixed(0)} calls\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
