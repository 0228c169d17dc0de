import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Decision, HistoryEvent, SWFClient } from '@aws-sdk/client-swf';
import type { ServerOptions } from '../helpers/server.js';
import { expectStartFailure, restartableServer, serverForTest } from '../helpers/setup.js';
import { describeEvents, history, registerFixture, uniqueName, type Fixture } from '../helpers/swf.js';
import { decide, describeRun, startOn, takeDecisionTask, type Run } from '../helpers/workflow.js';
import { closedPort, FunctionHost } from './composition-support.js';

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:echo';

let host: FunctionHost;
let configDir: string;
let configPath: string;

test.before(async () => {
  host = await FunctionHost.start();
  configDir = mkdtempSync(join(tmpdir(), 'openswf-lambda-'));
  configPath = join(configDir, 'lambda.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      echo: { url: `${host.url}/echo`, headers: { Authorization: 'Bearer t0k' } },
      empty: { url: `${host.url}/empty` },
      fail: { url: `${host.url}/fail` },
      down: { url: `${host.url}/down` },
      slow: { url: `${host.url}/slow` },
      unreachable: { url: `http://127.0.0.1:${await closedPort()}/` },
    }),
  );
});
test.after(async () => {
  await host.close();
  rmSync(configDir, { recursive: true, force: true });
});

/** A server that calls the functions of `host` (read once the file's `before` has run). */
const withFunctions = (): ServerOptions => ({ clock: 'virtual', args: ['--lambda-config', configPath] });

const scheduleLambda = (id: string, name: string, extra: { input?: string; control?: string; startToCloseTimeout?: string } = {}): Decision => ({
  decisionType: 'ScheduleLambdaFunction',
  scheduleLambdaFunctionDecisionAttributes: { id, name, ...extra },
});

/** Waits (boundedly) until the calls OpenSWF makes in the background have reached the history. */
async function historyWhen(swf: SWFClient, f: Fixture, run: Run, done: (events: HistoryEvent[]) => boolean): Promise<HistoryEvent[]> {
  for (let i = 0; i < 250; i++) {
    const events = await history(swf, f.domain, run);
    if (done(events)) return events;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the Lambda calls did not finish within 5 s');
}

const count = (events: HistoryEvent[], types: string[]): number => events.filter((e) => types.includes(e.eventType ?? '')).length;
const ENDINGS = ['LambdaFunctionCompleted', 'LambdaFunctionFailed', 'LambdaFunctionTimedOut', 'StartLambdaFunctionFailed'];

/** The events that concern the Lambda task scheduled as event `scheduledEventId`, after its scheduling. */
function lifeOf(events: HistoryEvent[], scheduledEventId: number): [string, unknown][] {
  return describeEvents(
    events.filter((e) => {
      const a = e.lambdaFunctionStartedEventAttributes ?? e.lambdaFunctionCompletedEventAttributes ?? e.lambdaFunctionFailedEventAttributes ?? e.lambdaFunctionTimedOutEventAttributes;
      return a?.scheduledEventId === scheduledEventId;
    }),
  );
}

test('Lambda tasks run on the operator’s HTTP endpoints: completed, failed, unreachable, unmapped', async (t) => {
  const { swf } = await serverForTest(t, withFunctions());
  const f = await registerFixture(swf);
  const run = await startOn(swf, f, uniqueName('lambda'));
  await decide(swf, f, run.taskList, [
    scheduleLambda('l1', 'echo', { input: '{"n":1}', control: 'ctl', startToCloseTimeout: '30' }),
    scheduleLambda('l2', 'fail', { input: '{"n":3}' }),
    scheduleLambda('l3', 'down'),
    scheduleLambda('l4', 'unreachable'),
    scheduleLambda('l5', ARN, { input: '"by arn"' }),
    scheduleLambda('l6', 'not-mapped'),
    scheduleLambda('l1', 'echo'),
    scheduleLambda('l7', 'empty'),
  ]);
  const events = await historyWhen(swf, f, run, (e) => count(e, ENDINGS) === 6);
  const scheduled = (id: string, name: string, extra: Record<string, unknown> = {}): [string, unknown] => [
    'LambdaFunctionScheduled',
    { id, name, startToCloseTimeout: '900', decisionTaskCompletedEventId: 4, ...extra },
  ];
  const scheduleFailed = (id: string, name: string, cause: string): [string, unknown] => [
    'ScheduleLambdaFunctionFailed',
    { id, name, cause, decisionTaskCompletedEventId: 4 },
  ];
  assert.deepEqual(describeEvents(events.slice(4, 13)), [
    scheduled('l1', 'echo', { control: 'ctl', input: '{"n":1}', startToCloseTimeout: '30' }),
    scheduled('l2', 'fail', { input: '{"n":3}' }),
    scheduled('l3', 'down'),
    scheduled('l4', 'unreachable'),
    scheduled('l5', ARN, { input: '"by arn"' }),
    // OpenSWF's answer for a name the operator did not map: no Lambda "in this region".
    scheduleFailed('l6', 'not-mapped', 'LAMBDA_SERVICE_NOT_AVAILABLE_IN_REGION'),
    scheduleFailed('l1', 'echo', 'ID_ALREADY_IN_USE'),
    scheduled('l7', 'empty'),
    ['DecisionTaskScheduled', { taskList: { name: run.taskList }, startToCloseTimeout: '60' }],
  ]);
  const startedId = (scheduledEventId: number): number => {
    const e = events.find((x) => x.lambdaFunctionStartedEventAttributes?.scheduledEventId === scheduledEventId);
    assert.ok(e?.eventId);
    return e.eventId;
  };
  const started = (scheduledEventId: number): [string, unknown] => ['LambdaFunctionStarted', { scheduledEventId }];
  const ids = { l1: 5, l2: 6, l3: 7, l4: 8, l5: 9, l7: 12 };
  assert.deepEqual(lifeOf(events, ids.l1), [started(ids.l1), ['LambdaFunctionCompleted', { scheduledEventId: ids.l1, startedEventId: startedId(ids.l1), result: 'echo:{"n":1}' }]]);
  assert.deepEqual(lifeOf(events, ids.l2), [
    started(ids.l2),
    ['LambdaFunctionFailed', { scheduledEventId: ids.l2, startedEventId: startedId(ids.l2), reason: 'bad input', details: 'n must be even' }],
  ]);
  assert.deepEqual(lifeOf(events, ids.l3), [
    started(ids.l3),
    ['LambdaFunctionFailed', { scheduledEventId: ids.l3, startedEventId: startedId(ids.l3), reason: 'HTTP 503', details: 'maintenance' }],
  ]);
  const unreachable = lifeOf(events, ids.l4);
  assert.equal(unreachable.length, 2);
  assert.deepEqual(unreachable[1]?.[0], 'LambdaFunctionFailed');
  assert.equal((unreachable[1]?.[1] as { reason?: string }).reason, 'EndpointUnreachable');
  assert.deepEqual(lifeOf(events, ids.l5), [started(ids.l5), ['LambdaFunctionCompleted', { scheduledEventId: ids.l5, startedEventId: startedId(ids.l5), result: 'echo:"by arn"' }]]);
  assert.deepEqual(lifeOf(events, ids.l7), [started(ids.l7), ['LambdaFunctionCompleted', { scheduledEventId: ids.l7, startedEventId: startedId(ids.l7) }]]);
  assert.equal((await describeRun(swf, f, run)).openCounts?.openLambdaFunctions, 0);

  // What the function saw: the input as the body, the operator's headers, and where it came from.
  const call = host.calls.find((c) => c.headers['x-openswf-run-id'] === run.runId && c.headers['x-openswf-function-id'] === 'l1');
  assert.ok(call);
  assert.equal(call.path, '/echo');
  assert.equal(call.body, '{"n":1}');
  assert.equal(call.headers['content-type'], 'application/json');
  assert.equal(call.headers.authorization, 'Bearer t0k');
  assert.equal(call.headers['x-openswf-function-name'], 'echo');
  assert.equal(call.headers['x-openswf-workflow-id'], run.workflowId);
  assert.equal(call.headers['x-openswf-domain'], f.domain);
  assert.equal(call.headers['x-openswf-scheduled-event-id'], String(ids.l1));
  assert.equal(host.calls.filter((c) => c.headers['x-openswf-run-id'] === run.runId).length, 5, 'each task is called once');

  // The decider hears of it all in one decision task.
  const task = await takeDecisionTask(swf, f, run.taskList);
  assert.equal(count(task.events ?? [], ENDINGS), 6);
});

test('a Lambda task that outlives its startToCloseTimeout times out; its late answer is ignored', async (t) => {
  const { server, swf } = await serverForTest(t, withFunctions());
  const f = await registerFixture(swf);
  const run = await startOn(swf, f, uniqueName('slow'));
  const slowCalls = host.callsTo('/slow');
  await decide(swf, f, run.taskList, [scheduleLambda('s1', 'slow', { startToCloseTimeout: '10' })]);
  await host.arrivals('/slow', slowCalls + 1);
  assert.equal((await describeRun(swf, f, run)).openCounts?.openLambdaFunctions, 1);
  await server.advance(9);
  assert.equal(count(await history(swf, f.domain, run), ENDINGS), 0);
  await server.advance(2);
  const events = await history(swf, f.domain, run);
  assert.deepEqual(describeEvents(events.slice(4)), [
    ['LambdaFunctionScheduled', { id: 's1', name: 'slow', startToCloseTimeout: '10', decisionTaskCompletedEventId: 4 }],
    ['LambdaFunctionStarted', { scheduledEventId: 5 }],
    ['LambdaFunctionTimedOut', { scheduledEventId: 5, startedEventId: 6, timeoutType: 'START_TO_CLOSE' }],
    ['DecisionTaskScheduled', { taskList: { name: run.taskList }, startToCloseTimeout: '60' }],
  ]);
  // The function answers after all: the task is gone, so the history does not change. (No
  // event tells when OpenSWF has handled the answer: give it a moment, then look.)
  host.release();
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal((await history(swf, f.domain, run)).length, events.length);
});

test('after a crash, a Lambda task that was in flight is not called again: its deadline times it out', async (t) => {
  const node = await restartableServer(t, withFunctions());
  const f = await registerFixture(node.swf);
  const run = await startOn(node.swf, f, uniqueName('crash'));
  const slowCalls = host.callsTo('/slow');
  await decide(node.swf, f, run.taskList, [scheduleLambda('s1', 'slow', { startToCloseTimeout: '10' })]);
  await host.arrivals('/slow', slowCalls + 1);
  await node.server.kill9();
  const swf = await node.restart();
  await node.server.advance(11);
  const events = await history(swf, f.domain, run);
  assert.deepEqual(describeEvents(events.slice(6)), [
    ['LambdaFunctionTimedOut', { scheduledEventId: 5, startedEventId: 6, timeoutType: 'START_TO_CLOSE' }],
    ['DecisionTaskScheduled', { taskList: { name: run.taskList }, startToCloseTimeout: '60' }],
  ]);
  assert.equal(host.callsTo('/slow'), slowCalls + 1, 'the function was not called again');
});

test('a bad --lambda-config stops the server before it listens, naming the entry', async () => {
  const bad = join(configDir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ echo: { url: 'ftp://example.invalid/' } }));
  await expectStartFailure({ args: ['--lambda-config', bad] }, /function "echo": the url must be http or https/);
});
