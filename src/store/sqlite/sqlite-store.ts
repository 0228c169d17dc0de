/**
 * The embedded back end: one SQLite file through better-sqlite3, in WAL mode, with two
 * connections: a writer for transactions and a read-only reader for reads outside them.
 *
 * Writes: better-sqlite3 is synchronous and cannot hold a transaction across an unrelated
 * `await`, so calls take a mutex and run one at a time on the writer, each inside a SAVEPOINT
 * of the open batch (group-commit.ts): a call that fails rolls back to its savepoint and
 * leaves its neighbours' changes alone. With no fdatasync in flight, the batch commits at the
 * first boundary between calls where the writer's queue is empty or the batch holds
 * MAX_BATCH_CALLS calls; calls that run during an fdatasync join the next batch, which commits
 * at the first boundary after that fdatasync ends (even with calls still queued, so a batch
 * never grows for as long as the queue stays full), and one fdatasync of the WAL, off the
 * event loop, then makes the whole batch durable.
 * Every call is answered after the fdatasync that covers its batch: it has then seen only
 * durable data (its own changes, its batch's, and everything committed before).
 *
 * Reads outside transactions use the reader connection and never wait for the writer's mutex,
 * nor for an fsync: while a batch's fdatasync is in flight the reader holds a snapshot taken
 * just before that batch's COMMIT, so it sees only what is durable, and no client learns of a
 * change that a power loss could undo. The snapshot ends when the fdatasync does, before the
 * batch's callers are answered, so a client always reads what it was told is done.
 */
import Database from 'better-sqlite3';
import type { Database as Db, Statement } from 'better-sqlite3';
import { closeSync, mkdirSync, openSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { dirname } from 'node:path';
import { loadMigrations } from '../migrations.js';
import { lockDataFolder, type DataFolderLock } from './data-folder-lock.js';
import { Mutex } from '../mutex.js';
import { domainCounts, type DomainCounts, type Store, type StoreReader, type StoreTx, type TaskListKey } from '../types.js';
import type { Logger } from '../../log.js';
import { Batch, MAX_BATCH_CALLS, WalSync, countedTaskLists } from './group-commit.js';
import { readThrough } from '../read-through.js';
import { sqliteOperations } from './operations.js';

export interface SqliteOptions {
  /** File path, or ':memory:'. */
  path: string;
  /**
   * 'full' (default): a call is answered after an fdatasync of the WAL covering it, so it
   * survives power loss too. 'normal': no fdatasync (survives a crash of the process, not of
   * the machine); for benchmarks' bulk loads and tests.
   */
  synchronous?: 'full' | 'normal';
  /**
   * Tests: awaited after each fdatasync before its batch is answered, so a test can hold the
   * "disk" and watch which calls and reads wait for it.
   */
  afterFsync?: () => Promise<void>;
  /** Tests: the checkpoint worker's period, and the WAL size at which the writer pauses to let the WAL start over. */
  checkpoint?: { intervalMs?: number; restartBytes?: number };
  /** Where applied migrations are reported. */
  log?: Logger;
}

/** The first 16 bytes of every SQLite database file. */
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** How often the checkpoint worker copies the WAL into the database file. */
const CHECKPOINT_INTERVAL_MS = 1_000;
/**
 * Page caches, in KiB (SQLite's negative cache_size). better-sqlite3 builds SQLite with 16 MiB
 * per connection, which a growing database fills on each of the store's three connections:
 * that made the server's memory grow with the number of runs (RSS 85 MiB at 200 workflows,
 * 142 at 10,000). The writer keeps the pages it changes most (open runs, queues, deadlines);
 * the reader's misses are reads from the OS page cache.
 */
const WRITER_CACHE_KIB = 4_000;
const READER_CACHE_KIB = 2_000;
/**
 * A WAL this large makes the writer pause for a moment so that it can start over
 * (checkpoint-worker.ts); when it does, SQLite cuts the file back to this size.
 */
const WAL_RESTART_BYTES = 64 * 1024 * 1024;
/** The longest such a pause may last, should the worker not answer. */
const MAX_PAUSE_MS = 2_000;
/** SQLite's default auto-checkpoint threshold, in WAL pages. */
const SQLITE_DEFAULT_AUTOCHECKPOINT = 1_000;

/** The reads outside transactions, delegated to `read` in the constructor (read-through.ts). */
export interface SqliteStore extends StoreReader {}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Db;
  /** Read-only connection for reads outside transactions; the writer itself for ':memory:'. */
  private readonly readerDb: Db | undefined;
  private readonly mutex = new Mutex();
  private readonly taskListeners: ((keys: TaskListKey[]) => void)[] = [];
  private readonly tx: StoreTx;
  private readonly reader: StoreReader;
  private readonly wal: WalSync | undefined;
  private readonly sql: Record<'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackTo' | 'changes' | 'pending', Statement>;
  /** Tasks the running call enqueued, for the wake-ups after it. */
  private addedTaskLists: TaskListKey[] = [];
  /** The open write transaction on the writer connection, if any. */
  private batch: Batch | undefined;
  /** The committed batch whose fdatasync is in flight. */
  private syncing: Batch | undefined;
  /** The reader's statements that hold and end its snapshot (SQLite takes it at the first read). */
  private readonly snapshot: { begin: Statement; touch: Statement; end: Statement } | undefined;
  /** Set when an fdatasync failed: what was committed may not be on disk, so nothing more is answered. */
  private broken: Error | undefined;
  private commitScheduled = false;
  /** A call is between its SAVEPOINT and its RELEASE (or rollback): the batch cannot commit now. */
  private running = false;
  private readonly afterFsync: (() => Promise<void>) | undefined;
  private checkpointer: Worker | undefined;
  private readonly folderLock: DataFolderLock | undefined;
  private readonly path: string;
  /** New calls wait for this while the checkpoint worker lets the WAL start over. */
  private pause: { promise: Promise<void>; resolve: () => void; asked: boolean; timer: NodeJS.Timeout } | undefined;

  constructor(options: SqliteOptions) {
    Object.assign(this, readThrough((fn) => this.read(fn)));
    this.afterFsync = options.afterFsync;
    this.path = options.path;
    const memory = options.path === ':memory:';
    if (!memory) mkdirSync(dirname(options.path), { recursive: true });
    // One server per data folder: a second one is refused here (data-folder-lock.ts).
    this.folderLock = memory ? undefined : lockDataFolder(dirname(options.path));
    this.db = new Database(options.path);
    try {
      this.db.pragma('journal_mode = WAL');
    } catch (err) {
      // The first statement on a damaged file fails with a bare "file is not a database":
      // say which file, so the operator knows what to restore or move away.
      this.db.close();
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test(code)) {
        throw new Error(`the database file ${options.path} is corrupt or not an OpenSWF database (${code}: ${(err as Error).message}); restore it from a backup or move it away`, { cause: err });
      }
      throw err;
    }
    // NORMAL: COMMIT does not fsync; the store's own fdatasync of the WAL does, off the event loop.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma(`cache_size = -${WRITER_CACHE_KIB}`);
    // When the WAL starts over, SQLite cuts the file back to this size rather than keeping
    // its high-water mark.
    this.db.pragma(`journal_size_limit = ${options.checkpoint?.restartBytes ?? WAL_RESTART_BYTES}`);
    this.migrate(options.log);
    this.sql = {
      begin: this.db.prepare('BEGIN IMMEDIATE'),
      commit: this.db.prepare('COMMIT'),
      rollback: this.db.prepare('ROLLBACK'),
      savepoint: this.db.prepare('SAVEPOINT call'),
      release: this.db.prepare('RELEASE call'),
      rollbackTo: this.db.prepare('ROLLBACK TO call'),
      changes: this.db.prepare('SELECT total_changes() AS n').pluck(),
      pending: this.db.prepare('SELECT 1 FROM tasks WHERE domain = ? AND kind = ? AND task_list = ? AND started = 0 LIMIT 1').pluck(),
    };
    this.tx = sqliteOperations(this.db, (key) => this.addedTaskLists.push(key));
    if (memory) {
      this.reader = this.tx;
    } else {
      this.readerDb = new Database(options.path, { readonly: true });
      this.readerDb.pragma('busy_timeout = 5000');
      this.readerDb.pragma(`cache_size = -${READER_CACHE_KIB}`);
      this.reader = sqliteOperations(this.readerDb);
      this.snapshot = {
        begin: this.readerDb.prepare('BEGIN'),
        touch: this.readerDb.prepare('SELECT 1 FROM schema_migrations LIMIT 1'),
        end: this.readerDb.prepare('COMMIT'),
      };
      if (options.synchronous !== 'normal') {
        this.wal = new WalSync(`${options.path}-wal`);
        this.wal.open();
      }
      this.startCheckpointer(options.path, options.checkpoint ?? {});
    }
  }

  /**
   * Moves WAL checkpoints off the server's thread (see checkpoint-worker.ts). Should the
   * worker fail, SQLite's own automatic checkpoint takes over again.
   */
  private startCheckpointer(path: string, options: NonNullable<SqliteOptions['checkpoint']>): void {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), {
      workerData: {
        path,
        intervalMs: options.intervalMs ?? CHECKPOINT_INTERVAL_MS,
        restartFrames: Math.ceil((options.restartBytes ?? WAL_RESTART_BYTES) / pageSize),
      },
    });
    const fallBack = () => {
      if (this.checkpointer !== worker) return;
      this.checkpointer = undefined;
      this.endPause();
      if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
    };
    worker.on('message', (message: { ready?: boolean; walFrames?: number; caughtUp?: boolean }) => {
      if (this.checkpointer !== worker) return;
      if (message.ready && this.db.open) this.db.pragma('wal_autocheckpoint = 0');
      if (message.walFrames !== undefined) this.beginPause();
      if (message.caughtUp !== undefined) this.endPause();
    });
    worker.on('error', fallBack);
    worker.on('exit', fallBack);
    worker.unref();
    this.checkpointer = worker;
  }

  /**
   * The WAL has grown: hold new calls, let the open batch commit and reach the disk, then have
   * the worker copy the last frames. The next batch then begins on a fully copied WAL, which
   * SQLite rewinds at its COMMIT (checkpoint-worker.ts says why it cannot otherwise).
   */
  private beginPause(): void {
    if (this.pause) return;
    let resolve = () => {};
    const promise = new Promise<void>((r) => (resolve = r));
    this.pause = { promise, resolve, asked: false, timer: setTimeout(() => this.endPause(), MAX_PAUSE_MS) };
    this.catchUpWhenIdle();
  }

  /** Called whenever the writer may have become idle: no call, no batch, no fdatasync. */
  private catchUpWhenIdle(): void {
    if (!this.pause || this.pause.asked || this.batch || this.syncing || this.mutex.busy) return;
    this.pause.asked = true;
    this.checkpointer?.postMessage('catch-up');
  }

  private endPause(): void {
    const pause = this.pause;
    if (!pause) return;
    this.pause = undefined;
    clearTimeout(pause.timer);
    pause.resolve();
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

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    while (this.pause) await this.pause.promise;
    const release = await this.mutex.acquire();
    let batch: Batch | undefined;
    let outcome: { ok: true; value: T } | { ok: false; err: unknown } = { ok: false, err: this.broken };
    let added: TaskListKey[] = [];
    try {
      if (!this.broken) {
        batch = this.openBatch();
        const changesBefore = this.sql.changes.get() as number;
        this.sql.savepoint.run();
        this.running = true;
        batch.calls++;
        this.addedTaskLists = [];
        try {
          outcome = { ok: true, value: await fn(this.tx) };
          this.sql.release.run();
          if ((this.sql.changes.get() as number) !== changesBefore) batch.dirty = true;
          added = this.addedTaskLists;
        } catch (err) {
          outcome = { ok: false, err };
          this.undoCall(batch);
        } finally {
          this.running = false;
          this.addedTaskLists = [];
        }
      }
    } finally {
      release();
      // A boundary between calls, with the next one handed the mutex but not run yet: a batch
      // that is due or full commits now (with nothing queued, it waits for the next turn).
      if (this.mutex.busy) this.maybeCommit();
      this.scheduleCommit();
      this.catchUpWhenIdle();
    }
    // The new tasks are visible to the next call on the writer at once: a woken poller's
    // claim joins this batch (the commit waits for the next turn of the event loop) or a
    // later one, so the task it hands out is durable when its poll is answered.
    if (added.length > 0) {
      const keys = countedTaskLists(added);
      for (const l of this.taskListeners) l(keys);
    }
    if (batch) await batch.durable;
    if (!outcome.ok) throw outcome.err;
    return outcome.value;
  }

  /** The batch this call joins: the open one, or a new write transaction. */
  private openBatch(): Batch {
    if (this.batch) return this.batch;
    this.sql.begin.run();
    this.batch = new Batch();
    return this.batch;
  }

  /**
   * Rolls back only the failed call's changes. Some errors (SQLITE_FULL, I/O errors) make
   * SQLite roll back the whole transaction: then the batch is gone and each of its calls fails.
   */
  private undoCall(batch: Batch): void {
    if (this.db.inTransaction) {
      try {
        this.sql.rollbackTo.run();
        this.sql.release.run();
        return;
      } catch (err) {
        if (this.db.inTransaction) this.sql.rollback.run();
        this.batch = undefined;
        batch.fail(err);
        return;
      }
    }
    this.batch = undefined;
    batch.fail(new Error('SQLite rolled the batch back'));
  }

  /**
   * Commits the open batch on the next turn of the event loop, so the calls already under way
   * (requests read in this turn, pollers just woken by this batch's tasks) join it first.
   */
  private scheduleCommit(): void {
    if (this.commitScheduled || !this.batch || this.syncing) return;
    this.commitScheduled = true;
    setImmediate(() => {
      this.commitScheduled = false;
      this.maybeCommit();
    });
  }

  /**
   * Commits the open batch when no fdatasync is in flight and no call is running, and either no
   * call is queued, or the batch has waited through an fdatasync, or it is full.
   */
  private maybeCommit(): void {
    const batch = this.batch;
    if (!batch || this.syncing || this.running) return;
    if (!this.mutex.busy || batch.due || batch.calls >= MAX_BATCH_CALLS) this.commit(batch);
  }

  private commit(batch: Batch): void {
    this.batch = undefined;
    if (this.broken) {
      if (this.db.inTransaction) this.sql.rollback.run();
      batch.fail(this.broken);
      return;
    }
    // Until this batch is durable, reads see the database as it is before its COMMIT.
    if (batch.dirty && this.wal) this.holdReaderSnapshot();
    try {
      this.sql.commit.run();
    } catch (err) {
      if (this.db.inTransaction) this.sql.rollback.run();
      this.endReaderSnapshot();
      batch.fail(err);
      return;
    }
    // A batch that wrote nothing, or a store without fsync, is durable now: every batch
    // committed before it has had its fdatasync (none is in flight).
    if (!batch.dirty || !this.wal) {
      batch.succeed();
      this.catchUpWhenIdle();
      return;
    }
    this.syncing = batch;
    const gate = this.afterFsync;
    const synced = this.wal.sync();
    (gate ? synced.then(gate) : synced).then(
      () => {
        this.syncing = undefined;
        this.endReaderSnapshot();
        batch.succeed();
        // The calls that ran meanwhile are waiting in the open batch: commit it at once, or
        // at the end of the call running now.
        if (this.batch) this.batch.due = true;
        this.maybeCommit();
        this.catchUpWhenIdle();
      },
      (err: unknown) => {
        // After a failed fsync the kernel may have dropped the dirty pages: what was committed
        // may never reach the disk, and retrying cannot tell. Answer nothing more.
        this.syncing = undefined;
        this.broken = new Error(`SQLite store unavailable: fdatasync of the WAL failed: ${err instanceof Error ? err.message : String(err)}`);
        batch.fail(this.broken);
        this.abandonOpenBatch();
      },
    );
  }

  private holdReaderSnapshot(): void {
    if (!this.snapshot || this.readerDb?.inTransaction) return;
    this.snapshot.begin.run();
    this.snapshot.touch.get();
  }

  private endReaderSnapshot(): void {
    if (this.snapshot && this.readerDb?.inTransaction) this.snapshot.end.run();
  }

  /** The open batch sits on data that may be lost: roll it back and fail its calls. */
  private abandonOpenBatch(): void {
    const open = this.batch;
    if (!open || this.mutex.busy) return; // a running call's release comes back here through maybeCommit
    this.batch = undefined;
    if (this.db.inTransaction) this.sql.rollback.run();
    open.fail(this.broken);
  }

  /** A read outside transactions: on the reader, which sees only durable data (see above). */
  private async read<T>(fn: (r: StoreReader) => Promise<T>): Promise<T> {
    if (this.broken) throw this.broken;
    if (this.reader !== this.tx) return fn(this.reader);
    // ':memory:': one connection, which may hold the open batch; wait for the writer's turn.
    const release = await this.mutex.acquire();
    this.running = true;
    try {
      return await fn(this.reader);
    } finally {
      this.running = false;
      release();
      this.scheduleCommit();
    }
  }

  /** Raw SQL outside transactions, on the connection `read` uses. */
  private async query<T>(fn: (db: Db) => T): Promise<T> {
    return this.read(async () => fn(this.readerDb ?? this.db));
  }

  /**
   * The connections answer from their page caches and recent pages live in the WAL, so
   * neither shows that the file under them was damaged or replaced: the file's own header
   * and a fresh read-only connection do.
   */
  async ping(): Promise<void> {
    await this.query((db) => db.prepare('SELECT count(*) FROM schema_migrations').get());
    if (this.path === ':memory:') return;
    const header = Buffer.alloc(SQLITE_MAGIC.length);
    const fd = openSync(this.path, 'r');
    let read: number;
    try {
      read = readSync(fd, header, 0, header.length, 0);
    } finally {
      closeSync(fd);
    }
    if (read > 0 && !header.subarray(0, read).equals(SQLITE_MAGIC.subarray(0, read))) {
      throw Object.assign(new Error("file is not a database (its header is not SQLite's)"), { code: 'SQLITE_NOTADB' });
    }
    const probe = new Database(this.path, { readonly: true, fileMustExist: true });
    try {
      probe.prepare('SELECT count(*) FROM schema_migrations').get();
    } finally {
      probe.close();
    }
  }

  countsByDomain(): Promise<DomainCounts[]> {
    return this.query((db) => {
      const open = db.prepare('SELECT domain, count(*) AS n FROM executions WHERE close_status IS NULL GROUP BY domain').all() as { domain: string; n: number }[];
      const pending = db.prepare('SELECT domain, kind, count(*) AS n FROM tasks WHERE started = 0 GROUP BY domain, kind').all() as { domain: string; kind: string; n: number }[];
      return domainCounts(open, pending);
    });
  }

  /** Deletes every row but the schema's (the in-memory mode's POST /admin/reset), in one call. */
  clear(): Promise<void> {
    return this.transaction(async () => {
      for (const table of ['events', 'execution_tags', 'tasks', 'timers', 'executions', 'types', 'domains']) this.db.exec(`DELETE FROM ${table}`);
    });
  }

  /** On the writer, outside any call: it sees the open batch, whose tasks pollers were told of. */
  mayHaveTask(key: TaskListKey): boolean {
    if (!this.db.open) return true;
    return this.sql.pending.get(key.domain, key.kind, key.taskList) !== undefined;
  }

  onTasksAdded(listener: (keys: TaskListKey[]) => void): void {
    this.taskListeners.push(listener);
  }

  async close(): Promise<void> {
    this.endPause();
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
      // The last batch commits and reaches the disk before the connections close.
      if (this.syncing) await Promise.allSettled([this.syncing.durable]);
      const last = this.batch;
      if (last) {
        this.commit(last);
        await Promise.allSettled([last.durable]);
      }
      this.readerDb?.close();
      this.db.close();
      this.wal?.close();
    } finally {
      this.folderLock?.release();
      release();
    }
  }
}
