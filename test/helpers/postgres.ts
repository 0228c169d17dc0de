/**
 * PostgreSQL for tests: a fresh, uniquely named database per test file, dropped afterwards.
 *
 * The server to use comes from OPENSWF_TEST_DATABASE_URL (default: the local `postgres`
 * database as user postgres). When it cannot be reached the PostgreSQL tests are skipped
 * with a message, except under CI (CI=true), where they fail: a CI run must not pass by
 * testing nothing.
 */
import { after, before, test } from 'node:test';
import { TEST_SERVER_URL, createTestDatabase, withClient, type TestDatabase } from './pg-database.js';

export { TEST_SERVER_URL, createTestDatabase, type TestDatabase } from './pg-database.js';

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
