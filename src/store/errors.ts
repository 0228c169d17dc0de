/**
 * Errors that mean the store as a whole cannot serve (a corrupt or vanished database file, a
 * full disk, PostgreSQL gone), as opposed to one call's problem. The health check turns
 * them into a 503 from /ready and one log line; callers still get InternalFailure.
 *
 * Recognised by the drivers' error codes, so nothing here imports a driver.
 */

/** SQLite result codes (better-sqlite3 puts them in `code`) that no retry of the call fixes. */
const SQLITE_FATAL = /^SQLITE_(CORRUPT|NOTADB|IOERR|FULL|CANTOPEN|READONLY)/;
/** Node socket errors and PostgreSQL SQLSTATEs that mean the database cannot be reached or used. */
const POSTGRES_FATAL = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '3D000', // invalid_catalog_name: the database was dropped
  '53100', // disk_full
  '58030', // io_error
  'XX001', // data_corrupted
  'XX002', // index_corrupted
]);

/** Why the store cannot serve, when `err` says so; undefined for any other error. */
export function storeUnavailableReason(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code === 'string' && (SQLITE_FATAL.test(code) || POSTGRES_FATAL.has(code))) return `${code}: ${message}`;
  // pg reports a connection that ended under it without a code.
  if (/Connection terminated|connection is closed|Client has encountered a connection error/i.test(message)) return message;
  return undefined;
}
