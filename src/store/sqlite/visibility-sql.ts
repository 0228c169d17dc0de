/** SQL for the visibility queries (List/Count Open/Closed WorkflowExecutions), SQLite dialect. */
import type { ExecutionState } from '../../engine/index.js';
import type { ExecutionQuery } from '../types.js';
import { decodeCursor, encodeCursor } from '../cursor.js';

interface Position {
  ts: number;
  runId: string;
}

const isPosition = (v: unknown): v is Position =>
  typeof v === 'object' && v !== null && typeof (v as Position).ts === 'number' && typeof (v as Position).runId === 'string';

export interface BuiltQuery {
  sql: string;
  params: (string | number)[];
  cursorOf(last: ExecutionState): string;
}

export function buildExecutionQuery(query: ExecutionQuery, mode: 'list' | 'count'): BuiltQuery {
  const byClose = query.closeTime !== undefined;
  const tsColumn = byClose ? 'e.close_ts' : 'e.start_ts';
  const where: string[] = ['e.domain = ?', query.open ? 'e.close_status IS NULL' : 'e.close_status IS NOT NULL'];
  const params: (string | number)[] = [query.domain];
  let from = 'executions e';
  if (query.tag !== undefined) {
    from = 'execution_tags t JOIN executions e ON e.run_id = t.run_id';
    where.push('t.domain = ?', 't.tag = ?');
    params.push(query.domain, query.tag);
  }
  const range = (column: string, filter: { oldest: number; latest?: number } | undefined) => {
    if (!filter) return;
    where.push(`${column} >= ?`);
    params.push(filter.oldest);
    if (filter.latest !== undefined) {
      where.push(`${column} <= ?`);
      params.push(filter.latest);
    }
  };
  range('e.start_ts', query.startTime);
  range('e.close_ts', query.closeTime);
  if (query.workflowId !== undefined) {
    where.push('e.workflow_id = ?');
    params.push(query.workflowId);
  }
  if (query.typeName !== undefined) {
    where.push('e.type_name = ?');
    params.push(query.typeName);
    if (query.typeVersion !== undefined) {
      where.push('e.type_version = ?');
      params.push(query.typeVersion);
    }
  }
  if (query.closeStatus !== undefined) {
    where.push('e.close_status = ?');
    params.push(query.closeStatus);
  }
  // Newest first unless reverseOrder; ties broken by runId so pages never skip or repeat.
  const descending = !query.reverse;
  if (mode === 'list' && query.cursor !== undefined) {
    const pos = decodeCursor(query.cursor, isPosition);
    where.push(descending ? `(${tsColumn} < ? OR (${tsColumn} = ? AND e.run_id < ?))` : `(${tsColumn} > ? OR (${tsColumn} = ? AND e.run_id > ?))`);
    params.push(pos.ts, pos.ts, pos.runId);
  }
  const cursorOf = (last: ExecutionState) =>
    encodeCursor({ ts: byClose ? (last.closeTimestamp ?? 0) : last.startTimestamp, runId: last.runId });
  if (mode === 'count') {
    return { sql: `SELECT count(*) AS n FROM (SELECT 1 FROM ${from} WHERE ${where.join(' AND ')} LIMIT ${query.limit + 1})`, params, cursorOf };
  }
  const dir = descending ? 'DESC' : 'ASC';
  return {
    sql: `SELECT e.state FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${tsColumn} ${dir}, e.run_id ${dir} LIMIT ${query.limit + 1}`,
    params,
    cursorOf,
  };
}
