/**
 * The operator CLI through its real binary against a spawned server: every command, its
 * --json output parsed, its table, the exit codes (0 / 1 run-time failure / 2 usage mistake),
 * --help on every command, --version, and a refused connection naming the URL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { TerminateWorkflowExecutionCommand, type HistoryEvent, type WorkflowExecutionInfo } from '@aws-sdk/client-swf';
import { serverForFile } from '../helpers/setup.js';
import { registerFixture, uniqueName } from '../helpers/swf.js';
import { scheduleActivity, startRun, takeDecisionTask, respond } from '../helpers/workflow.js';
import { cliJson, runCli, startCli } from '../helpers/cli.js';

const { server, swf } = await serverForFile();
const at = ['--endpoint', server.url];

/** Runs the calls a few at a time: dozens of node processes at once would starve the test file running beside this one. */
async function inBatches<T>(calls: (() => Promise<T>)[], size = 3): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < calls.length; i += size) results.push(...(await Promise.all(calls.slice(i, i + size).map((call) => call()))));
  return results;
}

const COMMANDS = [
  [],
  ['serve'],
  ['domains'],
  ['domains', 'list'],
  ['domains', 'describe'],
  ['domains', 'register'],
  ['domains', 'deprecate'],
  ['types'],
  ['types', 'list'],
  ['executions'],
  ['executions', 'list'],
  ['executions', 'describe'],
  ['executions', 'history'],
  ['executions', 'signal'],
  ['executions', 'cancel'],
  ['executions', 'terminate'],
  ['tasks'],
  ['tasks', 'count'],
  ['clock'],
  ['clock', 'now'],
  ['clock', 'advance'],
];

test('--help on every command prints its usage and exits 0', async () => {
  const results = await inBatches(COMMANDS.map((command) => () => runCli([...command, '--help'])));
  COMMANDS.forEach((command, i) => {
    const r = results[i];
    assert.equal(r?.code, 0, `openswf ${command.join(' ')} --help: ${r?.stderr}`);
    assert.match(r?.stdout ?? '', new RegExp(`^Usage: openswf ${command.join(' ')}`.trimEnd()), command.join(' '));
  });
  for (const args of [['help'], ['help', 'executions'], ['executions', 'help', 'history'], ['domains', '-h']]) {
    const r = await runCli(args);
    assert.equal(r.code, 0, `openswf ${args.join(' ')}`);
    assert.match(r.stdout, /^Usage: openswf/);
  }
  const serve = await runCli(['serve', '--help']);
  for (const flag of ['--port', '--in-memory', '--log-format', '--log-level', '--shutdown-timeout', '--database-url']) assert.match(serve.stdout, new RegExp(flag));
});

test('--version prints the package version and exits 0', async () => {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  for (const flag of ['--version', '-V']) {
    const r = await runCli([flag]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), pkg.version);
  }
});

test('usage mistakes exit 2 with a message, everywhere', async () => {
  const mistakes: [string[], RegExp][] = [
    [[], /Usage: openswf/],
    [['bogus'], /unknown command 'bogus'/],
    [['domains'], /Usage: openswf domains/],
    [['domains', 'list', '--bogus'], /unknown option '--bogus'/],
    [['domains', 'describe', ...at], /missing required argument 'name'/],
    [['types', 'list', ...at], /required option '--domain <name>' not specified/],
    [['types', 'list', '--domain', 'd', '--kind', 'both', ...at], /Allowed choices are workflow, activity, all/],
    [['executions', 'list', '--domain', 'd', '--tag', 't', '--workflow-id', 'w', ...at], /exclude one another/],
    [['executions', 'list', '--domain', 'd', '--limit', 'many', ...at], /--limit must be/],
    [['domains', 'register', 'd', '--retention-days', '400', ...at], /--retention-days/],
    [['domains', 'list', '--endpoint', 'not a url'], /not a URL/],
    [['clock', 'advance', 'soon', ...at], /invalid duration/],
    [['serve', '--port', 'x'], /invalid --port/],
    [['serve', '--log-level', 'loud'], /Allowed choices are/],
  ];
  const results = await inBatches(mistakes.map(([args]) => () => runCli(args)));
  mistakes.forEach(([args, message], i) => {
    const r = results[i];
    assert.equal(r?.code, 2, `openswf ${args.join(' ')} exits 2 (got ${r?.code}): ${r?.stderr}`);
    assert.match(r?.stderr ?? '', message, args.join(' '));
  });
});

test('domains register, list, describe and deprecate', async () => {
  const name = uniqueName('cli-domain');
  const registered = await runCli(['domains', 'register', name, '--retention-days', '3', '--description', 'made by the CLI', ...at]);
  assert.equal(registered.code, 0, registered.stderr);
  assert.match(registered.stdout, new RegExp(`registered domain ${name}`));

  const list = await cliJson<{ name: string; status: string; description?: string }[]>(['domains', 'list', '--json', ...at]);
  assert.deepEqual(
    list.filter((d) => d.name === name).map(({ name: n, status, description }) => ({ n, status, description })),
    [{ n: name, status: 'REGISTERED', description: 'made by the CLI' }],
  );
  const table = await runCli(['domains', 'list', ...at]);
  assert.match(table.stdout, /^NAME +STATUS +DESCRIPTION$/m);
  assert.match(table.stdout, new RegExp(`^${name} +REGISTERED +made by the CLI$`, 'm'));

  const described = await cliJson<{ domainInfo: { name: string; arn: string }; configuration: { workflowExecutionRetentionPeriodInDays: string } }>(['domains', 'describe', name, '--json', ...at]);
  assert.equal(described.domainInfo.name, name);
  assert.equal(described.configuration.workflowExecutionRetentionPeriodInDays, '3');
  assert.match((await runCli(['domains', 'describe', name, ...at])).stdout, /^retention days: 3$/m);

  assert.equal((await runCli(['domains', 'deprecate', name, ...at])).code, 0);
  const deprecated = await cliJson<{ name: string }[]>(['domains', 'list', '--deprecated', '--json', ...at]);
  assert.ok(deprecated.some((d) => d.name === name));
  assert.ok(!(await cliJson<{ name: string }[]>(['domains', 'list', '--json', ...at])).some((d) => d.name === name));
});

test('a fault from the server exits 1 and names it', async () => {
  const r = await runCli(['domains', 'describe', 'no-such-domain', ...at]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^openswf: UnknownResourceFault: Unknown domain: no-such-domain$/m);
  assert.equal(r.stdout, '');
});

test('a refused connection exits 1 and says which URL was tried', async () => {
  // A port that was just free: nothing listens there.
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const url = `http://127.0.0.1:${port}`;
  for (const args of [['domains', 'list', '--endpoint', url], ['clock', 'now', '--endpoint', url]]) {
    const r = await runCli(args);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`cannot reach the OpenSWF server at ${url} \\(connection refused\\)`));
  }
  // OPENSWF_ENDPOINT is the default endpoint.
  const viaEnv = await runCli(['domains', 'list'], { OPENSWF_ENDPOINT: url });
  assert.match(viaEnv.stderr, new RegExp(`at ${url} `));
  const reached = await runCli(['domains', 'list', '--json'], { OPENSWF_ENDPOINT: server.url });
  assert.equal(reached.code, 0, reached.stderr);
});

test('types list shows the workflow and activity types', async () => {
  const f = await registerFixture(swf);
  const types = await cliJson<{ kind: string; name: string; version: string; status: string }[]>(['types', 'list', '--domain', f.domain, '--json', ...at]);
  assert.deepEqual(
    types.map(({ kind, name, version, status }) => ({ kind, name, version, status })),
    [
      { kind: 'workflow', ...f.workflowType, status: 'REGISTERED' },
      { kind: 'activity', ...f.activityType, status: 'REGISTERED' },
    ],
  );
  const activities = await cliJson<{ kind: string }[]>(['types', 'list', '--domain', f.domain, '--kind', 'activity', '--json', ...at]);
  assert.deepEqual(activities.map((t) => t.kind), ['activity']);
  assert.match((await runCli(['types', 'list', '--domain', f.domain, ...at])).stdout, /^workflow +order +1 +REGISTERED/m);
});

test('executions list, describe, signal, cancel, terminate; tasks count', async () => {
  const f = await registerFixture(swf);
  const a = await startRun(swf, f, 'wf-a', { tagList: ['blue'] });
  const b = await startRun(swf, f, 'wf-b');
  const d = ['--domain', f.domain, ...at];

  const open = await cliJson<WorkflowExecutionInfo[]>(['executions', 'list', ...d, '--json']);
  assert.deepEqual(open.map((e) => e.execution?.workflowId).sort(), ['wf-a', 'wf-b']);
  assert.deepEqual((await cliJson<WorkflowExecutionInfo[]>(['executions', 'list', ...d, '--tag', 'blue', '--json'])).map((e) => e.execution?.runId), [a.runId]);
  assert.deepEqual((await cliJson<WorkflowExecutionInfo[]>(['executions', 'list', ...d, '--workflow-id', 'wf-b', '--json'])).map((e) => e.execution?.runId), [b.runId]);
  assert.equal((await cliJson<WorkflowExecutionInfo[]>(['executions', 'list', ...d, '--limit', '1', '--json'])).length, 1);
  const table = await runCli(['executions', 'list', ...d]);
  assert.match(table.stdout, /^WORKFLOW ID +RUN ID +TYPE +STATUS +STARTED +CLOSED$/m);
  assert.match(table.stdout, new RegExp(`^wf-a +${a.runId} +order:1 +OPEN `, 'm'));

  // Two decision tasks wait on the list (one per run).
  const counts = await cliJson<{ decision: { count: number }; activity: { count: number } }>(['tasks', 'count', ...d, '--task-list', f.taskList, '--json']);
  assert.deepEqual(counts, { decision: { count: 2, truncated: false }, activity: { count: 0, truncated: false } });
  assert.match((await runCli(['tasks', 'count', ...d, '--task-list', f.taskList, '--kind', 'decision'])).stdout, /^decision +2$/m);

  // describe without --run-id finds the open run.
  const described = await cliJson<{ executionInfo: { execution: { runId: string }; executionStatus: string }; openCounts: { openDecisionTasks: number } }>([
    'executions', 'describe', ...d, '--workflow-id', 'wf-a', '--json',
  ]);
  assert.equal(described.executionInfo.execution.runId, a.runId);
  assert.equal(described.executionInfo.executionStatus, 'OPEN');
  assert.equal(described.openCounts.openDecisionTasks, 1);
  assert.match((await runCli(['executions', 'describe', ...d, '--workflow-id', 'wf-a'])).stdout, /^status: +OPEN$/m);

  assert.equal((await runCli(['executions', 'signal', ...d, '--workflow-id', 'wf-a', '--signal', 'poke', '--input', 'now'])).code, 0);
  assert.equal((await runCli(['executions', 'cancel', ...d, '--workflow-id', 'wf-a', '--run-id', a.runId])).code, 0);
  const terminated = await runCli(['executions', 'terminate', ...d, '--workflow-id', 'wf-b', '--reason', 'enough']);
  assert.equal(terminated.code, 0, terminated.stderr);

  // history --json: one event object per line.
  const lines = (await runCli(['executions', 'history', ...d, '--workflow-id', 'wf-a', '--json'])).stdout.trim().split('\n');
  const events = lines.map((l) => JSON.parse(l) as HistoryEvent);
  assert.deepEqual(events.map((e) => e.eventType), ['WorkflowExecutionStarted', 'DecisionTaskScheduled', 'WorkflowExecutionSignaled', 'WorkflowExecutionCancelRequested']);
  assert.equal(events[2]?.workflowExecutionSignaledEventAttributes?.input, 'now');

  const closed = await cliJson<WorkflowExecutionInfo[]>(['executions', 'list', ...d, '--closed', '--status', 'TERMINATED', '--json']);
  assert.deepEqual(closed.map((e) => [e.execution?.workflowId, e.closeStatus]), [['wf-b', 'TERMINATED']]);
  // A closed run is found without --run-id too.
  const ended = await cliJson<{ executionInfo: { closeStatus: string } }>(['executions', 'describe', ...d, '--workflow-id', 'wf-b', '--json']);
  assert.equal(ended.executionInfo.closeStatus, 'TERMINATED');

  const gone = await runCli(['executions', 'describe', ...d, '--workflow-id', 'never-started']);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /no execution with workflowId never-started/);
});

test('executions history prints a timeline, coloured on request, and --follow streams until the run closes', async () => {
  const f = await registerFixture(swf);
  const run = await startRun(swf, f, 'followed');
  const d = ['--domain', f.domain, '--workflow-id', run.workflowId, ...at];

  const plain = await runCli(['executions', 'history', ...d]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, /^ {3}1 {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} {2}WorkflowExecutionStarted +.*workflowType=order:1/m);
  assert.match(plain.stdout, /^ {3}2 .*DecisionTaskScheduled +.*taskList=decisions-/m);
  assert.doesNotMatch(plain.stdout, /\u001b\[/, 'no colour codes when NO_COLOR is set and stdout is no terminal');
  const coloured = await runCli(['executions', 'history', ...d], { NO_COLOR: '', FORCE_COLOR: '1' });
  assert.match(coloured.stdout, /\u001b\[36mDecisionTaskStarted|\u001b\[34mDecisionTaskScheduled/);

  // --follow: prints what is there, then each new event as it comes, and ends with the run.
  const follower = startCli(['executions', 'history', ...d, '--follow', '--interval', '50', '--json']);
  let out = '';
  const seen = (type: string) =>
    new Promise<void>((resolve, reject) => {
      const look = () => {
        if (out.includes(`"eventType":"${type}"`)) {
          follower.stdout?.off('data', look);
          resolve();
        }
      };
      follower.stdout?.on('data', look);
      follower.once('exit', () => (out.includes(`"eventType":"${type}"`) ? resolve() : reject(new Error(`exited before ${type}:\n${out}`))));
      look();
    });
  follower.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => follower.once('exit', resolve));
  await seen('DecisionTaskScheduled');
  const task = await takeDecisionTask(swf, f, run);
  await seen('DecisionTaskStarted');
  await respond(swf, task.taskToken, [scheduleActivity(f, 'a1')]);
  await seen('ActivityTaskScheduled');
  await swf.send(new TerminateWorkflowExecutionCommand({ domain: f.domain, workflowId: run.workflowId }));
  assert.equal(await exited, 0, 'follow ends when the run closes');
  const types = out.trim().split('\n').map((l) => (JSON.parse(l) as HistoryEvent).eventType);
  assert.deepEqual(types, [
    'WorkflowExecutionStarted',
    'DecisionTaskScheduled',
    'DecisionTaskStarted',
    'DecisionTaskCompleted',
    'ActivityTaskScheduled',
    'WorkflowExecutionTerminated',
  ]);
});
