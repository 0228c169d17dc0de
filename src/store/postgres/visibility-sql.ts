/**
 * SQL for the visibility queries, PostgreSQL dialect. The builder is written in the SQL both
 * dialects share over the same tables and indexes (see ../visibility-sql.ts); only the
 * parameter markers differ, so pages and counts agree across back ends.
 */
import type { ExecutionQuery } from '../types.js';
import { buildCountQuery as countQuery, buildListQuery as listQuery, type BuiltQuery, type Placeholder } from '../visibility-sql.js';

export { pageOf } from '../visibility-sql.js';

const dollar: Placeholder = (n) => `$${n}`;

export const buildListQuery = (query: ExecutionQuery): BuiltQuery => listQuery(query, dollar);
export const buildCountQuery = (query: ExecutionQuery, cap: number): BuiltQuery => countQuery(query, cap, dollar);
