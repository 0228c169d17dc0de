/**
 * Clean shutdown on SIGTERM: the server stops accepting, answers a waiting long poll empty at
 * once, lets a call in flight finish, then exits 0; --shutdown-timeout bounds the wait; a
 * signal during start-up stops the start.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { PollForDecisionTaskCommand } from '@aws-sdk/client-swf';
import { serverForTest } from '../helpers/setup.js';
import { registerFixture } from '../helpers/swf.js';
import { startCli } from '../helpers/cli.js';

interface Answer {
  status: number;
  body: string;
}

/**
 * Sends an SWF call whose body arrives in two parts: the request is in flight (its headers
 * read) until `finish` sends the rest.
 */
function callInTwoParts(url: string, target: string, body: string): { finish(): void; answer: Promise<Answer> } {
  const payload = Buffer.from(body);
  const u = new URL(url);
  const req = http.request({
    host: u.hostname,
    port: u.port,
    method: 'POST',
    path: '/',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `SimpleWorkflowService.${target}`, 'content-length': payload.length },
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    req.once('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.once('error', reject);
  });
  req.write(payload.subarray(0, 10));
  return { finish: () => req.end(payload.subarray(10)), answer };
}

test('SIGTERM: a waiting poll answers empty at once, a call in flight completes, then the server exits 0', async (t) => {
  const { server, swf } = await serverForTest(t, { pollTimeoutMs: 60_000, args: ['--log-level', 'debug'] });
  const f = await registerFixture(swf);

  const pollStarted = Date.now();
  const poll = swf.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: f.taskList } }));
  await server.waitForLog((l) => l.msg === 'request received' && l.target === 'SimpleWorkflowService.PollForDecisionTask');

  const start = callInTwoParts(server.url, 'StartWorkflowExecution', JSON.stringify({ domain: f.domain, workflowId: 'late', workflowType: f.workflowType }));
  await server.waitForLog((l) => l.msg === 'request received' && l.target === 'SimpleWorkflowService.StartWorkflowExecution');

  const exited = server.signalAndWait('SIGTERM');
  await server.waitForLog((l) => l.msg === 'SIGTERM: shutting down');

  const empty = await poll;
  assert.ok(!empty.taskToken, 'the waiting poll answered with no task');
  assert.equal(empty.startedEventId, 0);
  assert.ok(Date.now() - pollStarted < 30_000, 'answered at the shutdown, not at its 60 s timeout');

  // New connections are refused while the call in flight is still being served.
  await assert.rejects(fetch(`${server.url}/health`), (err: Error & { cause?: { code?: string } }) => {
    assert.equal(err.cause?.code, 'ECONNREFUSED');
    return true;
  });

  start.finish();
  const started = await start.answer;
  assert.equal(started.status, 200, started.body);
  assert.match((JSON.parse(started.body) as { runId: string }).runId, /^[0-9a-f]+$/);

  assert.equal(await exited, 0);
  const lines = server.logLines();
  assert.ok(lines.some((l) => l.operation === 'StartWorkflowExecution' && l.outcome === 'ok'), 'the call in flight was answered');
  assert.equal(lines.at(-1)?.msg, 'stopped');
});

test('--shutdown-timeout bounds the wait for a call that never completes', async (t) => {
  const { server } = await serverForTest(t, { args: ['--shutdown-timeout', '1s', '--log-level', 'debug'] });
  const stuck = callInTwoParts(server.url, 'ListDomains', '{"registrationStatus":"REGISTERED"}');
  stuck.answer.catch(() => undefined); // its connection is cut
  await server.waitForLog((l) => l.msg === 'request received' && l.target === 'SimpleWorkflowService.ListDomains');
  const began = Date.now();
  assert.equal(await server.signalAndWait('SIGTERM'), 0);
  const took = Date.now() - began;
  assert.ok(took >= 900 && took < 8_000, `stopped after the 1 s bound (took ${took} ms)`);
  assert.ok(server.logLines().some((l) => l.level === 'warn' && /1 call\(s\) still in flight after 1000 ms were cut off/.test(String(l.msg))));
});

test('a signal during start-up (a database that never answers) stops the start and exits 0', async () => {
  // A "PostgreSQL" that accepts connections and never says a word.
  const sockets: net.Socket[] = [];
  let connected: () => void = () => {};
  const arrived = new Promise<void>((resolve) => (connected = resolve));
  const silent = net.createServer((socket) => {
    sockets.push(socket);
    connected();
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as AddressInfo;
  try {
    const child = startCli(['serve', '--port', '0', '--database-url', `postgres://openswf@127.0.0.1:${port}/openswf`]);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await arrived;
    const began = Date.now();
    child.kill('SIGTERM');
    assert.equal(await exited, 0, out);
    assert.ok(Date.now() - began < 5_000);
    const messages = out.trim().split('\n').map((l) => (JSON.parse(l) as { msg: string }).msg);
    assert.ok(!messages.some((m) => m.includes('listening')), 'it never listened');
    assert.deepEqual(messages.slice(-2), ['SIGTERM: shutting down', 'stopped during start-up']);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});
