/**
 * Fresh PostgreSQL databases for tests and benchmarks: one uniquely named database each,
 * dropped afterwards. Kept apart from postgres.ts, which registers node:test hooks, so that
 * the server helper (also used by the benchmarks) can make one without a test run.
 *
 * The server to use comes from OPENSWF_TEST_DATABASE_URL (default: the local `postgres`
 * database as user postgres).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_SERVER_URL = process.env.OPENSWF_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The URL of another database on the same server. */
function databaseUrl(name: string): string {
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  /** Empties every OpenSWF table (the schema stays). */
  truncate(): Promise<void>;
  /** How many sessions are connected to the database (a closed store leaves none). */
  connections(): Promise<number>;
  /** Drops the database, closing whatever connections are still open on it. */
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `openswf_test_${randomBytes(6).toString('hex')}`;
  await withClient(TEST_SERVER_URL, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = databaseUrl(name);
  return {
    name,
    url,
    truncate: () =>
      withClient(url, async (c) => {
        await c.query('TRUNCATE domains, types, executions, execution_tags, events, tasks, timers RESTART IDENTITY');
      }),
    connections: () =>
      withClient(TEST_SERVER_URL, async (c) => {
        const r = await c.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [name]);
        return Number(r.rows[0]?.n ?? 0);
      }),
    drop: () => withClient(TEST_SERVER_URL, async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}
