/** serve --in-memory keeps nothing on disk; only then does POST /admin/reset empty everything. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { ListDomainsCommand, ListOpenWorkflowExecutionsCommand } from '@aws-sdk/client-swf';
import { serverForTest } from '../helpers/setup.js';
import { registerFixture } from '../helpers/swf.js';
import { ever, startRun } from '../helpers/workflow.js';
import { startCli } from '../helpers/cli.js';

const reset = (url: string) => fetch(`${url}/admin/reset`, { method: 'POST' });

test('--in-memory writes nothing to disk, and POST /admin/reset empties every domain, type and execution', async (t) => {
  const { server, swf } = await serverForTest(t, { args: ['--in-memory'], backend: 'sqlite' });
  const f = await registerFixture(swf);
  await startRun(swf, f, 'w');
  assert.deepEqual(readdirSync(server.dataDir), [], 'nothing in the data folder');
  assert.ok(server.logLines().some((l) => /data: memory/.test(String(l.msg))));

  const res = await reset(server.url);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { reset: true });
  const domains = await swf.send(new ListDomainsCommand({ registrationStatus: 'REGISTERED' }));
  assert.deepEqual(domains.domainInfos, []);

  // The server goes on serving as a fresh one would.
  const again = await registerFixture(swf);
  const open = await swf.send(new ListOpenWorkflowExecutionsCommand({ domain: again.domain, startTimeFilter: ever }));
  assert.deepEqual(open.executionInfos, []);
  assert.equal((await fetch(`${server.url}/admin/reset`)).status, 405, 'GET does not reset');
});

test('without --in-memory there is no /admin/reset, and the data stays', async (t) => {
  const { server, swf } = await serverForTest(t);
  const f = await registerFixture(swf);
  const res = await reset(server.url);
  assert.equal(res.status, 404);
  const domains = await swf.send(new ListDomainsCommand({ registrationStatus: 'REGISTERED' }));
  assert.ok(domains.domainInfos?.some((d) => d.name === f.domain));
});

test('--in-memory and --database-url exclude one another (exit 2)', async () => {
  const child = startCli(['serve', '--in-memory', '--database-url', 'postgres://127.0.0.1/x', '--port', '0']);
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 2);
  assert.match(err, /--in-memory and --database-url exclude one another/);
});
