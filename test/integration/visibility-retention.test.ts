/**
 * Retention: a closed execution and its history are removed once the domain's
 * workflowExecutionRetentionPeriodInDays has passed since it closed, by the clock component
 * (here the virtual clock); with 0 or NONE, as soon as it closes. Nothing of it stays in the
 * store, so the store stays bounded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CountClosedWorkflowExecutionsCommand,
  DescribeWorkflowExecutionCommand,
  GetWorkflowExecutionHistoryCommand,
  ListClosedWorkflowExecutionsCommand,
  ListOpenWorkflowExecutionsCommand,
  TerminateWorkflowExecutionCommand,
  type SWFClient,
} from '@aws-sdk/client-swf';
import type { TestServer } from '../helpers/server.js';
import { restartableServer, serverForTest } from '../helpers/setup.js';
import { expectFault, registerFixture, type Fixture } from '../helpers/swf.js';
import { decide, ever, startOn, type Run } from '../helpers/workflow.js';
import { workflowIds } from './visibility-support.js';

const DAY = 86_400;

const closedIds = async (swf: SWFClient, f: Fixture) =>
  workflowIds((await swf.send(new ListClosedWorkflowExecutionsCommand({ domain: f.domain, closeTimeFilter: ever }))).executionInfos);
const openIds = async (swf: SWFClient, f: Fixture) =>
  workflowIds((await swf.send(new ListOpenWorkflowExecutionsCommand({ domain: f.domain, startTimeFilter: ever }))).executionInfos);

/** Describe and GetWorkflowExecutionHistory no longer know the run. */
async function assertForgotten(swf: SWFClient, f: Fixture, run: Run): Promise<void> {
  const execution = { workflowId: run.workflowId, runId: run.runId };
  for (const call of [
    () => swf.send(new DescribeWorkflowExecutionCommand({ domain: f.domain, execution })),
    () => swf.send(new GetWorkflowExecutionHistoryCommand({ domain: f.domain, execution })),
  ]) {
    await expectFault(call(), 'UnknownResourceFault', `Unknown execution: WorkflowExecution=[workflowId=${run.workflowId}, runId=${run.runId}]`);
  }
}

/** Rows the store still holds for these runs, table by table (read straight from the store's tables). */
async function storedRows(server: TestServer, runIds: readonly string[]): Promise<Record<string, number>> {
  const marks = runIds.map(() => '?').join(', ');
  const count = async (table: string) => Number((await server.storeRows(`SELECT count(*) AS n FROM ${table} WHERE run_id IN (${marks})`, runIds))[0]?.n);
  const tables = ['executions', 'events', 'execution_tags', 'tasks', 'timers'];
  return Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await count(t)] as const)));
}

const nothingStored = { executions: 0, events: 0, execution_tags: 0, tasks: 0, timers: 0 };

test('a closed run stays for the retention period after it closed, then goes with its history', async (t) => {
  const { server, swf } = await serverForTest(t, { clock: 'virtual' });
  const f = await registerFixture(swf, { retentionDays: '2' });
  const done = await startOn(swf, f, 'done', { tagList: ['kept'] });
  await decide(swf, f, done, [{ decisionType: 'CompleteWorkflowExecution', completeWorkflowExecutionDecisionAttributes: {} }]);
  await server.advance(DAY);
  // Closed one day later than `done`: its retention ends one day later too.
  const later = await startOn(swf, f, 'later');
  await swf.send(new TerminateWorkflowExecutionCommand({ domain: f.domain, workflowId: 'later' }));
  await server.advance(1);
  const chain = await startOn(swf, f, 'chain', { tagList: ['kept'] });
  await decide(swf, f, chain, [{ decisionType: 'ContinueAsNewWorkflowExecution', continueAsNewWorkflowExecutionDecisionAttributes: { executionStartToCloseTimeout: String(10 * DAY) } }]);
  assert.deepEqual(await closedIds(swf, f), ['chain', 'later', 'done']);
  assert.deepEqual(await openIds(swf, f), ['chain']);

  await server.advance(DAY - 2);
  assert.deepEqual(await closedIds(swf, f), ['chain', 'later', 'done'], 'one second before the end of its retention, done is kept');
  assert.equal(
    (await swf.send(new GetWorkflowExecutionHistoryCommand({ domain: f.domain, execution: { workflowId: 'done', runId: done.runId } }))).events?.length,
    5,
  );

  await server.advance(1);
  assert.deepEqual(await closedIds(swf, f), ['chain', 'later']);
  await assertForgotten(swf, f, done);
  assert.deepEqual(await storedRows(server, [done.runId]), nothingStored);

  await server.advance(DAY + 1);
  assert.deepEqual(await closedIds(swf, f), []);
  const { count } = await swf.send(new CountClosedWorkflowExecutionsCommand({ domain: f.domain, closeTimeFilter: ever }));
  assert.equal(count, 0);
  await assertForgotten(swf, f, later);
  await assertForgotten(swf, f, chain);
  assert.deepEqual(await storedRows(server, [later.runId, chain.runId]), nothingStored);
  // The run that continued `chain` is open: retention does not touch it.
  assert.deepEqual(await openIds(swf, f), ['chain']);
});

for (const retentionDays of ['0', 'NONE']) {
  test(`retention ${retentionDays}: the run is removed as soon as it closes`, async (t) => {
    const { server, swf } = await serverForTest(t, { clock: 'virtual' });
    const f = await registerFixture(swf, { retentionDays });
    const run = await startOn(swf, f, 'brief', { tagList: ['gone'] });
    await swf.send(new TerminateWorkflowExecutionCommand({ domain: f.domain, workflowId: 'brief' }));
    // Time does not move: this only waits for the clock component's pass that was due at once.
    await server.advance(0);
    assert.deepEqual(await closedIds(swf, f), []);
    await assertForgotten(swf, f, run);
    assert.deepEqual(await storedRows(server, [run.runId]), nothingStored);
  });
}

test('a retention deadline survives a restart', async (t) => {
  const node = await restartableServer(t, { clock: 'virtual' });
  const f = await registerFixture(node.swf, { retentionDays: '1' });
  const run = await startOn(node.swf, f, 'durable');
  await node.swf.send(new TerminateWorkflowExecutionCommand({ domain: f.domain, workflowId: 'durable' }));
  await node.server.kill9();
  const swf = await node.restart();
  assert.deepEqual(await closedIds(swf, f), ['durable']);
  await node.server.advance(DAY);
  assert.deepEqual(await closedIds(swf, f), []);
  assert.deepEqual(await storedRows(node.server, [run.runId]), nothingStored);
});
