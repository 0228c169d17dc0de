/**
 * SQL for the visibility queries (List/Count Open/Closed WorkflowExecutions).
 *
 * The SQL is what SQLite and PostgreSQL share, over the tables of migrations/<dialect>/001
 * and 002 (executions, execution_tags); a back end passes its parameter marker, and SQLite
 * asks for index hints. Each query shape (open or closed, which filter, sorted by
 * start or close time) reads one index in order: the filter's columns, then the sort
 * column, then run_id. SQLite is told that index (INDEXED BY): without statistics, which a
 * young database lacks, its planner picks a shorter index and filters, turning a 5 ms page
 * into a scan of the domain.
 *
 * Paging keeps the last (ts, run_id) returned. The next page narrows the index range to that
 * ts and drops the rows of the tie already returned, so a deep page costs what the first one
 * does, and runs that start or close between pages neither repeat nor hide others. (Both
 * time bounds stay plain column bounds: SQLite will not bound an index scan by a column
 * range and a row-value range together.)
 */
import type { ExecutionState } from '../engine/index.js';
import { InvalidCursor, type ExecutionPage, type ExecutionQuery } from './types.js';
import { decodeCursor, encodeCursor } from './cursor.js';

export interface BuiltQuery {
  sql: string;
  params: (string | number)[];
}

/** The n-th (1-based) parameter marker: `?` for SQLite, `$n` for PostgreSQL. */
export type Placeholder = (n: number) => string;
export const questionMark: Placeholder = () => '?';

/** Which timestamp a query filters and sorts on: a closeTimeFilter sorts by close time. */
type SortKey = 'start' | 'close';
const sortKeyOf = (query: ExecutionQuery): SortKey => (query.closeTime !== undefined ? 'close' : 'start');

/**
 * A page position. It also records the order it belongs to, so a token reused with another
 * order (start vs close time, or the other direction) is refused instead of skipping rows.
 */
interface Position {
  by: SortKey;
  reverse: boolean;
  ts: number;
  runId: string;
}

const isPosition = (v: unknown): v is Position => {
  const p = v as Position;
  return (
    typeof v === 'object' && v !== null && (p.by === 'start' || p.by === 'close') && typeof p.reverse === 'boolean' &&
    Number.isSafeInteger(p.ts) && typeof p.runId === 'string'
  );
};

function positionOf(query: ExecutionQuery): Position | undefined {
  if (query.cursor === undefined) return undefined;
  const position = decodeCursor(query.cursor, isPosition);
  if (position.by !== sortKeyOf(query) || position.reverse !== query.reverse) {
    throw new InvalidCursor('it belongs to a query with another order');
  }
  return position;
}

/** The index made for a query shape (migrations/sqlite/002_visibility_indexes.sql). */
function indexFor(query: ExecutionQuery): string {
  const by = sortKeyOf(query);
  if (query.tag !== undefined) return query.open ? 'execution_tags_open_start' : `execution_tags_closed_${by}`;
  if (query.open) {
    if (query.workflowId !== undefined) return 'executions_open_workflow';
    if (query.typeName !== undefined) return query.typeVersion !== undefined ? 'executions_open_type_version' : 'executions_open_type';
    return 'executions_open_start';
  }
  if (query.workflowId !== undefined) return `executions_closed_workflow_${by}`;
  if (query.typeName !== undefined) return query.typeVersion !== undefined ? `executions_closed_type_version_${by}` : `executions_closed_type_${by}`;
  if (query.closeStatus !== undefined) return `executions_closed_status_${by}`;
  return `executions_closed_${by}`;
}

/** A query under construction: conditions and their parameters, in order. */
class Sql {
  readonly where: string[] = [];
  readonly params: (string | number)[] = [];
  private n = 0;
  constructor(private readonly placeholder: Placeholder) {}

  /** The next parameter marker, bound to `value`. */
  param(value: string | number): string {
    this.params.push(value);
    return this.placeholder(++this.n);
  }

  and(condition: string): void {
    this.where.push(condition);
  }
}

interface Shape {
  /** The table the filter and sort read: execution_tags alone answers a tag query. */
  table: string;
  /** Its alias, 't' or 'e'. */
  alias: 't' | 'e';
  /** Whether some condition needs the executions table joined to the tag rows. */
  joinsExecutions: boolean;
  /** The sort column. */
  ts: string;
}

/** Adds the filter conditions (not the paging ones) and tells what the query reads. */
function addFilters(sql: Sql, query: ExecutionQuery): Shape {
  const alias = query.tag !== undefined ? 't' : 'e';
  if (query.tag !== undefined) {
    sql.and(`t.domain = ${sql.param(query.domain)}`);
    sql.and(`t.tag = ${sql.param(query.tag)}`);
    sql.and(query.open ? 't.close_ts IS NULL' : 't.close_ts IS NOT NULL');
  } else {
    sql.and(`e.domain = ${sql.param(query.domain)}`);
    sql.and(query.open ? 'e.close_status IS NULL' : 'e.close_status IS NOT NULL');
  }
  // The API lets a tag go with none of these; the join keeps the query right if one does.
  const before = sql.where.length;
  if (query.workflowId !== undefined) sql.and(`e.workflow_id = ${sql.param(query.workflowId)}`);
  if (query.typeName !== undefined) sql.and(`e.type_name = ${sql.param(query.typeName)}`);
  if (query.typeVersion !== undefined) sql.and(`e.type_version = ${sql.param(query.typeVersion)}`);
  if (query.closeStatus !== undefined) sql.and(`e.close_status = ${sql.param(query.closeStatus)}`);
  return {
    table: alias === 't' ? 'execution_tags' : 'executions',
    alias,
    joinsExecutions: alias === 't' && sql.where.length > before,
    ts: `${alias}.${sortKeyOf(query)}_ts`,
  };
}

/** Bounds the sort column by the time filter and, when paging, by the last row returned. */
function addTimeRange(sql: Sql, query: ExecutionQuery, shape: Shape, position: Position | undefined): void {
  const range = query.closeTime ?? query.startTime;
  let lower = range?.oldest;
  let upper = range?.latest;
  if (position !== undefined) {
    // Newest first continues at or below the last ts, oldest first at or above it; the rows
    // of that ts already returned are those at or past the last runId.
    if (query.reverse) lower = Math.max(lower ?? position.ts, position.ts);
    else upper = Math.min(upper ?? position.ts, position.ts);
  }
  if (lower !== undefined) sql.and(`${shape.ts} >= ${sql.param(lower)}`);
  if (upper !== undefined) sql.and(`${shape.ts} <= ${sql.param(upper)}`);
  if (position !== undefined) {
    const past = query.reverse ? '>' : '<';
    sql.and(`(${shape.ts} ${past} ${sql.param(position.ts)} OR ${shape.alias}.run_id ${past} ${sql.param(position.runId)})`);
  }
}

function fromClause(query: ExecutionQuery, shape: Shape, indexHints: boolean, needsExecutions: boolean): string {
  const hint = indexHints ? ` INDEXED BY ${indexFor(query)}` : '';
  const from = `${shape.table} AS ${shape.alias}${hint}`;
  return shape.alias === 't' && needsExecutions ? `${from} JOIN executions AS e ON e.run_id = t.run_id` : from;
}

/**
 * One page: up to `query.limit + 1` rows of `state`, newest first unless `reverse`. The extra
 * row only tells that another page exists (see pageOf).
 */
export function buildListQuery(query: ExecutionQuery, placeholder: Placeholder = questionMark, indexHints = false): BuiltQuery {
  const sql = new Sql(placeholder);
  const shape = addFilters(sql, query);
  addTimeRange(sql, query, shape, positionOf(query));
  const dir = query.reverse ? 'ASC' : 'DESC';
  const limit = sql.param(query.limit + 1);
  return {
    sql:
      `SELECT e.state FROM ${fromClause(query, shape, indexHints, true)} WHERE ${sql.where.join(' AND ')} ` +
      `ORDER BY ${shape.ts} ${dir}, ${shape.alias}.run_id ${dir} LIMIT ${limit}`,
    params: sql.params,
  };
}

/** Counts matching runs, stopping after `cap + 1` so a count never scans without bound. */
export function buildCountQuery(query: ExecutionQuery, cap: number, placeholder: Placeholder = questionMark, indexHints = false): BuiltQuery {
  const sql = new Sql(placeholder);
  const shape = addFilters(sql, query);
  addTimeRange(sql, query, shape, undefined);
  const limit = sql.param(cap + 1);
  return {
    sql: `SELECT count(*) AS n FROM (SELECT 1 FROM ${fromClause(query, shape, indexHints, shape.joinsExecutions)} WHERE ${sql.where.join(' AND ')} LIMIT ${limit}) AS matching`,
    params: sql.params,
  };
}

/** Turns the rows of buildListQuery into a page, with a token when more rows follow. */
export function pageOf(query: ExecutionQuery, rows: readonly ExecutionState[]): ExecutionPage {
  const executions = rows.slice(0, query.limit);
  const last = executions[executions.length - 1];
  if (rows.length <= query.limit || last === undefined) return { executions };
  const by = sortKeyOf(query);
  const ts = by === 'close' ? last.closeTimestamp : last.startTimestamp;
  if (ts === undefined) throw new Error(`run ${last.runId} listed by close time has no close time`);
  return { executions, cursor: encodeCursor({ by, reverse: query.reverse, ts, runId: last.runId } satisfies Position) };
}
