/**
 * Optional throttling: off by default; `--throttle swf` applies SWF's published token
 * buckets; `--throttle-config` sets buckets per operation. A call over the rate answers
 * ThrottlingException (HTTP 400, com.amazon.coral.availability), which the SDK retries.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeDomainCommand, ListDomainsCommand, RegisterDomainCommand, SWFClient } from '@aws-sdk/client-swf';
import { expectStartFailure, serverForTest } from '../helpers/setup.js';
import { faultOf, uniqueName } from '../helpers/swf.js';

/** Writes a throttle configuration file in a folder of its own; removed after the test. */
function configFile(t: { after(fn: () => void): void }, config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'openswf-throttle-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'throttle.json');
  writeFileSync(path, typeof config === 'string' ? config : JSON.stringify(config));
  return path;
}

/** Calls `call` `n` times, one after the other; returns how many were throttled, and the first error. */
async function burst(n: number, call: () => Promise<unknown>): Promise<{ ok: number; throttled: number; firstThrottledAt: number; error?: Error }> {
  let ok = 0;
  let throttled = 0;
  let firstThrottledAt = -1;
  let error: Error | undefined;
  for (let i = 0; i < n; i++) {
    try {
      await call();
      ok++;
    } catch (err) {
      if (!(err instanceof Error) || err.name !== 'ThrottlingException') throw err;
      if (throttled === 0) [firstThrottledAt, error] = [i, err];
      throttled++;
    }
  }
  return { ok, throttled, firstThrottledAt, ...(error ? { error } : {}) };
}

test('off by default: 150 ListDomains in a row all pass', async (t) => {
  const { swf } = await serverForTest(t);
  const result = await burst(150, () => swf.send(new ListDomainsCommand({ registrationStatus: 'REGISTERED' })));
  assert.deepEqual(result, { ok: 150, throttled: 0, firstThrottledAt: -1 });
});

test("--throttle swf: ListDomains' bucket of 100 empties, other operations keep their own", async (t) => {
  const { server, swf } = await serverForTest(t, { args: ['--throttle', 'swf'] });
  const name = uniqueName('throttled');
  await swf.send(new RegisterDomainCommand({ name, workflowExecutionRetentionPeriodInDays: '1' }));
  // 100 tokens, 6 more a second: 130 calls in well under 5 seconds cannot all pass.
  const started = performance.now();
  const result = await burst(130, () => swf.send(new ListDomainsCommand({ registrationStatus: 'REGISTERED' })));
  const seconds = (performance.now() - started) / 1000;
  assert.ok(result.firstThrottledAt >= 100, `the first 100 calls pass (first refused: ${result.firstThrottledAt})`);
  assert.ok(result.ok <= 100 + Math.ceil(seconds * 6) + 1, `${result.ok} passed in ${seconds.toFixed(2)} s`);
  assert.equal(result.error?.message, 'Rate exceeded');
  assert.equal((result.error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, 400);
  assert.equal((await swf.send(new DescribeDomainCommand({ name }))).domainInfo?.name, name);

  // On the wire (the bucket refills meanwhile: the first call or two may pass again).
  const listDomains = () =>
    fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'SimpleWorkflowService.ListDomains' },
      body: JSON.stringify({ registrationStatus: 'REGISTERED' }),
    });
  let res = await listDomains();
  for (let i = 0; i < 5 && res.status === 200; i++) res = await listDomains();
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), { __type: 'com.amazon.coral.availability#ThrottlingException', message: 'Rate exceeded' });
});

test('--throttle-config: buckets per operation; the SDK retries a throttled call', async (t) => {
  const path = configFile(t, {
    operations: { DescribeDomain: { bucketSize: 2, refillPerSecond: 0.001 }, RegisterDomain: { bucketSize: 1, refillPerSecond: 4 } },
  });
  const { server, swf } = await serverForTest(t, { args: ['--throttle-config', path] });
  const name = uniqueName('configured');
  await swf.send(new RegisterDomainCommand({ name, workflowExecutionRetentionPeriodInDays: '1' }));
  const describe = () => swf.send(new DescribeDomainCommand({ name }));
  const result = await burst(4, describe);
  assert.deepEqual([result.ok, result.throttled, result.firstThrottledAt, result.error?.message], [2, 2, 2, 'Rate exceeded']);
  // Operations without a bucket are not throttled.
  assert.equal((await burst(120, () => swf.send(new ListDomainsCommand({ registrationStatus: 'REGISTERED' })))).throttled, 0);

  // With retries on, the SDK waits and tries again: a bucket that refills makes it through,
  // one that does not runs out of attempts.
  const clientWith = (maxAttempts: number) => {
    const client = new SWFClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts });
    t.after(() => client.destroy());
    return client;
  };
  const retrying = clientWith(5);
  const out = await retrying.send(new RegisterDomainCommand({ name: uniqueName('retried'), workflowExecutionRetentionPeriodInDays: '1' }));
  const again = await retrying.send(new RegisterDomainCommand({ name: uniqueName('retried'), workflowExecutionRetentionPeriodInDays: '1' }));
  assert.ok((out.$metadata.attempts ?? 0) + (again.$metadata.attempts ?? 0) >= 3, 'one of two back-to-back calls was retried');
  const err = (await faultOf(clientWith(3).send(new DescribeDomainCommand({ name })))) as Error & { $metadata?: { attempts?: number } };
  assert.equal(err.name, 'ThrottlingException');
  assert.equal(err.$metadata?.attempts, 3);
});

test('a bad throttle setting stops the server before it listens', async (t) => {
  const cases: [string[], RegExp][] = [
    [['--throttle', 'fast'], /--throttle must be off or swf/],
    [['--throttle-config', configFile(t, '{not json')], /not valid JSON/],
    [['--throttle-config', configFile(t, { operations: { PollForWidgets: { bucketSize: 1, refillPerSecond: 1 } } })], /unknown operation "PollForWidgets"/],
    [['--throttle-config', configFile(t, { operations: { ListDomains: { bucketSize: 0, refillPerSecond: 1 } } })], /"ListDomains" must be/],
    [['--throttle-config', configFile(t, { preset: 'aws' })], /"preset" must be "swf" or "off"/],
  ];
  for (const [args, message] of cases) {
    await expectStartFailure({ args }, message, 2);
  }
});
