/**
 * Rows to records, shared by the SQLite and PostgreSQL back ends: both keep the same columns
 * (migrations/<dialect>/001), so one mapping serves them. Numbers go through Number() and flags
 * through Boolean(), since the drivers hand back 0/1 or true/false, numbers or numeric strings.
 */
import type { ExecutionState, TaskKind, TimerKey } from '../engine/index.js';
import type { DeadlineQuery, DeadlineRow, DomainRecord, ExecutionKey, TaskRow, TypeKind, TypeRecord } from './types.js';

export type Row = Record<string, unknown>;

export const toDomain = (r: Row): DomainRecord => ({
  name: r.name as string,
  status: r.status as DomainRecord['status'],
  ...(r.description !== null ? { description: r.description as string } : {}),
  retentionDays: r.retention_days as string,
  createdAt: Number(r.created_at),
  // Most domains have no tags: '[]' needs no parse (every call reads its domain).
  tags: r.tags === '[]' ? [] : (JSON.parse(r.tags as string) as DomainRecord['tags']),
});

export const toType = (r: Row): TypeRecord => ({
  domain: r.domain as string,
  kind: r.kind as TypeKind,
  name: r.name as string,
  version: r.version as string,
  status: r.status as TypeRecord['status'],
  ...(r.description !== null ? { description: r.description as string } : {}),
  creationDate: Number(r.creation_date),
  ...(r.deprecation_date !== null ? { deprecationDate: Number(r.deprecation_date) } : {}),
  configuration: JSON.parse(r.configuration as string) as Record<string, unknown>,
});

export const toTask = (r: Row): TaskRow => ({
  token: r.token as string,
  kind: r.kind as TaskKind,
  domain: r.domain as string,
  taskList: r.task_list as string,
  priority: Number(r.priority),
  runId: r.run_id as string,
  scheduledEventId: Number(r.scheduled_event_id),
  started: Boolean(r.started),
});

/** A run's key columns (migrations/<dialect>/001: executions). */
export const toExecutionKey = (r: Row | undefined): ExecutionKey | undefined =>
  r
    ? {
        runId: r.run_id as string,
        domain: r.domain as string,
        workflowId: r.workflow_id as string,
        workflowType: { name: r.type_name as string, version: r.type_version as string },
        open: r.close_status === null,
      }
    : undefined;

export const EXECUTION_KEY_COLUMNS = 'run_id, domain, workflow_id, type_name, type_version, close_status';

/** A run's state is kept as JSON text in the `state` column. */
export const toState = (r: Row | undefined): ExecutionState | undefined =>
  r ? (JSON.parse(r.state as string) as ExecutionState) : undefined;

/**
 * The deadlines of a domain or a run, earliest first, with the run's domain and workflowId.
 * `param(n)` spells the dialect's n-th placeholder.
 */
export function deadlinesQuery(query: DeadlineQuery, param: (n: number) => string): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.domain !== undefined) {
    params.push(query.domain);
    where.push(`e.domain = ${param(params.length)}`);
  }
  if (query.runId !== undefined) {
    params.push(query.runId);
    where.push(`t.run_id = ${param(params.length)}`);
  }
  if (query.withoutRetention === true) where.push(`t.kind <> 'retention'`);
  params.push(query.limit);
  const sql = `SELECT t.run_id, t.kind, t.ref, t.due_at, e.domain, e.workflow_id FROM timers t LEFT JOIN executions e ON e.run_id = t.run_id
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY t.due_at, t.run_id, t.kind, t.ref LIMIT ${param(params.length)}`;
  return { sql, params };
}

export function toDeadline(r: Row): DeadlineRow {
  return {
    key: { runId: r.run_id as string, kind: r.kind as TimerKey['kind'], ref: r.ref as string },
    dueAt: r.due_at as number,
    ...(typeof r.domain === 'string' ? { domain: r.domain } : {}),
    ...(typeof r.workflow_id === 'string' ? { workflowId: r.workflow_id } : {}),
  };
}
