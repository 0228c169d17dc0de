/**
 * /health (alive) and /ready (the store answers a query). A database file damaged under a
 * running server turns /ready to 503 with the reason, logged once; a damaged file is refused
 * at start with a message naming it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListDomainsCommand } from '@aws-sdk/client-swf';
import { serverForTest } from '../helpers/setup.js';
import { TestServer } from '../helpers/server.js';
import { registerFixture } from '../helpers/swf.js';
import { startRun } from '../helpers/workflow.js';

async function get(url: string): Promise<{ status: number; body: { status?: string; reason?: string } }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as { status?: string; reason?: string } };
}

test('/health and /ready answer 200 while the store answers', async (t) => {
  const { server } = await serverForTest(t);
  assert.deepEqual(await get(`${server.url}/health`), { status: 200, body: { status: 'ok' } });
  assert.deepEqual(await get(`${server.url}/ready`), { status: 200, body: { status: 'ready' } });
});

// The two tests that damage the SQLite file run on SQLite in either pass of the suite.
test('a database file damaged at run time turns /ready to 503 with the reason, logged once', async (t) => {
  const { server, swf } = await serverForTest(t, { backend: 'sqlite' });
  const f = await registerFixture(swf);
  await startRun(swf, f, 'w');
  const file = join(server.dataDir, 'openswf.sqlite');
  writeFileSync(file, Buffer.alloc(Math.max(statSync(file).size, 4096), 0x5a)); // same file, garbage inside

  for (let i = 0; i < 3; i++) {
    const ready = await get(`${server.url}/ready`);
    assert.equal(ready.status, 503);
    assert.equal(ready.body.status, 'unavailable');
    assert.match(ready.body.reason ?? '', /SQLITE_NOTADB: file is not a database/);
  }
  // Calls meanwhile fail or not (the server's connection may still answer from its cache): either way no new log line.
  await swf.send(new ListDomainsCommand({ registrationStatus: 'REGISTERED' })).catch(() => undefined);
  await fetch(`${server.url}/metrics`);
  assert.equal((await get(`${server.url}/ready`)).status, 503);
  assert.equal((await get(`${server.url}/health`)).status, 200, 'the process itself is alive');
  const failures = server.logLines().filter((l) => String(l.msg).startsWith('store failed'));
  assert.equal(failures.length, 1, `one line for the failure, not one per request:\n${server.logs()}`);
  assert.equal(failures[0]?.level, 'error');
});

test('a corrupt database is refused at start, naming the file', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'openswf-test-'));
  try {
    const file = join(dataDir, 'openswf.sqlite');
    writeFileSync(file, 'this is not an SQLite database, it only has its name '.repeat(200));
    await assert.rejects(TestServer.start({ dataDir, backend: 'sqlite' }), (err: Error) => {
      assert.match(err.message, /server exited with 1:/);
      assert.ok(err.message.includes(`the database file ${file} is corrupt or not an OpenSWF database`), err.message);
      return true;
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
