/**
 * The Store operations as PostgreSQL statements, over the pool (reads outside transactions)
 * or over the one connection of a transaction.
 *
 * Several nodes may change the same run at once. Inside a transaction every run is therefore
 * loaded with `SELECT ... FOR UPDATE`: the row lock is held to commit, so the change a node
 * computes from the state always starts from the latest committed one (READ COMMITTED
 * re-reads a row once its lock is granted). Two transactions that lock runs in opposite order
 * deadlock; PostgreSQL aborts one and the store retries it whole.
 *
 * Lock order, the same in every transaction: runs, then their tasks and deadlines; then
 * domains; then types. Registration rows are locked only where a handler asks (lockDomain,
 * lockType); an insert of a taken key fails in the insert (AlreadyExists).
 *
 * Round trips (issue 12): inside a transaction, a write whose answer nobody reads (an update,
 * events, tasks, deadlines, a savepoint) is not sent at once but queued, as a literal
 * (literal.ts), and travels in one simple-protocol query ahead of the next statement whose
 * answer is needed, or ahead of the COMMIT (`commit`). BEGIN is queued the same way. The
 * statements still run one after the other in the order issued, on the transaction's
 * connection, so every read sees the writes before it; a write that fails fails the round
 * trip it travels in, and with it the transaction, as it would have on its own. Runs locked
 * in the transaction are remembered with their state (`locked`): while this transaction holds
 * the row lock nobody else can change the row, so reading it again would return what is
 * remembered.
 */
import type { QueryResult, QueryResultRow } from 'pg';
import type { HistoryEvent } from '../../model/shapes.js';
import type { ExecutionState, TaskKind, TaskSpec, TimerKey } from '../../engine/index.js';
import {
  AlreadyExists,
  DuplicateOpenExecution,
  type DeadlineQuery,
  type DeadlineRow,
  type DomainRecord,
  type RowLock,
  type ExecutionPage,
  type StoreTx,
  type TaskRow,
  type TimerRow,
  type TypeKind,
  type TypeRecord,
} from '../types.js';
import type { TxChanges } from './notifications.js';
import { decodeRow, encodeParam } from './text.js';
import { inline } from './literal.js';
import { buildCountQuery, buildListQuery, pageOf } from './visibility-sql.js';
import { deadlinesQuery, EXECUTION_KEY_COLUMNS, toDeadline, toDomain, toExecutionKey, toState, toTask, toType, type Row } from '../rows.js';

/** What both a pool and a pooled connection offer. */
export interface Queryable {
  query<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}


export interface TxContext {
  /** What the transaction changed, for wake-ups after commit; absent outside transactions. */
  changes: TxChanges;
}

/**
 * Outside a transaction (`tx` undefined) only the read operations are used, and they lock
 * nothing. Inside one, runs are locked as they are loaded and changes are recorded.
 */
export class PgOperations implements StoreTx {
  /** Statements (literals inlined) not sent yet; a transaction's first is its BEGIN. */
  private queued: string[];
  /** Whether the transaction's BEGIN has reached the server (so it needs a COMMIT or ROLLBACK). */
  private begun = false;
  /** The runs this transaction holds locked, with their state as of now (its JSON). */
  private readonly locked = new Map<string, string>();

  constructor(
    private readonly db: Queryable,
    private readonly tx?: TxContext,
  ) {
    this.queued = tx ? ['BEGIN'] : [];
  }

  /**
   * Every statement whose answer is needed goes through here, so no string escapes the text
   * encoding (text.ts). The queued statements travel with it, in one round trip.
   */
  private async exec(sql: string, params: unknown[] = []): Promise<QueryResult<Row>> {
    const encoded = params.map(encodeParam);
    let result: QueryResult<Row>;
    if (this.queued.length === 0) {
      result = await this.db.query<Row>(sql, encoded);
    } else {
      result = lastResult(await this.sendQueuedWith(inline(sql, encoded)));
    }
    for (const row of result.rows) decodeRow(row);
    return result;
  }

  /** A write whose answer nobody reads: queued inside a transaction, sent at once outside one. */
  private async write(sql: string, params: unknown[] = []): Promise<void> {
    if (!this.tx) {
      await this.exec(sql, params);
      return;
    }
    this.queued.push(inline(sql, params.map(encodeParam)));
  }

  /**
   * Ends the transaction: the queued writes and COMMIT in one round trip. A transaction that
   * sent nothing and has nothing to send costs none.
   */
  async commit(): Promise<void> {
    if (!this.begun && this.queued.length === 1) {
      this.queued = [];
      return;
    }
    await this.sendQueuedWith('COMMIT');
  }

  /** The queued statements and `last` in one simple-protocol round trip; BEGIN has then reached the server. */
  private sendQueuedWith(last: string): Promise<QueryResult<Row> | QueryResult<Row>[]> {
    const text = [...this.queued, last].join(';\n');
    this.queued = [];
    this.begun = true;
    return this.db.query<Row>(text);
  }

  /** Whether the server has a transaction open for this one (ROLLBACK needed after a failure). */
  get started(): boolean {
    return this.begun;
  }

  /** Remembers a run this transaction holds locked (or just wrote), with its state. */
  private lockedRun(runId: string, state: unknown): void {
    if (this.tx && typeof state === 'string') this.locked.set(runId, state);
  }

  private async rows(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.exec(sql, params)).rows;
  }

  private async first(sql: string, params: unknown[] = []): Promise<Row | undefined> {
    return (await this.rows(sql, params))[0];
  }

  private async count(sql: string, params: unknown[]): Promise<number> {
    return ((await this.first(sql, params))?.n as number | undefined) ?? 0;
  }

  private get forUpdate(): string {
    return this.tx ? ' FOR UPDATE' : '';
  }

  async getDomain(name: string) {
    const r = await this.first('SELECT * FROM domains WHERE name = $1', [name]);
    return r ? toDomain(r) : undefined;
  }

  async listDomains() {
    return (await this.rows('SELECT * FROM domains ORDER BY name')).map(toDomain);
  }

  async getType(domain: string, kind: TypeKind, name: string, version: string) {
    const r = await this.first('SELECT * FROM types WHERE domain = $1 AND kind = $2 AND name = $3 AND version = $4', [domain, kind, name, version]);
    return r ? toType(r) : undefined;
  }

  async listTypes(domain: string, kind: TypeKind) {
    return (await this.rows('SELECT * FROM types WHERE domain = $1 AND kind = $2 ORDER BY name, version', [domain, kind])).map(toType);
  }

  countTypes(domain: string, kind: TypeKind) {
    return this.count('SELECT count(*) AS n FROM types WHERE domain = $1 AND kind = $2', [domain, kind]);
  }

  async getExecution(runId: string) {
    const known = this.locked.get(runId);
    if (known !== undefined) return JSON.parse(known) as ExecutionState;
    const r = await this.first(`SELECT state FROM executions WHERE run_id = $1${this.forUpdate}`, [runId]);
    if (r) this.lockedRun(runId, r.state);
    return toState(r);
  }

  async getExecutionKey(runId: string) {
    return toExecutionKey(await this.first(`SELECT ${EXECUTION_KEY_COLUMNS} FROM executions WHERE run_id = $1`, [runId]));
  }

  async findOpenExecution(domain: string, workflowId: string) {
    const find = 'SELECT run_id, state FROM executions WHERE domain = $1 AND workflow_id = $2 AND close_status IS NULL';
    if (!this.tx) return toState(await this.first(find, [domain, workflowId]));
    // Find, then lock by key and check it is still open. Locking in the finding statement
    // would miss a run that a concurrent continue-as-new opened: that statement's snapshot
    // predates it, and the closed run it waited for no longer matches.
    for (;;) {
      const found = await this.first(find, [domain, workflowId]);
      if (!found) return undefined;
      const locked = await this.first('SELECT state FROM executions WHERE run_id = $1 AND close_status IS NULL FOR UPDATE', [found.run_id]);
      if (locked) {
        this.lockedRun(found.run_id as string, locked.state);
        return toState(locked);
      }
    }
  }

  countOpenExecutions(domain: string) {
    return this.count('SELECT count(*) AS n FROM executions WHERE domain = $1 AND close_status IS NULL', [domain]);
  }

  async getHistory(runId: string, query: { after?: number; limit: number; reverse: boolean }) {
    const rows = query.reverse
      ? await this.rows('SELECT event FROM events WHERE run_id = $1 AND event_id < $2 ORDER BY event_id DESC LIMIT $3', [runId, query.after ?? 2 ** 31 - 1, query.limit])
      : await this.rows('SELECT event FROM events WHERE run_id = $1 AND event_id > $2 ORDER BY event_id LIMIT $3', [runId, query.after ?? 0, query.limit]);
    return rows.map((r) => JSON.parse(r.event as string) as HistoryEvent);
  }

  async listExecutions(query: Parameters<StoreTx['listExecutions']>[0]): Promise<ExecutionPage> {
    const built = buildListQuery(query);
    const rows = await this.rows(built.sql, built.params);
    return pageOf(query, rows.map((r) => JSON.parse(r.state as string) as ExecutionState));
  }

  countExecutions(query: Parameters<StoreTx['countExecutions']>[0], cap: number) {
    const built = buildCountQuery(query, cap);
    return this.count(built.sql, built.params);
  }

  async getTask(token: string) {
    const r = await this.first('SELECT * FROM tasks WHERE token = $1', [token]);
    return r ? toTask(r) : undefined;
  }

  countPendingTasks(domain: string, kind: TaskKind, taskList: string) {
    return this.count('SELECT count(*) AS n FROM tasks WHERE domain = $1 AND kind = $2 AND task_list = $3 AND NOT started', [domain, kind, taskList]);
  }

  async listDeadlines(query: DeadlineQuery): Promise<DeadlineRow[]> {
    const built = deadlinesQuery(query, (n) => `$${n}`);
    return (await this.rows(built.sql, built.params)).map(toDeadline);
  }

  async nextDueAt() {
    return ((await this.first('SELECT min(due_at) AS d FROM timers'))?.d as number | null | undefined) ?? undefined;
  }

  async insertDomain(d: DomainRecord) {
    try {
      await this.exec(
        'INSERT INTO domains (name, status, description, retention_days, created_at, tags) VALUES ($1, $2, $3, $4, $5, $6)',
        [d.name, d.status, d.description ?? null, d.retentionDays, d.createdAt, JSON.stringify(d.tags)],
      );
    } catch (err) {
      // The violation aborts the transaction, which the caller ends with the fault anyway.
      if (isUniqueViolation(err)) throw new AlreadyExists({ kind: 'domain', name: d.name });
      throw err;
    }
  }

  async lockDomainRegistrations() {
    // No row stands for "the set of domains": a transaction-scoped advisory lock does.
    await this.exec('SELECT pg_advisory_xact_lock($1)', [DOMAIN_REGISTRATIONS_LOCK]);
  }

  async lockDomain(name: string, lock: RowLock) {
    const r = await this.first(`SELECT * FROM domains WHERE name = $1${lockClause(lock)}`, [name]);
    return r ? toDomain(r) : undefined;
  }

  /**
   * Exact, and concurrent for starts far from the limit. The fast path holds the domain's row
   * FOR SHARE, so starts run side by side: while it is held, only other FOR SHARE holders
   * can open runs, each at most one, and no more of them can run at once than PostgreSQL has
   * connections. So a count under the share lock that is below the limit by more than
   * max_connections stays below it until commit. Nearer the limit, the row is taken FOR
   * UPDATE instead: that waits for every share holder and keeps new ones out, so the count
   * it reads is exact. (Rolling back to the savepoint drops the share lock first, since a
   * share lock upgraded in place deadlocks with another doing the same.)
   */
  async admitRun(name: string, limit: number) {
    const open = 'SELECT count(*) AS n, current_setting($2)::int AS max FROM executions WHERE domain = $1 AND close_status IS NULL';
    await this.write('SAVEPOINT admit_run');
    const shared = await this.lockDomain(name, 'share');
    if (!shared) {
      await this.write('RELEASE SAVEPOINT admit_run');
      return undefined;
    }
    const counted = await this.first(open, [name, 'max_connections']);
    if ((counted?.n as number) + (counted?.max as number) < limit) {
      await this.write('RELEASE SAVEPOINT admit_run');
      return { domain: shared, fits: true };
    }
    await this.write('ROLLBACK TO SAVEPOINT admit_run');
    await this.write('RELEASE SAVEPOINT admit_run');
    const domain = await this.lockDomain(name, 'update');
    if (!domain) return undefined;
    return { domain, fits: (await this.countOpenExecutions(name)) < limit };
  }

  async insertType(t: TypeRecord) {
    try {
      await this.exec(
        `INSERT INTO types (domain, kind, name, version, status, description, creation_date, deprecation_date, configuration)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [t.domain, t.kind, t.name, t.version, t.status, t.description ?? null, t.creationDate, t.deprecationDate ?? null, JSON.stringify(t.configuration)],
      );
    } catch (err) {
      if (isUniqueViolation(err)) throw new AlreadyExists({ kind: t.kind, domain: t.domain, name: t.name, version: t.version });
      throw err;
    }
  }

  async lockType(domain: string, kind: TypeKind, name: string, version: string, lock: RowLock) {
    const r = await this.first(`SELECT * FROM types WHERE domain = $1 AND kind = $2 AND name = $3 AND version = $4${lockClause(lock)}`, [domain, kind, name, version]);
    return r ? toType(r) : undefined;
  }

  async putDomain(d: DomainRecord) {
    await this.exec(
      `INSERT INTO domains (name, status, description, retention_days, created_at, tags) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (name) DO UPDATE SET status = excluded.status, description = excluded.description,
         retention_days = excluded.retention_days, tags = excluded.tags`,
      [d.name, d.status, d.description ?? null, d.retentionDays, d.createdAt, JSON.stringify(d.tags)],
    );
  }

  async putType(t: TypeRecord) {
    await this.exec(
      `INSERT INTO types (domain, kind, name, version, status, description, creation_date, deprecation_date, configuration)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (domain, kind, name, version) DO UPDATE SET status = excluded.status,
         description = excluded.description, deprecation_date = excluded.deprecation_date, configuration = excluded.configuration`,
      [t.domain, t.kind, t.name, t.version, t.status, t.description ?? null, t.creationDate, t.deprecationDate ?? null, JSON.stringify(t.configuration)],
    );
  }

  async deleteType(domain: string, kind: TypeKind, name: string, version: string) {
    await this.exec('DELETE FROM types WHERE domain = $1 AND kind = $2 AND name = $3 AND version = $4', [domain, kind, name, version]);
  }

  async insertExecution(s: ExecutionState) {
    // DO NOTHING instead of a unique violation: the violation would abort the whole
    // transaction, while the caller may want to carry on (as it can on SQLite).
    const inserted = await this.exec(
      `INSERT INTO executions (run_id, domain, workflow_id, type_name, type_version, start_ts, close_ts, close_status, state)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (domain, workflow_id) WHERE close_status IS NULL DO NOTHING`,
      [s.runId, s.domain, s.workflowId, s.workflowType.name, s.workflowType.version, s.startTimestamp, s.closeTimestamp ?? null, s.closeStatus ?? null, JSON.stringify(s)],
    );
    if (inserted.rowCount === 0) throw new DuplicateOpenExecution(s.domain, s.workflowId);
    this.lockedRun(s.runId, JSON.stringify(s));
    const tags = [...new Set(s.tagList)];
    if (tags.length > 0) {
      await this.write(
        'INSERT INTO execution_tags (run_id, domain, tag, start_ts, close_ts) SELECT $1, $2, tag, $4, $5 FROM unnest($3::text[]) AS tag',
        [s.runId, s.domain, tags, s.startTimestamp, s.closeTimestamp ?? null],
      );
    }
  }

  async updateExecution(s: ExecutionState) {
    // An open run's close columns are NULL and stay so.
    const state = JSON.stringify(s);
    if (this.locked.has(s.runId)) this.locked.set(s.runId, state);
    if (s.closeStatus === undefined) {
      await this.write('UPDATE executions SET state = $1 WHERE run_id = $2', [state, s.runId]);
      return;
    }
    // The tag rows carry the close time too, so tag queries need not visit executions.
    await this.write(
      `WITH closed_tags AS (UPDATE execution_tags SET close_ts = $1 WHERE run_id = $4 AND close_ts IS NULL)
       UPDATE executions SET close_ts = $1, close_status = $2, state = $3 WHERE run_id = $4`,
      [s.closeTimestamp ?? null, s.closeStatus, state, s.runId],
    );
  }

  async deleteExecution(runId: string) {
    this.locked.delete(runId);
    await this.write(
      `WITH gone_events AS (DELETE FROM events WHERE run_id = $1),
            gone_tags AS (DELETE FROM execution_tags WHERE run_id = $1),
            gone_tasks AS (DELETE FROM tasks WHERE run_id = $1),
            gone_timers AS (DELETE FROM timers WHERE run_id = $1)
       DELETE FROM executions WHERE run_id = $1`,
      [runId],
    );
  }

  async appendEvents(runId: string, events: readonly HistoryEvent[]) {
    if (events.length === 0) return;
    await this.write('INSERT INTO events (run_id, event_id, event) SELECT $1, id, body FROM unnest($2::integer[], $3::text[]) AS e(id, body)', [
      runId, events.map((e) => e.eventId), events.map((e) => JSON.stringify(e)),
    ]);
  }

  async enqueueTask(task: TaskSpec) {
    await this.write('INSERT INTO tasks (token, kind, domain, task_list, priority, run_id, scheduled_event_id) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      task.token, task.kind, task.domain, task.taskList, task.priority, task.runId, task.scheduledEventId,
    ]);
    this.tx?.changes.taskAdded({ domain: task.domain, kind: task.kind, taskList: task.taskList });
  }

  async claimTask(domain: string, kind: TaskKind, taskList: string) {
    // Lock order: the run, then its tasks (as every other change takes them). One statement
    // a try: the first candidate is read without a lock, its run is locked (waiting, if a
    // change to it is being committed; the lock returns the run's latest state, remembered
    // for the getExecution that follows), and only then is the task taken, if still
    // unstarted (the UPDATE re-checks a row changed meanwhile). The UPDATE's condition on
    // `run` makes the lock come first, and holds whether or not the run's row exists. A
    // poller that lost the task to another looks again.
    for (;;) {
      const r = await this.first(
        `WITH candidate AS (
           SELECT seq, run_id FROM tasks WHERE domain = $1 AND kind = $2 AND task_list = $3 AND NOT started
           ORDER BY priority DESC, seq LIMIT 1),
         run AS (SELECT run_id, state FROM executions WHERE run_id = (SELECT run_id FROM candidate) FOR UPDATE),
         taken AS (
           UPDATE tasks SET started = true
           WHERE seq = (SELECT seq FROM candidate) AND NOT started AND (SELECT count(*) FROM run) >= 0
           RETURNING *)
         SELECT c.seq AS candidate_seq, c.run_id AS candidate_run, r.state AS run_state, t.*
         FROM candidate c LEFT JOIN run r ON true LEFT JOIN taken t ON true`,
        [domain, kind, taskList],
      );
      if (!r) return undefined;
      this.lockedRun(r.candidate_run as string, r.run_state);
      if (r.token !== null && r.token !== undefined) return toTask(r);
      // The candidate went to another poller meanwhile: look again.
    }
  }

  async removeTask(token: string) {
    await this.write('DELETE FROM tasks WHERE token = $1', [token]);
  }

  async removeTasksOfRun(runId: string) {
    await this.write('DELETE FROM tasks WHERE run_id = $1', [runId]);
  }

  async armTimer(key: TimerKey, dueAt: number) {
    await this.write(
      `INSERT INTO timers (run_id, kind, ref, due_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (run_id, kind, ref) DO UPDATE SET due_at = excluded.due_at`,
      [key.runId, key.kind, key.ref, dueAt],
    );
    this.tx?.changes.timerArmed(dueAt);
  }

  async disarmTimer(key: TimerKey) {
    await this.write('DELETE FROM timers WHERE run_id = $1 AND kind = $2 AND ref = $3', [key.runId, key.kind, key.ref]);
  }

  async disarmTimersOfRun(runId: string) {
    await this.write("DELETE FROM timers WHERE run_id = $1 AND kind <> 'retention'", [runId]);
  }

  async takeTimer(key: TimerKey, dueAt: number): Promise<TimerRow | undefined> {
    const run = await this.first('SELECT state FROM executions WHERE run_id = $1 FOR UPDATE', [key.runId]); // the run first
    if (run) this.lockedRun(key.runId, run.state);
    const r = await this.first('DELETE FROM timers WHERE run_id = $1 AND kind = $2 AND ref = $3 AND due_at = $4 RETURNING due_at', [key.runId, key.kind, key.ref, dueAt]);
    return r ? { key, dueAt: r.due_at as number } : undefined;
  }

  async takeDueTimers(now: number, limit: number): Promise<TimerRow[]> {
    // Lock order: the run, then its deadlines (as every change that arms or disarms them takes
    // them). The due rows are read without a lock, each one's run is locked, then the row is
    // deleted: whoever deletes it fires it, so each deadline fires once across the cluster. A
    // row re-armed meanwhile (its due_at moved) is left alone. If this transaction rolls
    // back, its rows come back and fire later.
    // Three statements a batch: the runs are locked in one (in run_id order), the rows deleted in one.
    const due = await this.rows('SELECT seq, run_id FROM timers WHERE due_at <= $1 ORDER BY due_at, seq LIMIT $2', [now, limit]);
    if (due.length === 0) return [];
    const runIds = [...new Set(due.map((d) => d.run_id as string))];
    const runs = await this.rows('SELECT run_id, state FROM executions WHERE run_id = ANY($1::text[]) ORDER BY run_id FOR UPDATE', [runIds]);
    for (const run of runs) this.lockedRun(run.run_id as string, run.state);
    const rows = await this.rows('DELETE FROM timers WHERE seq = ANY($1::bigint[]) AND due_at <= $2 RETURNING seq, run_id, kind, ref, due_at', [due.map((d) => d.seq), now]);
    rows.sort((a, b) => (a.due_at as number) - (b.due_at as number) || (a.seq as number) - (b.seq as number));
    return rows.map((r) => ({ key: { runId: r.run_id as string, kind: r.kind as TimerKey['kind'], ref: r.ref as string }, dueAt: r.due_at as number }));
  }
}

/** The advisory lock key of domain registrations (any constant no other lock of ours uses). */
const DOMAIN_REGISTRATIONS_LOCK = 0x6f737766_01;

const lockClause = (lock: RowLock): string => (lock === 'update' ? ' FOR UPDATE' : ' FOR SHARE');

const isUniqueViolation = (err: unknown): boolean => (err as { code?: unknown } | null)?.code === '23505';

/** A simple-protocol query of several statements answers with one result each: the last is the one asked for. */
function lastResult(result: QueryResult<Row> | QueryResult<Row>[]): QueryResult<Row> {
  if (!Array.isArray(result)) return result;
  const last = result[result.length - 1];
  if (!last) throw new Error('a query of several statements returned no result');
  return last;
}
