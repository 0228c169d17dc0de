/**
 * The Lambda invoker against a real SQLite store, in process: what a restart finds, and when a
 * call may begin. (The crash window these tests stage, between the commit that schedules a
 * task and the one that starts it, is too short to hit by killing a server.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../src/clock/clock.js';
import { completeDecisionTask, startDecisionTask, startRun, SWF_LIMITS, type DecisionEnv } from '../../src/engine/index.js';
import { Executor } from '../../src/executor/executor.js';
import { AfterCommit } from '../../src/lambda/after-commit.js';
import { parseLambdaConfig } from '../../src/lambda/config.js';
import { LambdaInvoker } from '../../src/lambda/invoker.js';
import type { HistoryEvent } from '../../src/model/shapes.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/types.js';
import { described } from '../helpers/engine.js';
import { FunctionHost } from './composition-support.js';
import { silentLogger } from '../../src/log.js';

const ENV: DecisionEnv = { activityType: () => undefined, workflowType: () => undefined, lambdaFunctionKnown: () => true, limits: SWF_LIMITS, openExecutionsInDomain: 0 };

async function withStore(fn: (store: Store, executor: Executor) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'openswf-resume-'));
  const store = new SqliteStore({ path: join(dir, 'openswf.sqlite') });
  try {
    // No lambdaScheduled hook: the call that should follow the scheduling is lost, as in a crash.
    await fn(store, new Executor(new VirtualClock(), SWF_LIMITS));
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A run whose decider scheduled Lambda tasks `names` (ids l1, l2, ...; scheduled events 5, 6, ...). */
async function runWithScheduledLambdas(store: Store, executor: Executor, names: string[]): Promise<string> {
  const runId = 'run-1';
  await store.transaction(async (tx) => {
    await tx.putDomain({ name: 'dom', status: 'REGISTERED', retentionDays: '1', createdAt: 0, tags: [] });
    const t = startRun({ domain: 'dom', workflowId: 'wf', runId, workflowType: { name: 'order', version: '1' }, config: { executionStartToCloseTimeout: '3600', taskStartToCloseTimeout: '60', childPolicy: 'TERMINATE', taskList: { name: 'decisions' } } }, executor.context());
    await executor.persist(tx, t, true);
  });
  await store.transaction((tx) =>
    executor.update(tx, runId, (t) => {
      startDecisionTask(t, undefined);
      const decisions = names.map((name, i) => ({ decisionType: 'ScheduleLambdaFunction' as const, scheduleLambdaFunctionDecisionAttributes: { id: `l${i + 1}`, name, input: `"${name}"` } }));
      completeDecisionTask(t, { decisions }, ENV);
    }),
  );
  return runId;
}

const lambdaEvents = (events: HistoryEvent[]): [string, unknown][] => described(events.filter((e) => /^(Lambda|StartLambda)/.test(e.eventType) && e.eventType !== 'LambdaFunctionScheduled'));

test('at start, tasks that were scheduled but never started are started; a name without an endpoint now fails to start', async () => {
  const host = await FunctionHost.start();
  try {
    await withStore(async (store, executor) => {
      const runId = await runWithScheduledLambdas(store, executor, ['echo', 'renamed']);
      const invoker = new LambdaInvoker({ functions: parseLambdaConfig(JSON.stringify({ echo: { url: `${host.url}/echo` } })), store, executor, log: silentLogger });
      assert.equal(await invoker.resume(), 2);
      await invoker.settled();
      const events = await store.getHistory(runId, { limit: 100, reverse: false });
      const started = events.find((e) => e.eventType === 'LambdaFunctionStarted')?.eventId;
      assert.deepEqual(
        lambdaEvents(events).sort((a, b) => a[0].localeCompare(b[0])),
        [
          ['LambdaFunctionCompleted', { scheduledEventId: 5, startedEventId: started, result: 'echo:"echo"' }],
          ['LambdaFunctionStarted', { scheduledEventId: 5 }],
          ['StartLambdaFunctionFailed', { scheduledEventId: 6, message: 'OpenSWF has no endpoint for the Lambda function renamed' }],
        ],
      );
      assert.equal(host.callsTo('/echo'), 1);
      // Nothing is left to resume, and a second pass calls nothing again.
      assert.equal(await invoker.resume(), 0);
      assert.deepEqual((await store.getExecution(runId))?.lambdas, {});
      await invoker.stop();
    });
  } finally {
    await host.close();
  }
});

test('work deferred inside a transaction runs only after it commits, and never after a rollback', async () => {
  await withStore(async (raw) => {
    const afterCommit = new AfterCommit();
    const store = afterCommit.wrap(raw);
    const seen: string[] = [];
    await store.transaction(async (tx) => {
      afterCommit.defer(() => seen.push('committed'), tx);
      seen.push('inside');
    });
    await assert.rejects(
      store.transaction(async (tx) => {
        afterCommit.defer(() => seen.push('rolled back'), tx);
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.deepEqual(seen, ['inside', 'committed']);
    // Everything else is the store itself.
    assert.equal(store.kind, 'sqlite');
    assert.deepEqual(await store.listDomains(), []);
  });
});
