/** Helpers the operation handlers share: lookups that fault the SWF way, paging, rendering. */
import type { ActivityType, WorkflowExecutionInfo, WorkflowType } from '../model/shapes.js';
import type { ExecutionState } from '../engine/index.js';
import type { DomainRecord, ExecutionKey, RowLock, StoreReader, StoreTx, TypeKind, TypeRecord } from '../store/types.js';
import { SwfFault } from '../faults.js';
import { decodeCursor, encodeCursor } from '../store/cursor.js';

export const seconds = (ms: number): number => ms / 1000;
export const millis = (epochSeconds: number): number => Math.round(epochSeconds * 1000);

export async function requireDomain(store: StoreReader, name: string): Promise<DomainRecord> {
  const domain = await store.getDomain(name);
  if (!domain) throw new SwfFault('UnknownResourceFault', `Unknown domain: ${name}`);
  return domain;
}

/**
 * The domain, its row locked until commit: 'update' (the default) for a read-modify-write,
 * so no change of another transaction, on any node, is lost or overtaken.
 */
export async function lockedDomain(tx: StoreTx, name: string, lock: RowLock = 'update'): Promise<DomainRecord> {
  const domain = await tx.lockDomain(name, lock);
  if (!domain) throw new SwfFault('UnknownResourceFault', `Unknown domain: ${name}`);
  return domain;
}

/** The type, its row locked until commit (see lockedDomain). */
export async function lockedType(tx: StoreTx, domain: string, kind: TypeKind, type: WorkflowType | ActivityType, lock: RowLock = 'update'): Promise<TypeRecord> {
  const record = await tx.lockType(domain, kind, type.name, type.version, lock);
  if (!record) throw new SwfFault('UnknownResourceFault', `Unknown type: ${describeType(kind, type)}`);
  return record;
}

/** Starting runs and registering types needs a domain that is not deprecated. */
export async function requireRegisteredDomain(store: StoreReader, name: string): Promise<DomainRecord> {
  const domain = await requireDomain(store, name);
  if (domain.status === 'DEPRECATED') throw new SwfFault('UnknownResourceFault', `Unknown domain: ${name}`);
  return domain;
}

const typeLabel = (kind: TypeKind) => (kind === 'workflow' ? 'WorkflowType' : 'ActivityType');

export function describeType(kind: TypeKind, type: WorkflowType | ActivityType): string {
  return `${typeLabel(kind)}=[name=${type.name}, version=${type.version}]`;
}

export async function requireType(store: StoreReader, domain: string, kind: TypeKind, type: WorkflowType | ActivityType): Promise<TypeRecord> {
  const record = await store.getType(domain, kind, type.name, type.version);
  if (!record) throw new SwfFault('UnknownResourceFault', `Unknown type: ${describeType(kind, type)}`);
  return record;
}

export function unknownExecution(workflowId: string, runId?: string): SwfFault {
  return new SwfFault(
    'UnknownResourceFault',
    runId === undefined
      ? `Unknown execution, workflowId = ${workflowId}`
      : `Unknown execution: WorkflowExecution=[workflowId=${workflowId}, runId=${runId}]`,
  );
}

/** The run (workflowId, runId) names in a domain, open or closed. */
export async function requireExecution(store: StoreReader, domain: string, workflowId: string, runId: string): Promise<ExecutionState> {
  const state = await store.getExecution(runId);
  if (!state || state.domain !== domain || state.workflowId !== workflowId) throw unknownExecution(workflowId, runId);
  return state;
}

/** The run (workflowId, runId) names in a domain, by its key columns: for calls that need no more of it. */
export async function requireExecutionKey(store: StoreReader, domain: string, workflowId: string, runId: string): Promise<ExecutionKey> {
  const key = await store.getExecutionKey(runId);
  if (!key || key.domain !== domain || key.workflowId !== workflowId) throw unknownExecution(workflowId, runId);
  return key;
}

/** The open run a (workflowId, runId?) pair names; runId omitted means the open run of that id. */
export async function requireOpenExecution(store: StoreReader, domain: string, workflowId: string, runId?: string): Promise<ExecutionState> {
  const state =
    runId === undefined ? await store.findOpenExecution(domain, workflowId) : await store.getExecution(runId);
  if (!state || state.domain !== domain || state.workflowId !== workflowId || state.closeStatus !== undefined) {
    throw unknownExecution(workflowId, runId);
  }
  return state;
}

export function executionInfo(state: ExecutionState): WorkflowExecutionInfo {
  return {
    execution: { workflowId: state.workflowId, runId: state.runId },
    workflowType: state.workflowType,
    startTimestamp: seconds(state.startTimestamp),
    ...(state.closeTimestamp !== undefined ? { closeTimestamp: seconds(state.closeTimestamp) } : {}),
    executionStatus: state.closeStatus === undefined ? 'OPEN' : 'CLOSED',
    ...(state.closeStatus !== undefined ? { closeStatus: state.closeStatus } : {}),
    ...(state.parent ? { parent: state.parent.execution } : {}),
    ...(state.tagList.length > 0 ? { tagList: state.tagList } : {}),
    cancelRequested: state.cancelRequested,
  };
}

/** SWF pages default to (and are capped at) 1000 items; 0 means the default. */
export function pageSize(maximumPageSize: number | undefined): number {
  return maximumPageSize === undefined || maximumPageSize <= 0 ? 1000 : Math.min(maximumPageSize, 1000);
}

interface KeyCursor {
  k: string;
}
const isKeyCursor = (v: unknown): v is KeyCursor => typeof v === 'object' && v !== null && typeof (v as KeyCursor).k === 'string';

/**
 * Pages an in-memory list (domains, types) sorted by `key`. The token holds the last key
 * returned, so items added or removed between pages do not shift the rest.
 */
export function pageByKey<T>(
  items: readonly T[],
  key: (item: T) => string,
  options: { maximumPageSize?: number; nextPageToken?: string; reverseOrder?: boolean },
): { page: T[]; nextPageToken?: string } {
  const sorted = [...items].sort((a, b) => compare(key(a), key(b)));
  if (options.reverseOrder) sorted.reverse();
  let start = 0;
  if (options.nextPageToken !== undefined) {
    const after = decodeCursor(options.nextPageToken, isKeyCursor).k;
    start = sorted.findIndex((item) => (options.reverseOrder ? compare(key(item), after) < 0 : compare(key(item), after) > 0));
    if (start < 0) start = sorted.length;
  }
  const size = pageSize(options.maximumPageSize);
  const page = sorted.slice(start, start + size);
  const more = start + size < sorted.length;
  const last = page[page.length - 1];
  return more && last !== undefined ? { page, nextPageToken: encodeCursor({ k: key(last) }) } : { page };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
