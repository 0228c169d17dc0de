/**
 * PostgreSQL for tests: a fresh, uniquely named database per test file, dropped afterwards.
 *
 * The server to use comes from OPENSWF_TEST_DATABASE_URL (default: the local `postgres`
 * database as user postgres). When it cannot be reached the PostgreSQL tests are skipped
 * with a message, except under CI (CI=true), where they fail: a CI run must not pass by
 * testing nothing.
 */
import { after, before, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_SERVER_URL = process.env.OPENSWF_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The URL of another database on the same server. */
function databaseUrl(name: string): string {
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
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

/**
 * A fresh database for the tests of a file (call it inside `ifPostgres`): created before the
 * first test, dropped after the last. Its `url` can be read once the tests run.
 */
export function testDatabaseForFile(): { readonly url: string } {
  let db: TestDatabase | undefined;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => db?.drop());
  return {
    get url() {
      if (!db) throw new Error('the test database is created before the first test');
      return db.url;
    },
  };
}

/**
 * Registers `register`'s tests when PostgreSQL answers. Otherwise registers one test that is
 * skipped, or fails under CI, naming the server it tried.
 */
export async function ifPostgres(register: () => void): Promise<void> {
  const problem = await withClient(TEST_SERVER_URL, (c) => c.query('SELECT 1')).then(
    () => undefined,
    (err: unknown) => (err instanceof Error ? err.message : String(err)),
  );
  if (problem === undefined) {
    register();
    return;
  }
  const where = new URL(TEST_SERVER_URL);
  const message = `PostgreSQL unreachable at ${where.host} (${problem}); set OPENSWF_TEST_DATABASE_URL to test the postgres back end`;
  if (process.env.CI === 'true') {
    test('PostgreSQL is reachable (required under CI)', () => {
      throw new Error(message);
    });
  } else {
    test('PostgreSQL tests', { skip: message }, () => {});
  }
}
