/**
 * The Store speaks SWF: domains, types, runs, history, task queues and deadlines. It leaks
 * no driver types; back ends (sqlite/, postgres/) implement it and pass one conformance suite.
 */
import type { HistoryEvent, RegistrationStatus, ResourceTag } from '../model/shapes.js';
import type { ExecutionState, TaskKind, TaskSpec, TimerKey } from '../engine/index.js';

export interface DomainRecord {
  name: string;
  status: RegistrationStatus;
  description?: string;
  /** As registered: a whole number of days as a string ("0" to "90"), or "NONE". */
  retentionDays: string;
  createdAt: number;
  tags: ResourceTag[];
}

export type TypeKind = 'workflow' | 'activity';

export interface TypeRecord<C = Record<string, unknown>> {
  domain: string;
  kind: TypeKind;
  name: string;
  version: string;
  status: RegistrationStatus;
  description?: string;
  creationDate: number;
  deprecationDate?: number;
  configuration: C;
}

export interface TaskRow extends TaskSpec {
  started: boolean;
}

export interface TimerRow {
  key: TimerKey;
  dueAt: number;
}

/** An armed deadline with the run it belongs to (the console's view of what falls due when). */
export interface DeadlineRow extends TimerRow {
  /** Absent when the run's record is already gone. */
  domain?: string;
  workflowId?: string;
}

export interface DeadlineQuery {
  domain?: string;
  runId?: string;
  /** Leave out the retention deadlines (OpenSWF's own, not SWF timeouts). */
  withoutRetention?: boolean;
  limit: number;
}

export interface HistoryQuery {
  /** Return events after this id (ascending) or before it (descending). */
  after?: number;
  limit: number;
  reverse: boolean;
}

/** Filters of the visibility API, already validated (at most one of the exclusive ones). */
export interface ExecutionQuery {
  domain: string;
  open: boolean;
  startTime?: { oldest: number; latest?: number };
  closeTime?: { oldest: number; latest?: number };
  workflowId?: string;
  typeName?: string;
  typeVersion?: string;
  tag?: string;
  closeStatus?: string;
  /** Newest first unless reverse. */
  reverse: boolean;
  limit: number;
  /** Opaque position returned by the previous page. */
  cursor?: string;
}

export interface ExecutionPage {
  executions: ExecutionState[];
  cursor?: string;
}

/**
 * What a run's columns say of it, without its state: enough to check that a (domain,
 * workflowId, runId) names it and whether it is open, where reading and parsing the whole
 * state (every open activity, timer and child) would serve no more.
 */
export interface ExecutionKey {
  runId: string;
  domain: string;
  workflowId: string;
  workflowType: { name: string; version: string };
  open: boolean;
}

export interface StoreReader {
  getDomain(name: string): Promise<DomainRecord | undefined>;
  listDomains(): Promise<DomainRecord[]>;
  getType(domain: string, kind: TypeKind, name: string, version: string): Promise<TypeRecord | undefined>;
  listTypes(domain: string, kind: TypeKind): Promise<TypeRecord[]>;
  /** Types of one kind in a domain, deprecated ones included (SWF's per-kind quota). */
  countTypes(domain: string, kind: TypeKind): Promise<number>;
  getExecution(runId: string): Promise<ExecutionState | undefined>;
  /** The run's key columns (see ExecutionKey); never locks. */
  getExecutionKey(runId: string): Promise<ExecutionKey | undefined>;
  findOpenExecution(domain: string, workflowId: string): Promise<ExecutionState | undefined>;
  countOpenExecutions(domain: string): Promise<number>;
  getHistory(runId: string, query: HistoryQuery): Promise<HistoryEvent[]>;
  listExecutions(query: ExecutionQuery): Promise<ExecutionPage>;
  countExecutions(query: ExecutionQuery, cap: number): Promise<number>;
  getTask(token: string): Promise<TaskRow | undefined>;
  countPendingTasks(domain: string, kind: TaskKind, taskList: string): Promise<number>;
  /** The earliest deadline, to know how long the clock may sleep. */
  nextDueAt(): Promise<number | undefined>;
  /** Armed deadlines of a domain or a run (or all), earliest first. */
  listDeadlines(query: DeadlineQuery): Promise<DeadlineRow[]>;
}

/**
 * How a transaction locks a registration row it reads (domains, types), so that what it
 * checks stays true until it commits, on every node: 'update' for a read-modify-write (or a
 * check that must exclude every other one, such as the open-executions count of a start),
 * 'share' for a check that may run beside others of its kind but not beside a change.
 * Lock order: runs first, then their domain, then types.
 */
export type RowLock = 'share' | 'update';

export interface StoreTx extends StoreReader {
  /**
   * Holds, until commit, the one lock that registrations of new domains take, so that the
   * number of domains a registration counts stays true on every node (SWF's domain quota).
   */
  lockDomainRegistrations(): Promise<void>;
  /** Adds a domain; throws AlreadyExists (from the insert itself) when the name is taken. */
  insertDomain(domain: DomainRecord): Promise<void>;
  /** Reads a domain and locks its row until commit. */
  lockDomain(name: string, lock: RowLock): Promise<DomainRecord | undefined>;
  /** Writes a domain, replacing the one of that name (read it with lockDomain 'update' first). */
  putDomain(domain: DomainRecord): Promise<void>;
  /**
   * For a start that opens one run: reads the domain, locked against a deprecation until
   * commit, and tells whether one more open run fits under `limit` — an answer that stays
   * true until commit on every node. Undefined when there is no such domain. (A transaction
   * that may open several runs, such as a decision starting children, locks the domain
   * 'update' and counts itself.)
   */
  admitRun(domain: string, limit: number): Promise<{ domain: DomainRecord; fits: boolean } | undefined>;
  /** Adds a type; throws AlreadyExists when that name and version are taken in the domain. */
  insertType(type: TypeRecord): Promise<void>;
  /** Reads a type and locks its row until commit. */
  lockType(domain: string, kind: TypeKind, name: string, version: string, lock: RowLock): Promise<TypeRecord | undefined>;
  /** Writes a type, replacing the one of that key (read it with lockType 'update' first). */
  putType(type: TypeRecord): Promise<void>;
  deleteType(domain: string, kind: TypeKind, name: string, version: string): Promise<void>;
  /** Inserts a run; fails with a unique violation if the workflowId is open in the domain. */
  insertExecution(state: ExecutionState): Promise<void>;
  updateExecution(state: ExecutionState): Promise<void>;
  deleteExecution(runId: string): Promise<void>;
  appendEvents(runId: string, events: readonly HistoryEvent[]): Promise<void>;
  enqueueTask(task: TaskSpec): Promise<void>;
  /** Takes the next unstarted task of a task list (highest priority, then oldest) and marks it started. */
  claimTask(domain: string, kind: TaskKind, taskList: string): Promise<TaskRow | undefined>;
  removeTask(token: string): Promise<void>;
  removeTasksOfRun(runId: string): Promise<void>;
  armTimer(key: TimerKey, dueAt: number): Promise<void>;
  disarmTimer(key: TimerKey): Promise<void>;
  disarmTimersOfRun(runId: string): Promise<void>;
  /** Deadlines due at `now`, earliest first (ties in arming order); claimed so no other node fires them too. */
  takeDueTimers(now: number, limit: number): Promise<TimerRow[]>;
  /** Takes the one deadline of `key` if it is still due at `dueAt` (not re-armed since). */
  takeTimer(key: TimerKey, dueAt: number): Promise<TimerRow | undefined>;
}

export interface Store extends StoreReader {
  readonly kind: 'sqlite' | 'postgres';
  /** Runs `fn` in one transaction: all of it commits, or none. */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * Called with the task lists that got new tasks (for long-poll wake-ups): after each commit,
   * or (SQLite, group commit) once the call's changes are visible to the next transaction.
   */
  onTasksAdded(listener: (keys: TaskListKey[]) => void): void;
  /**
   * A hint for long polls, answered at once without a transaction: false when the list surely
   * has no unstarted task the next transaction would see, so a poll that would find nothing
   * neither claims nor writes. Back ends without it always claim.
   */
  mayHaveTask?(key: TaskListKey): boolean;
  /**
   * Back ends shared by several nodes (postgres): called after a commit, of this node or
   * another, that armed deadlines, with the earliest. The timer service wakes for it.
   */
  onTimersArmed?(listener: (dueAt: number) => void): void;
  /** Runs one query against the schema; rejects when the store cannot answer (readiness). */
  ping(): Promise<void>;
  /** Open runs and unstarted tasks per domain (metrics); domains with none are left out. */
  countsByDomain(): Promise<DomainCounts[]>;
  close(): Promise<void>;
}

export interface DomainCounts {
  domain: string;
  openExecutions: number;
  pendingDecisionTasks: number;
  pendingActivityTasks: number;
}

/** Adds grouped counts up per domain (both back ends' rows have this shape). */
export function domainCounts(open: readonly { domain: string; n: number }[], pending: readonly { domain: string; kind: string; n: number }[]): DomainCounts[] {
  const byDomain = new Map<string, DomainCounts>();
  const entry = (domain: string): DomainCounts => {
    let e = byDomain.get(domain);
    if (!e) {
      e = { domain, openExecutions: 0, pendingDecisionTasks: 0, pendingActivityTasks: 0 };
      byDomain.set(domain, e);
    }
    return e;
  };
  for (const r of open) entry(r.domain).openExecutions = Number(r.n);
  for (const r of pending) {
    if (r.kind === 'decision') entry(r.domain).pendingDecisionTasks = Number(r.n);
    else entry(r.domain).pendingActivityTasks = Number(r.n);
  }
  return [...byDomain.values()];
}

export interface TaskListKey {
  domain: string;
  kind: TaskKind;
  taskList: string;
  /**
   * How many tasks the commit added to this list, when the back end counts them: the
   * dispatcher then wakes that many waiting pollers, not all. Absent: wake every poller.
   */
  tasks?: number;
}

// Store errors: raised by the back ends, mapped to SWF faults in api/ (api/store-errors.ts).

/** Thrown by insertDomain and insertType when the key is already registered. */
export class AlreadyExists extends Error {
  constructor(readonly resource: { kind: 'domain'; name: string } | { kind: TypeKind; domain: string; name: string; version: string }) {
    super(resource.kind === 'domain' ? `domain ${resource.name} already exists` : `${resource.kind} type ${resource.name}/${resource.version} already exists in ${resource.domain}`);
  }
}

/** A page token (cursor) the store cannot read, or one made for another query. */
export class InvalidCursor extends Error {
  constructor(readonly reason?: string) {
    super(reason === undefined ? 'invalid cursor' : `invalid cursor: ${reason}`);
  }
}

/**
 * The store could not be reached or could not finish for reasons that pass (a lost
 * connection, a database restarting, conflicts that outlasted the retries): the same work
 * may succeed later. Anything else a transaction throws is taken to fail again.
 */
export class StoreUnavailable extends Error {
  constructor(cause: unknown) {
    super(`store unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** SQLite result codes of a busy, locked, full or failing disk: conditions that pass. */
const SQLITE_TRANSIENT = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|PROTOCOL)/;

/** Whether `err` is a failure of the store that may pass (StoreUnavailable, or SQLite's transient codes). */
export function isTransientStoreError(err: unknown): boolean {
  if (err instanceof StoreUnavailable) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && SQLITE_TRANSIENT.test(code);
}

/** Thrown by insertExecution when the workflowId is already open in the domain. */
export class DuplicateOpenExecution extends Error {
  constructor(readonly domain: string, readonly workflowId: string) {
    super(`workflowId ${workflowId} is already open in domain ${domain}`);
  }
}
