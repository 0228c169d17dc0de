/**
 * The operations surface on PostgreSQL: /metrics reads its gauges from the shared database;
 * a database that stops accepting connections turns /ready to 503 with the reason, logged
 * once; when it accepts them again /ready is 200 and the log says so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createTestDatabase, ifPostgres, TEST_SERVER_URL } from '../helpers/postgres.js';
import { serverForTest } from '../helpers/setup.js';
import { registerFixture } from '../helpers/swf.js';
import { startRun } from '../helpers/workflow.js';

async function admin(sql: string, params: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_SERVER_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(sql, params);
  } finally {
    await client.end();
  }
}

async function ready(url: string): Promise<{ status: number; reason?: string }> {
  const res = await fetch(`${url}/ready`);
  const body = (await res.json()) as { reason?: string };
  return { status: res.status, ...(body.reason !== undefined ? { reason: body.reason } : {}) };
}

await ifPostgres(() => {
  test('/metrics reads open executions and pending tasks per domain from PostgreSQL', async (t) => {
    const db = await createTestDatabase();
    t.after(() => db.drop());
    const { server, swf } = await serverForTest(t, { args: ['--database-url', db.url] });
    const f = await registerFixture(swf);
    await startRun(swf, f, 'one');
    await startRun(swf, f, 'two');
    const text = await (await fetch(`${server.url}/metrics`)).text();
    assert.ok(text.includes(`openswf_open_executions{domain="${f.domain}"} 2\n`), text);
    assert.ok(text.includes(`openswf_pending_tasks{domain="${f.domain}",kind="decision"} 2\n`));
    assert.ok(text.includes(`openswf_pending_tasks{domain="${f.domain}",kind="activity"} 0\n`));
    assert.match(text, /^openswf_requests_total\{operation="StartWorkflowExecution",outcome="ok"\} 2$/m);
  });

  test('a PostgreSQL database that refuses connections turns /ready to 503, logged once, and back', async (t) => {
    const db = await createTestDatabase();
    t.after(() => db.drop());
    const { server, swf } = await serverForTest(t, { args: ['--database-url', db.url] });
    await registerFixture(swf);
    assert.equal((await ready(server.url)).status, 200);

    await admin(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`);
    await admin('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [db.name]);
    for (let i = 0; i < 3; i++) {
      const r = await ready(server.url);
      assert.equal(r.status, 503);
      assert.match(r.reason ?? '', /not currently accepting connections|terminat/);
    }
    const failures = server.logLines().filter((l) => String(l.msg).startsWith('store failed'));
    assert.equal(failures.length, 1, `one line for the failure, not one per probe:\n${server.logs()}`);

    await admin(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);
    assert.deepEqual(await ready(server.url), { status: 200 });
    await server.waitForLog((l) => l.msg === 'store answers again');
  });
});
