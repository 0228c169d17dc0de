/**
 * The virtual clock as users drive it: the admin endpoints, the `openswf clock` command, event
 * timestamps that follow the clock, and long polls woken by what an advance fires.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PollForDecisionTaskCommand } from '@aws-sdk/client-swf';
import { serverForFile, serverForTest } from '../helpers/setup.js';
import { history, registerFixture } from '../helpers/swf.js';
import { decide, eventAt, startTimer } from '../helpers/workflow.js';
import { advance, serverNow, signal, startTimedRun, timeOf } from './time-support.js';

const CLI = resolve(fileURLToPath(import.meta.url), '../../../src/cli/main.js');
const run = promisify(execFile);

// Long polls here hold 20 s, so a poll that answers sooner was woken, not timed out.
const { server, swf } = await serverForFile({ clock: 'virtual', pollTimeoutMs: 20_000 });

async function admin(path: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server.url}${path}`, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const post = (body: string): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body });

test('GET /admin/clock tells the kind, the time and the next deadline; advance moves it', async () => {
  const first = await admin('/admin/clock');
  assert.equal(first.status, 200);
  assert.equal(first.body.kind, 'virtual');
  const now = first.body.now as number;
  // A virtual clock starts at the real now.
  assert.ok(Math.abs(now * 1000 - Date.now()) < 60_000, `virtual now ${now} is near the real now`);

  const moved = await admin('/admin/clock/advance', post('{"seconds": 90.5}'));
  assert.equal(moved.status, 200);
  assert.equal(moved.body.now, now + 90.5);
  assert.equal(typeof moved.body.fired, 'number');
  assert.equal((await admin('/admin/clock')).body.now, now + 90.5);

  // The next deadline is the earliest armed one: here a run's one-hour timeout.
  const f = await registerFixture(swf);
  await startTimedRun(swf, f, 'w', { executionStartToCloseTimeout: '3600' });
  const clock = await admin('/admin/clock');
  assert.ok(typeof clock.body.nextDeadline === 'number' && clock.body.nextDeadline <= (clock.body.now as number) + 3600);
});

test('advance refuses bodies that are not {"seconds": n} with n from 0 up, and other methods', async () => {
  for (const body of ['{}', '{"seconds": -1}', '{"seconds": "60"}', 'not json', '[]', '{"seconds": 1e12}']) {
    const res = await admin('/admin/clock/advance', post(body));
    assert.equal(res.status, 400, body);
    assert.match(String(res.body.message), /seconds/);
  }
  assert.equal((await admin('/admin/clock/advance')).status, 405);
  assert.equal((await admin('/admin/clock', post('{}'))).status, 405);
});

test('`openswf clock now` and `openswf clock advance 1h` drive the server from the command line', async () => {
  const before = await serverNow(server);
  const now = await run(process.execPath, [CLI, 'clock', 'now', '--json', '--endpoint', server.url]);
  assert.equal((JSON.parse(now.stdout) as { now: number }).now * 1000, before);

  const moved = await run(process.execPath, [CLI, 'clock', 'advance', '1h', '--json', '--endpoint', server.url]);
  assert.equal(Math.round((JSON.parse(moved.stdout) as { now: number }).now * 1000), before + 3_600_000);
  assert.equal(await serverNow(server), before + 3_600_000);

  await assert.rejects(run(process.execPath, [CLI, 'clock', 'advance', 'soon', '--endpoint', server.url]), (err: { code?: number; stderr?: string }) => {
    assert.equal(err.code, 2);
    assert.match(String(err.stderr), /invalid duration/);
    return true;
  });
});

test('events that calls record carry the virtual time', async () => {
  const f = await registerFixture(swf);
  const started = await startTimedRun(swf, f, 'w');
  const startedAt = await serverNow(server);
  await advance(server, 7200);
  await signal(swf, f, started);
  const events = await history(swf, f.domain, started);
  assert.equal(timeOf(eventAt(events, 1, 'WorkflowExecutionStarted')), startedAt);
  assert.equal(timeOf(eventAt(events, 3, 'WorkflowExecutionSignaled')), startedAt + 7_200_000);
});

test('a long poll waiting on a task list is answered as soon as an advance fires a timer', async () => {
  const f = await registerFixture(swf);
  const w = await startTimedRun(swf, f, 'w');
  await decide(swf, f, w, [startTimer('wake', '600')]);
  const waiting = swf.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: f.taskList } }));
  await new Promise((r) => setTimeout(r, 200)); // let the poll start waiting
  const advancedAt = Date.now();
  await advance(server, 600);
  const task = await waiting;
  assert.ok(Date.now() - advancedAt < 5_000, 'the poll was woken, not timed out');
  assert.equal(task.startedEventId, 8);
  assert.deepEqual(task.events?.find((e) => e.eventType === 'TimerFired')?.timerFiredEventAttributes, { timerId: 'wake', startedEventId: 5 });
});

test('a server on the real clock reports it and refuses to be advanced', async (t) => {
  const { server: real } = await serverForTest(t, { clock: 'real' });
  const clock = await fetch(`${real.url}/admin/clock`);
  const body = (await clock.json()) as { kind: string; now: number };
  assert.equal(body.kind, 'real');
  assert.ok(Math.abs(body.now * 1000 - Date.now()) < 5_000);
  const res = await fetch(`${real.url}/admin/clock/advance`, post('{"seconds": 60}'));
  assert.equal(res.status, 400);
  assert.match(((await res.json()) as { message: string }).message, /virtual/);
});
