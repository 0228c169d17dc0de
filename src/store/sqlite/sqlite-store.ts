/**
 * The embedded back end: one SQLite file through better-sqlite3, in WAL mode.
 *
 * better-sqlite3 is synchronous and cannot hold a transaction across an unrelated `await`, so
 * every transaction takes a mutex: one runs at a time, and since each step is synchronous the
 * only awaits inside are resolved promises. Reads outside transactions wait for the mutex too,
 * so no one sees uncommitted rows.
 */
import Database from 'better-sqlite3';
import type { Database as Db, Statement } from 'better-sqlite3';
import { closeSync, mkdirSync, openSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { dirname } from 'node:path';
import type { HistoryEvent } from '../../model/shapes.js';
import type { ExecutionState, TaskKind, TaskSpec, TimerKey } from '../../engine/index.js';
import { loadMigrations } from '../migrations.js';
import { Mutex } from '../mutex.js';
import {
  DuplicateOpenExecution,
  type DomainRecord,
  type ExecutionPage,
  type ExecutionQuery,
  type HistoryQuery,
  type Store,
  type StoreTx,
  type TaskListKey,
  type TaskRow,
  type TimerRow,
  type TypeKind,
  type TypeRecord,
  domainCounts,
  type DomainCounts,
} from '../types.js';
import type { Logger } from '../../log.js';
import { toDomain, toState, toTask, toType, type Row } from '../rows.js';
import { buildCountQuery, buildListQuery, pageOf, questionMark } from '../visibility-sql.js';

export interface SqliteOptions {
  /** File path, or ':memory:'. */
  path: string;
  /** 'full' (default) fsyncs each commit: an acknowledged call survives power loss too. */
  synchronous?: 'full' | 'normal';
  /** Where applied migrations are reported. */
  log?: Logger;
}


/** The first 16 bytes of every SQLite database file. */
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** How often the checkpoint worker copies the WAL into the database file. */
const CHECKPOINT_INTERVAL_MS = 1_000;
/** SQLite's default auto-checkpoint threshold, in WAL pages. */
const SQLITE_DEFAULT_AUTOCHECKPOINT = 1_000;

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Db;
  private readonly mutex = new Mutex();
  private readonly statements = new Map<string, Statement>();
  private readonly taskListeners: ((keys: TaskListKey[]) => void)[] = [];
  private readonly tx: StoreTx;
  private addedTaskLists: TaskListKey[] = [];
  private checkpointer: Worker | undefined;
  private readonly path: string;

  constructor(options: SqliteOptions) {
    this.path = options.path;
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    try {
      this.db = new Database(options.path);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
      this.db.pragma('foreign_keys = ON');
      this.db.pragma('busy_timeout = 5000');
      this.migrate(options.log);
    } catch (err) {
      // The first statement on a damaged file fails with a bare "file is not a database":
      // say which file, so the operator knows what to restore or move away.
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test(code)) {
        throw new Error(`the database file ${options.path} is corrupt or not an OpenSWF database (${code}: ${(err as Error).message}); restore it from a backup or move it away`, { cause: err });
      }
      throw err;
    }
    this.tx = this.makeTx();
    if (options.path !== ':memory:') this.startCheckpointer(options.path);
  }

  /**
   * Moves WAL checkpoints off the server's thread (see checkpoint-worker.ts). Should the
   * worker fail, SQLite's own automatic checkpoint takes over again.
   */
  private startCheckpointer(path: string): void {
    const worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), {
      workerData: { path, intervalMs: CHECKPOINT_INTERVAL_MS },
    });
    const fallBack = () => {
      if (this.checkpointer !== worker) return;
      this.checkpointer = undefined;
      if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
    };
    worker.on('message', (message: { ready?: boolean }) => {
      if (message.ready && this.checkpointer === worker && this.db.open) this.db.pragma('wal_autocheckpoint = 0');
    });
    worker.on('error', fallBack);
    worker.on('exit', fallBack);
    worker.unref();
    this.checkpointer = worker;
  }

  private migrate(log: Logger | undefined): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)');
    const applied = new Set(
      (this.db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
    );
    for (const m of loadMigrations('sqlite')) {
      if (applied.has(m.version)) continue;
      this.db.transaction(() => {
        this.db.exec(m.sql);
        this.db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)').run(m.version, m.name);
      })();
      log?.info({ migration: m.name, store: 'sqlite' }, `migration ${m.name} applied`);
    }
  }

  private stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    const release = await this.mutex.acquire();
    let added: TaskListKey[] = [];
    try {
      this.db.exec('BEGIN IMMEDIATE');
      this.addedTaskLists = [];
      try {
        const result = await fn(this.tx);
        this.db.exec('COMMIT');
        added = this.addedTaskLists;
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      } finally {
        this.addedTaskLists = [];
      }
    } finally {
      release();
      if (added.length > 0) for (const l of this.taskListeners) l(added);
    }
  }

  onTasksAdded(listener: (keys: TaskListKey[]) => void): void {
    this.taskListeners.push(listener);
  }

  async close(): Promise<void> {
    const worker = this.checkpointer;
    this.checkpointer = undefined;
    if (worker) {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.ref(); // keep the process alive until the worker has closed its connection
      worker.postMessage('stop');
      await exited;
    }
    const release = await this.mutex.acquire();
    try {
      this.db.close();
    } finally {
      release();
    }
  }

  /**
   * The server's own connection answers from its page cache, so it may not notice that the
   * file under it was damaged or replaced: a fresh read-only connection reads the file itself.
   */
  async ping(): Promise<void> {
    await this.read(async () => void this.db.prepare('SELECT count(*) FROM schema_migrations').get());
    if (this.path === ':memory:') return;
    // Pages recently written live in the WAL, where a fresh connection finds them too: the
    // file's own header is what shows that the file itself was overwritten.
    const header = Buffer.alloc(SQLITE_MAGIC.length);
    const fd = openSync(this.path, 'r');
    let read: number;
    try {
      read = readSync(fd, header, 0, header.length, 0);
    } finally {
      closeSync(fd);
    }
    if (read > 0 && !header.subarray(0, read).equals(SQLITE_MAGIC.subarray(0, read))) {
      throw Object.assign(new Error('file is not a database (its header is not SQLite\'s)'), { code: 'SQLITE_NOTADB' });
    }
    const probe = new Database(this.path, { readonly: true, fileMustExist: true });
    try {
      probe.prepare('SELECT count(*) FROM schema_migrations').get();
    } finally {
      probe.close();
    }
  }

  countsByDomain(): Promise<DomainCounts[]> {
    return this.read(async () => {
      const open = this.stmt('SELECT domain, count(*) AS n FROM executions WHERE close_status IS NULL GROUP BY domain').all() as { domain: string; n: number }[];
      const pending = this.stmt('SELECT domain, kind, count(*) AS n FROM tasks WHERE started = 0 GROUP BY domain, kind').all() as { domain: string; kind: string; n: number }[];
      return domainCounts(open, pending);
    });
  }

  /** Deletes every row but the schema's (the in-memory mode's POST /admin/reset). */
  async clear(): Promise<void> {
    const release = await this.mutex.acquire();
    try {
      this.db.transaction(() => {
        for (const table of ['events', 'execution_tags', 'tasks', 'timers', 'executions', 'types', 'domains']) this.db.exec(`DELETE FROM ${table}`);
      })();
    } finally {
      release();
    }
  }

  private async read<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.mutex.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  // Reads outside a transaction: each waits for the mutex.
  getDomain = (name: string) => this.read(() => this.tx.getDomain(name));
  listDomains = () => this.read(() => this.tx.listDomains());
  getType = (domain: string, kind: TypeKind, name: string, version: string) => this.read(() => this.tx.getType(domain, kind, name, version));
  listTypes = (domain: string, kind: TypeKind) => this.read(() => this.tx.listTypes(domain, kind));
  countTypes = (domain: string, kind: TypeKind) => this.read(() => this.tx.countTypes(domain, kind));
  getExecution = (runId: string) => this.read(() => this.tx.getExecution(runId));
  findOpenExecution = (domain: string, workflowId: string) => this.read(() => this.tx.findOpenExecution(domain, workflowId));
  countOpenExecutions = (domain: string) => this.read(() => this.tx.countOpenExecutions(domain));
  getHistory = (runId: string, query: HistoryQuery) => this.read(() => this.tx.getHistory(runId, query));
  listExecutions = (query: ExecutionQuery) => this.read(() => this.tx.listExecutions(query));
  countExecutions = (query: ExecutionQuery, cap: number) => this.read(() => this.tx.countExecutions(query, cap));
  getTask = (token: string) => this.read(() => this.tx.getTask(token));
  countPendingTasks = (domain: string, kind: TaskKind, taskList: string) => this.read(() => this.tx.countPendingTasks(domain, kind, taskList));
  nextDueAt = () => this.read(() => this.tx.nextDueAt());

  /** The transaction-scoped operations. Synchronous underneath; async to match the Store seam. */
  private makeTx(): StoreTx {
    const q = (sql: string) => this.stmt(sql);
    const store = this;
    return {
      async getDomain(name) {
        const r = q('SELECT * FROM domains WHERE name = ?').get(name) as Row | undefined;
        return r ? toDomain(r) : undefined;
      },
      async listDomains() {
        return (q('SELECT * FROM domains ORDER BY name').all() as Row[]).map(toDomain);
      },
      async getType(domain, kind, name, version) {
        const r = q('SELECT * FROM types WHERE domain = ? AND kind = ? AND name = ? AND version = ?').get(domain, kind, name, version) as Row | undefined;
        return r ? toType(r) : undefined;
      },
      async listTypes(domain, kind) {
        return (q('SELECT * FROM types WHERE domain = ? AND kind = ? ORDER BY name, version').all(domain, kind) as Row[]).map(toType);
      },
      async countTypes(domain, kind) {
        return (q('SELECT count(*) AS n FROM types WHERE domain = ? AND kind = ?').get(domain, kind) as { n: number }).n;
      },
      async getExecution(runId) {
        return toState(q('SELECT state FROM executions WHERE run_id = ?').get(runId) as Row | undefined);
      },
      async findOpenExecution(domain, workflowId) {
        return toState(
          q('SELECT state FROM executions WHERE domain = ? AND workflow_id = ? AND close_status IS NULL').get(domain, workflowId) as Row | undefined,
        );
      },
      async countOpenExecutions(domain) {
        return (q('SELECT count(*) AS n FROM executions WHERE domain = ? AND close_status IS NULL').get(domain) as { n: number }).n;
      },
      async getHistory(runId, query: HistoryQuery) {
        const rows = query.reverse
          ? q('SELECT event FROM events WHERE run_id = ? AND event_id < ? ORDER BY event_id DESC LIMIT ?').all(runId, query.after ?? Number.MAX_SAFE_INTEGER, query.limit)
          : q('SELECT event FROM events WHERE run_id = ? AND event_id > ? ORDER BY event_id LIMIT ?').all(runId, query.after ?? 0, query.limit);
        return (rows as Row[]).map((r) => JSON.parse(r.event as string) as HistoryEvent);
      },
      async listExecutions(query): Promise<ExecutionPage> {
        const built = buildListQuery(query, questionMark, true);
        const rows = q(built.sql).all(...built.params) as Row[];
        return pageOf(query, rows.map((r) => JSON.parse(r.state as string) as ExecutionState));
      },
      async countExecutions(query, cap) {
        const built = buildCountQuery(query, cap, questionMark, true);
        return (q(built.sql).get(...built.params) as { n: number }).n;
      },
      async getTask(token) {
        const r = q('SELECT * FROM tasks WHERE token = ?').get(token) as Row | undefined;
        return r ? toTask(r) : undefined;
      },
      async countPendingTasks(domain, kind, taskList) {
        return (q('SELECT count(*) AS n FROM tasks WHERE domain = ? AND kind = ? AND task_list = ? AND started = 0').get(domain, kind, taskList) as { n: number }).n;
      },
      async nextDueAt() {
        const r = q('SELECT min(due_at) AS d FROM timers').get() as { d: number | null };
        return r.d ?? undefined;
      },
      async putDomain(d) {
        q(`INSERT INTO domains (name, status, description, retention_days, created_at, tags) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET status = excluded.status, description = excluded.description,
             retention_days = excluded.retention_days, tags = excluded.tags`).run(
          d.name, d.status, d.description ?? null, d.retentionDays, d.createdAt, JSON.stringify(d.tags),
        );
      },
      async putType(t) {
        q(`INSERT INTO types (domain, kind, name, version, status, description, creation_date, deprecation_date, configuration)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (domain, kind, name, version) DO UPDATE SET status = excluded.status,
             description = excluded.description, deprecation_date = excluded.deprecation_date, configuration = excluded.configuration`).run(
          t.domain, t.kind, t.name, t.version, t.status, t.description ?? null, t.creationDate, t.deprecationDate ?? null, JSON.stringify(t.configuration),
        );
      },
      async deleteType(domain, kind, name, version) {
        q('DELETE FROM types WHERE domain = ? AND kind = ? AND name = ? AND version = ?').run(domain, kind, name, version);
      },
      async insertExecution(s) {
        try {
          q(`INSERT INTO executions (run_id, domain, workflow_id, type_name, type_version, start_ts, close_ts, close_status, state)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
            s.runId, s.domain, s.workflowId, s.workflowType.name, s.workflowType.version, s.startTimestamp,
            s.closeTimestamp ?? null, s.closeStatus ?? null, JSON.stringify(s),
          );
        } catch (err) {
          if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new DuplicateOpenExecution(s.domain, s.workflowId);
          throw err;
        }
        for (const tag of new Set(s.tagList)) {
          q('INSERT INTO execution_tags (run_id, domain, tag, start_ts, close_ts) VALUES (?, ?, ?, ?, ?)').run(
            s.runId, s.domain, tag, s.startTimestamp, s.closeTimestamp ?? null,
          );
        }
      },
      async updateExecution(s) {
        // An open run's close columns are NULL and stay so: naming them in the SET would make
        // SQLite rewrite every visibility index entry of the run on each of its updates.
        if (s.closeStatus === undefined) {
          q('UPDATE executions SET state = ? WHERE run_id = ?').run(JSON.stringify(s), s.runId);
          return;
        }
        q('UPDATE executions SET close_ts = ?, close_status = ?, state = ? WHERE run_id = ?').run(
          s.closeTimestamp ?? null, s.closeStatus, JSON.stringify(s), s.runId,
        );
        // The tag rows carry the close time too, so tag queries need not visit executions.
        q('UPDATE execution_tags SET close_ts = ? WHERE run_id = ? AND close_ts IS NULL').run(s.closeTimestamp ?? null, s.runId);
      },
      async deleteExecution(runId) {
        q('DELETE FROM events WHERE run_id = ?').run(runId);
        q('DELETE FROM execution_tags WHERE run_id = ?').run(runId);
        q('DELETE FROM tasks WHERE run_id = ?').run(runId);
        q('DELETE FROM timers WHERE run_id = ?').run(runId);
        q('DELETE FROM executions WHERE run_id = ?').run(runId);
      },
      async appendEvents(runId, events) {
        const insert = q('INSERT INTO events (run_id, event_id, event) VALUES (?, ?, ?)');
        for (const e of events) insert.run(runId, e.eventId, JSON.stringify(e));
      },
      async enqueueTask(task: TaskSpec) {
        q(`INSERT INTO tasks (token, kind, domain, task_list, priority, run_id, scheduled_event_id) VALUES (?, ?, ?, ?, ?, ?, ?)`).run(
          task.token, task.kind, task.domain, task.taskList, task.priority, task.runId, task.scheduledEventId,
        );
        store.addedTaskLists.push({ domain: task.domain, kind: task.kind, taskList: task.taskList });
      },
      async claimTask(domain, kind, taskList) {
        const r = q(`SELECT * FROM tasks WHERE domain = ? AND kind = ? AND task_list = ? AND started = 0
                     ORDER BY priority DESC, seq LIMIT 1`).get(domain, kind, taskList) as Row | undefined;
        if (!r) return undefined;
        q('UPDATE tasks SET started = 1 WHERE seq = ?').run(r.seq);
        return { ...toTask(r), started: true };
      },
      async removeTask(token) {
        q('DELETE FROM tasks WHERE token = ?').run(token);
      },
      async removeTasksOfRun(runId) {
        q('DELETE FROM tasks WHERE run_id = ?').run(runId);
      },
      async armTimer(key: TimerKey, dueAt) {
        q(`INSERT INTO timers (run_id, kind, ref, due_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (run_id, kind, ref) DO UPDATE SET due_at = excluded.due_at`).run(key.runId, key.kind, key.ref, dueAt);
      },
      async disarmTimer(key) {
        q('DELETE FROM timers WHERE run_id = ? AND kind = ? AND ref = ?').run(key.runId, key.kind, key.ref);
      },
      async disarmTimersOfRun(runId) {
        q("DELETE FROM timers WHERE run_id = ? AND kind <> 'retention'").run(runId);
      },
      async takeDueTimers(now, limit): Promise<TimerRow[]> {
        const rows = q('SELECT run_id, kind, ref, due_at FROM timers WHERE due_at <= ? ORDER BY due_at, rowid LIMIT ?').all(now, limit) as Row[];
        const del = q('DELETE FROM timers WHERE run_id = ? AND kind = ? AND ref = ?');
        return rows.map((r) => {
          del.run(r.run_id, r.kind, r.ref);
          return { key: { runId: r.run_id as string, kind: r.kind as TimerKey['kind'], ref: r.ref as string }, dueAt: r.due_at as number };
        });
      },
    };
  }
}
