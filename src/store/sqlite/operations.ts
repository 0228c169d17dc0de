/**
 * The SQLite back end's operations over one connection, with that connection's prepared
 * statements (each prepared once, on first use, and reused). The store makes one set for the
 * writer connection (transactions) and one for the read-only reader connection (reads
 * outside transactions); the reader's writes would fail, and nothing calls them.
 * Synchronous underneath; async to match the Store seam.
 */
import type { Database as Db, Statement } from 'better-sqlite3';
import type { HistoryEvent } from '../../model/shapes.js';
import type { ExecutionState, TaskSpec, TimerKey } from '../../engine/index.js';
import { AlreadyExists, DuplicateOpenExecution, type ExecutionPage, type HistoryQuery, type StoreTx, type TaskListKey, type TimerRow } from '../types.js';
import { deadlinesQuery, EXECUTION_KEY_COLUMNS, toDeadline, toDomain, toExecutionKey, toState, toTask, toType, type Row } from '../rows.js';
import { buildCountQuery, buildListQuery, pageOf, questionMark } from '../visibility-sql.js';

export function sqliteOperations(db: Db, taskAdded: (key: TaskListKey) => void = () => {}): StoreTx {
  const statements = new Map<string, Statement>();
  const q = (sql: string): Statement => {
    let s = statements.get(sql);
    if (!s) {
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };
  // Arrival order of tasks and arming order of deadlines (migration 003): one rising counter,
  // read back from the tables on first use. A rolled-back call leaves a gap, which is harmless.
  let lastSeq: number | undefined;
  const nextSeq = (): number => {
    lastSeq ??= Math.max(
      Number(q('SELECT coalesce(max(seq), 0) FROM tasks').pluck().get()),
      Number(q('SELECT coalesce(max(seq), 0) FROM timers').pluck().get()),
    );
    return ++lastSeq;
  };
  const ops: StoreTx = {
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
    async getExecutionKey(runId) {
      return toExecutionKey(q(`SELECT ${EXECUTION_KEY_COLUMNS} FROM executions WHERE run_id = ?`).get(runId) as Row | undefined);
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
    async listDeadlines(query) {
      const built = deadlinesQuery(query, () => '?');
      return (q(built.sql).all(...built.params) as Row[]).map(toDeadline);
    },
    // Calls run one at a time here, so a row read in one stays as read: locks are reads.
    lockDomain: (name) => ops.getDomain(name),
    lockType: (domain, kind, name, version) => ops.getType(domain, kind, name, version),
    async lockDomainRegistrations() {},
    async admitRun(name, limit) {
      const domain = await ops.getDomain(name);
      return domain ? { domain, fits: (await ops.countOpenExecutions(name)) < limit } : undefined;
    },
    async insertDomain(d) {
      try {
        q('INSERT INTO domains (name, status, description, retention_days, created_at, tags) VALUES (?, ?, ?, ?, ?, ?)').run(
          d.name, d.status, d.description ?? null, d.retentionDays, d.createdAt, JSON.stringify(d.tags),
        );
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new AlreadyExists({ kind: 'domain', name: d.name });
        throw err;
      }
    },
    async insertType(t) {
      try {
        q(`INSERT INTO types (domain, kind, name, version, status, description, creation_date, deprecation_date, configuration)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
          t.domain, t.kind, t.name, t.version, t.status, t.description ?? null, t.creationDate, t.deprecationDate ?? null, JSON.stringify(t.configuration),
        );
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new AlreadyExists({ kind: t.kind, domain: t.domain, name: t.name, version: t.version });
        throw err;
      }
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
      q(`INSERT INTO tasks (token, seq, kind, domain, task_list, priority, run_id, scheduled_event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(
        task.token, nextSeq(), task.kind, task.domain, task.taskList, task.priority, task.runId, task.scheduledEventId,
      );
      taskAdded({ domain: task.domain, kind: task.kind, taskList: task.taskList });
    },
    async claimTask(domain, kind, taskList) {
      const r = q(`SELECT * FROM tasks WHERE domain = ? AND kind = ? AND task_list = ? AND started = 0
                   ORDER BY priority DESC, seq LIMIT 1`).get(domain, kind, taskList) as Row | undefined;
      if (!r) return undefined;
      q('UPDATE tasks SET started = 1 WHERE token = ?').run(r.token);
      return { ...toTask(r), started: true };
    },
    async removeTask(token) {
      q('DELETE FROM tasks WHERE token = ?').run(token);
    },
    async removeTasksOfRun(runId) {
      q('DELETE FROM tasks WHERE run_id = ?').run(runId);
    },
    async armTimer(key: TimerKey, dueAt) {
      // Re-arming keeps the deadline's place among ties (its seq), as a rowid did.
      q(`INSERT INTO timers (run_id, kind, ref, due_at, seq) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (run_id, kind, ref) DO UPDATE SET due_at = excluded.due_at`).run(key.runId, key.kind, key.ref, dueAt, nextSeq());
    },
    async disarmTimer(key) {
      q('DELETE FROM timers WHERE run_id = ? AND kind = ? AND ref = ?').run(key.runId, key.kind, key.ref);
    },
    async disarmTimersOfRun(runId) {
      q("DELETE FROM timers WHERE run_id = ? AND kind <> 'retention'").run(runId);
    },
    async takeTimer(key, dueAt) {
      const r = q('DELETE FROM timers WHERE run_id = ? AND kind = ? AND ref = ? AND due_at = ?').run(key.runId, key.kind, key.ref, dueAt);
      return r.changes > 0 ? { key, dueAt } : undefined;
    },
    async takeDueTimers(now, limit): Promise<TimerRow[]> {
      const rows = q('SELECT run_id, kind, ref, due_at FROM timers WHERE due_at <= ? ORDER BY due_at, seq LIMIT ?').all(now, limit) as Row[];
      const del = q('DELETE FROM timers WHERE run_id = ? AND kind = ? AND ref = ?');
      return rows.map((r) => {
        del.run(r.run_id, r.kind, r.ref);
        return { key: { runId: r.run_id as string, kind: r.kind as TimerKey['kind'], ref: r.ref as string }, dueAt: r.due_at as number };
      });
    },
  };
  return ops;
}
