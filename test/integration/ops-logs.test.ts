/** The server's log: one JSON line per request, lifecycle lines, formats and levels, nothing secret. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeDomainCommand, ListDomainsCommand, SignalWorkflowExecutionCommand, StartWorkflowExecutionCommand } from '@aws-sdk/client-swf';
import { restartableServer, serverForTest } from '../helpers/setup.js';
import { TestServer } from '../helpers/server.js';
import { faultOf, registerFixture } from '../helpers/swf.js';
import { complete, respond, startRun, startTimer, takeDecisionTask } from '../helpers/workflow.js';
import { startCli } from '../helpers/cli.js';
import net, { type AddressInfo } from 'node:net';

const SECRET_INPUT = 'customer-card-4111111111111111';

test('one line per request: time, request id, operation, domain, outcome, duration, client', async (t) => {
  const { server, swf } = await serverForTest(t);
  const f = await registerFixture(swf);
  const started = await swf.send(
    new StartWorkflowExecutionCommand({ domain: f.domain, workflowId: 'w', workflowType: f.workflowType, input: SECRET_INPUT }),
  );
  const task = await takeDecisionTask(swf, f, { workflowId: 'w', runId: started.runId ?? '' });
  await respond(swf, task.taskToken, [complete(SECRET_INPUT)]);
  const fault = await faultOf(swf.send(new DescribeDomainCommand({ name: 'nowhere' })));
  await faultOf(swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, workflowId: 'w', signalName: 's', input: SECRET_INPUT })));

  const startLine = await server.waitForLog((l) => l.requestId === started.$metadata.requestId);
  assert.equal(startLine.level, 'info');
  assert.equal(startLine.msg, 'request');
  assert.equal(startLine.operation, 'StartWorkflowExecution');
  assert.equal(startLine.domain, f.domain);
  assert.equal(startLine.outcome, 'ok');
  assert.equal(startLine.status, 200);
  assert.equal(startLine.client, '127.0.0.1');
  assert.equal(typeof startLine.durationMs, 'number');
  assert.ok(!Number.isNaN(Date.parse(String(startLine.time))), 'an ISO timestamp');

  const faultLine = await server.waitForLog((l) => l.requestId === (fault as { $metadata?: { requestId?: string } }).$metadata?.requestId);
  assert.equal(faultLine.operation, 'DescribeDomain');
  assert.equal(faultLine.outcome, 'UnknownResourceFault');
  assert.equal(faultLine.status, 400);
  await server.waitForLog((l) => l.operation === 'SignalWorkflowExecution' && l.outcome === 'UnknownResourceFault');

  // Every call has its line, and only one.
  const requests = server.logLines().filter((l) => l.msg === 'request');
  assert.deepEqual(
    requests.map((l) => l.operation),
    ['RegisterDomain', 'RegisterWorkflowType', 'RegisterActivityType', 'StartWorkflowExecution', 'PollForDecisionTask', 'RespondDecisionTaskCompleted', 'DescribeDomain', 'SignalWorkflowExecution'],
  );
  assert.equal(new Set(requests.map((l) => l.requestId)).size, requests.length);

  // No input, result, task token or signature in any line.
  const text = server.logs();
  assert.ok(!text.includes(SECRET_INPUT), 'inputs and results are never logged');
  assert.ok(!text.includes(task.taskToken), 'task tokens are never logged');
  assert.doesNotMatch(text, /Signature=|Credential=|AWS4-HMAC-SHA256/);
});

test('lifecycle lines: starting, migrations, listening, shutting down, stopped', async () => {
  const server = await TestServer.start();
  try {
    await server.stop();
    const lines = server.logLines().map((l) => String(l.msg));
    assert.match(lines[0] ?? '', /^openswf \S+ starting$/);
    assert.ok(lines.includes('migration 001_init.sql applied'));
    assert.ok(lines.some((m) => /^openswf listening on http:\/\/127\.0\.0\.1:\d+ \(data: .+, clock: real, auth: off, any credentials accepted\)$/.test(m)));
    assert.deepEqual(lines.slice(-2), ['SIGTERM: shutting down', 'stopped']);
  } finally {
    await server.dispose();
  }
});

test('--log-format pretty writes lines for people; --log-level warn leaves out the request lines', async (t) => {
  const { server: pretty, swf } = await serverForTest(t, { args: ['--log-format', 'pretty'] });
  await swf.send(new ListDomainsCommand({ registrationStatus: 'REGISTERED' }));
  await pretty.stop();
  assert.equal(pretty.logLines().length, 0, 'no JSON lines');
  assert.match(pretty.logs(), /INFO.*openswf listening on http:/);
  assert.match(pretty.logs(), /INFO.*request .*"operation":"ListDomains"/);

  // At warn, not even the "listening" line is written: find the server through a port of our choosing.
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const quiet = startCli(['serve', '--port', String(port), '--in-memory', '--log-level', 'warn']);
  let out = '';
  quiet.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => quiet.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  for (let answered = false; !answered; ) answered = await fetch(`${url}/health`).then((r) => r.ok, () => false);
  const res = await fetch(url, { method: 'POST', headers: { 'x-amz-target': 'SimpleWorkflowService.ListDomains', 'content-type': 'application/x-amz-json-1.0' }, body: '{"registrationStatus":"REGISTERED"}' });
  assert.equal(res.status, 200);
  quiet.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.equal(out, '', 'nothing below warn is written');
});

test('a deadline that fires late is warned about and counted in openswf_timer_lateness_seconds', async (t) => {
  // Lateness is real time by nature (a virtual clock fires each deadline at its due time):
  // a timer falls due while the server is down, and fires, late, when it comes back.
  const node = await restartableServer(t, { clock: 'real' });
  const f = await registerFixture(node.swf);
  const run = await startRun(node.swf, f, 'late');
  const task = await takeDecisionTask(node.swf, f, run);
  await respond(node.swf, task.taskToken, [startTimer('t', '1')]);
  const armedAt = Date.now();
  await node.server.stop();
  await new Promise((resolve) => setTimeout(resolve, armedAt + 2_500 - Date.now()));
  await node.restart();
  const warning = await node.server.waitForLog((l) => l.level === 'warn' && /^a deadline fired \d+ ms late/.test(String(l.msg)));
  assert.ok(Number(warning.lateMs) > 1_000, `late by more than a second: ${warning.lateMs} ms`);
  assert.equal(warning.deadline, 'timer');
  const text = await (await fetch(`${node.server.url}/metrics`)).text();
  assert.match(text, /^openswf_timer_lateness_seconds_count 1$/m);
  assert.match(text, /^openswf_timer_lateness_seconds_bucket\{le="1"\} 0$/m, 'more than a second late');
});
