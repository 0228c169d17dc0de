/** The request line names the authenticated caller that the front put in the request's context. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createHttpServer } from '../../src/server/http.js';
import { requestObserver } from '../../src/server/request-log.js';
import { Metrics } from '../../src/server/metrics.js';

test('the request line carries the caller, operation, domain and outcome; the counter counts it', async () => {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  const metrics = new Metrics();
  const server = createHttpServer({
    log,
    requests: requestObserver(log, metrics),
    dispatch: async (_operation, _input, ctx) => {
      // What authentication does before the handler runs.
      ctx.caller = { name: 'alice', accountId: '123456789012', arn: 'arn:aws:iam::123456789012:user/alice' };
      return { typeInfos: [] };
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: { 'x-amz-target': 'SimpleWorkflowService.ListWorkflowTypes', 'content-type': 'application/x-amz-json-1.0' },
      body: JSON.stringify({ domain: 'orders', registrationStatus: 'REGISTERED' }),
    });
    await res.text();
    // The line is written on the response's 'close', which may follow the client's read by a tick.
    while (lines.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const line = lines[0] ?? {};
    assert.equal(line.msg, 'request');
    assert.equal(line.requestId, res.headers.get('x-amzn-requestid'));
    assert.equal(line.caller, 'alice');
    assert.equal(line.operation, 'ListWorkflowTypes');
    assert.equal(line.outcome, 'ok');
    assert.equal(line.domain, 'orders');
    const text = await metrics.registry.metrics();
    assert.match(text, /openswf_requests_total\{operation="ListWorkflowTypes",outcome="ok"\} 1/);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
