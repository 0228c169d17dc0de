/**
 * The shared back end: PostgreSQL through one `pg` pool, so several server processes (nodes)
 * can serve one database.
 *
 * - A transaction runs on one pooled connection between BEGIN and COMMIT, at READ COMMITTED.
 *   Runs are row-locked as they are loaded (see operations.ts); a claim or a timer take locks
 *   the run before it takes the task or deadline, as every other change does, and takes it
 *   only if still there, so no two nodes hand out one task or fire one deadline.
 * - Failures that pass (lost connections, a restarting server, conflicts past the retries)
 *   come out as StoreUnavailable, so callers can tell them from failures that will recur.
 * - A transaction PostgreSQL aborts for a conflict (deadlock, serialization failure), or that
 *   lost the race to open a workflowId, is retried whole: `fn` must only touch the store.
 * - Commits that add tasks or arm deadlines call this node's listeners directly, and NOTIFY
 *   the other nodes after they commit (notifications.ts).
 * - Few round trips: a transaction's BEGIN, and its writes whose answer nobody reads, travel
 *   with its next answered statement or its COMMIT (operations.ts).
 * - One pool per node (default 10 connections): a call holds a connection only while its
 *   transaction or read runs, never while a long poll waits, and callers waiting for one
 *   are served first come, first served (pg.Pool's queue), so no caller starves.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DuplicateOpenExecution, StoreUnavailable, domainCounts, type DomainCounts, type Store, type StoreReader, type StoreTx, type TaskListKey } from '../types.js';
import { silentLogger, type Logger } from '../../log.js';
import { migrate } from './migrate.js';
import { NOTIFY_SQL, Notifier, TxChanges, WakeupListener } from './notifications.js';
import { inline } from './literal.js';
import { readThrough } from '../read-through.js';
import { PgOperations } from './operations.js';

export interface PostgresOptions {
  /** postgres://user:password@host:port/database */
  connectionString: string;
  /** Connections in the pool (default 10). One more is kept for LISTEN. */
  maxConnections?: number;
  log?: Logger;
}

/** How often a transaction is tried before its conflict is reported. */
const MAX_ATTEMPTS = 10;

/** PostgreSQL aborted the transaction for a conflict with another one; running it again may succeed. */
const RETRYABLE_CODES: ReadonlySet<string> = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected

/**
 * Failures that pass: connection exceptions (class 08), insufficient resources (53), the
 * server shutting down or starting (57P01-57P03), a lock not available (55P03), conflicts
 * (40001, 40P01) that outlasted the retries, and the driver's own socket errors.
 */
function isTransient(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (/^(08|53)/.test(code) || ['57P01', '57P02', '57P03', '55P03'].includes(code) || RETRYABLE_CODES.has(code)) return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH'].includes(code)) return true;
  }
  const message = err instanceof Error ? err.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(message);
}

function isRetryable(err: unknown): boolean {
  // DuplicateOpenExecution escaping `fn`: another node opened the workflowId after `fn`
  // looked. On a retry `fn` sees that run and answers as it would have on SQLite, where
  // transactions run one at a time.
  if (err instanceof DuplicateOpenExecution) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}

/** int8 (bigint) columns hold epoch milliseconds and counts: all within Number's exact range. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** The reads outside transactions, delegated to `read` in the constructor (read-through.ts). */
export interface PostgresStore extends StoreReader {}

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  /** Resolves once the schema is migrated and wake-ups from other nodes are listened for. */
  readonly ready: Promise<void>;
  private readonly pool: pg.Pool;
  private readonly reader: PgOperations;
  private readonly listener: WakeupListener;
  private readonly notifier: Notifier;
  /** Tells this node's echo of its own NOTIFY apart from the other nodes'. */
  private readonly node = randomBytes(8).toString('hex');
  private readonly taskListeners: ((keys: TaskListKey[]) => void)[] = [];
  private readonly timerListeners: ((dueAt: number) => void)[] = [];
  private readonly log: Logger;

  /** Opens a store and waits until it is ready; fails if the database cannot be reached or migrated. */
  static async open(options: PostgresOptions): Promise<PostgresStore> {
    const store = new PostgresStore(options);
    try {
      await store.ready;
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  constructor(options: PostgresOptions) {
    Object.assign(this, readThrough((fn) => this.read(fn)));
    this.log = options.log ?? silentLogger;
    const config: pg.PoolConfig = { connectionString: options.connectionString, types, application_name: 'openswf' };
    this.pool = new pg.Pool({ ...config, max: options.maxConnections ?? 10 });
    // An idle pooled connection that breaks is dropped by the pool; without a handler the
    // error would end the process.
    this.pool.on('error', (err) => this.log.warn({ store: 'postgres', reason: err.message }, 'postgres: idle connection failed'));
    this.reader = new PgOperations(this.pool);
    this.listener = new WakeupListener(config, this.node, {
      tasksAdded: (keys) => this.announceTasks(keys),
      timerArmed: (dueAt) => this.announceTimer(dueAt),
      // Deadlines armed meanwhile may be due: have the timer service look now.
      resumed: () => this.announceTimer(Date.now()),
      log: (line) => this.log.warn({ store: 'postgres' }, line),
    });
    this.notifier = new Notifier(
      async (notices) => {
        // One round trip; the hint's own transaction need not wait for a flush (Notifier).
        const notify = inline(NOTIFY_SQL, [notices.map((n) => n.channel), notices.map((n) => n.payload)]);
        await this.pool.query(`BEGIN;\nSET LOCAL synchronous_commit TO off;\n${notify};\nCOMMIT`);
      },
      this.node,
      (line) => this.log.warn({ store: 'postgres' }, line),
    );
    this.ready = migrate(this.pool, this.log).then(() => this.listener.start());
    // Callers see a failure through `ready` or their first operation, never as an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    await this.ready;
    for (let attempt = 1; ; attempt++) {
      const changes = new TxChanges();
      let client: pg.PoolClient;
      try {
        client = await this.pool.connect();
      } catch (err) {
        throw isTransient(err) ? new StoreUnavailable(err) : err;
      }
      let result: T;
      // BEGIN travels with the transaction's first statement, the writes nobody reads the
      // answer of travel with the next statement that is answered, and the COMMIT with the
      // last of them (operations.ts): one round trip where there were many.
      const ops = new PgOperations(client, { changes });
      try {
        result = await fn(ops);
        await ops.commit();
      } catch (err) {
        if (ops.started) await this.rollback(client);
        else client.release();
        if (attempt < MAX_ATTEMPTS && isRetryable(err)) {
          await pause(attempt);
          continue;
        }
        throw !(err instanceof DuplicateOpenExecution) && isTransient(err) ? new StoreUnavailable(err) : err;
      }
      client.release();
      this.notifier.committed(changes);
      const added = changes.addedTaskLists; // a fresh copy per read: read once
      if (added.length > 0) this.announceTasks(added);
      if (changes.earliestDueAt !== undefined) this.announceTimer(changes.earliestDueAt);
      return result;
    }
  }

  /** Rolls back and returns the connection; a connection that cannot even roll back is closed. */
  private async rollback(client: pg.PoolClient): Promise<void> {
    try {
      await client.query('ROLLBACK');
      client.release();
    } catch (err) {
      client.release(err instanceof Error ? err : new Error(String(err)));
    }
  }

  onTasksAdded(listener: (keys: TaskListKey[]) => void): void {
    this.taskListeners.push(listener);
  }

  /**
   * Called after a commit that armed deadlines (with the earliest), on this node or another.
   * A node's timer service sleeps until the earliest deadline it knows of; this is how it
   * learns of an earlier one armed elsewhere, and of one armed here only once it is visible.
   */
  onTimersArmed(listener: (dueAt: number) => void): void {
    this.timerListeners.push(listener);
  }

  private announceTasks(keys: TaskListKey[]): void {
    for (const l of this.taskListeners) l(keys);
  }

  private announceTimer(dueAt: number): void {
    for (const l of this.timerListeners) l(dueAt);
  }

  async close(): Promise<void> {
    await this.ready.catch(() => undefined);
    await this.notifier.idle();
    await this.listener.close();
    await this.pool.end();
  }

  async ping(): Promise<void> {
    await this.ready;
    await this.pool.query('SELECT count(*) FROM schema_migrations');
  }

  async countsByDomain(): Promise<DomainCounts[]> {
    await this.ready;
    const open = await this.pool.query<{ domain: string; n: number }>('SELECT domain, count(*) AS n FROM executions WHERE close_status IS NULL GROUP BY domain');
    const pending = await this.pool.query<{ domain: string; kind: string; n: number }>('SELECT domain, kind, count(*) AS n FROM tasks WHERE NOT started GROUP BY domain, kind');
    return domainCounts(open.rows, pending.rows);
  }

  private async read<T>(op: (r: PgOperations) => Promise<T>): Promise<T> {
    await this.ready;
    return op(this.reader);
  }
}

/** A short random pause before a retry, growing with the attempts, so conflicting transactions drift apart. */
function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
}
