/**
 * Applies the numbered migrations under migrations/postgres/ that the database lacks. Several
 * nodes may start at once against one database: a session-level advisory lock lets one of them
 * migrate while the others wait, then find nothing left to do.
 */
import type pg from 'pg';
import { loadMigrations } from '../migrations.js';
import type { Logger } from '../../log.js';

/** Any fixed number works: it only has to be the same for every OpenSWF node ("OpenSWF" in ASCII). */
const MIGRATION_LOCK = '22360104105105222';

export async function migrate(pool: pg.Pool, log?: Logger): Promise<void> {
  const client = await pool.connect();
  let failure: unknown;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    for (const m of loadMigrations('postgres')) {
      if (applied.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        await client.query('COMMIT');
        log?.info({ migration: m.name, store: 'postgres' }, `migration ${m.name} applied`);
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new Error(`migration ${m.name} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    }
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    // After a failure the session may still hold the lock: closing it is what surely frees it.
    client.release(failure instanceof Error ? failure : undefined);
  }
}
