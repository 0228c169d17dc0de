/**
 * Rows to records, shared by the SQLite and PostgreSQL back ends: both keep the same columns
 * (migrations/<dialect>/001), so one mapping serves them. Numbers go through Number() and flags
 * through Boolean(), since the drivers hand back 0/1 or true/false, numbers or numeric strings.
 */
import type { ExecutionState, TaskKind } from '../engine/index.js';
import type { DomainRecord, TaskRow, TypeKind, TypeRecord } from './types.js';

export type Row = Record<string, unknown>;

export const toDomain = (r: Row): DomainRecord => ({
  name: r.name as string,
  status: r.status as DomainRecord['status'],
  ...(r.description !== null ? { description: r.description as string } : {}),
  retentionDays: r.retention_days as string,
  createdAt: Number(r.created_at),
  tags: JSON.parse(r.tags as string) as DomainRecord['tags'],
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

/** A run's state is kept as JSON text in the `state` column. */
export const toState = (r: Row | undefined): ExecutionState | undefined =>
  r ? (JSON.parse(r.state as string) as ExecutionState) : undefined;
