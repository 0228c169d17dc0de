/**
 * Wake-ups between the server processes that share one database, over LISTEN/NOTIFY.
 *
 * After a transaction that added tasks or armed deadlines commits, the node sends a NOTIFY
 * (Notifier, below: one at a time, each carrying every commit since the last); PostgreSQL
 * delivers it to every listening session. Not inside the transaction: PostgreSQL serialises
 * the commits of all transactions that NOTIFY in a database (a lock held from before the
 * commit until after its WAL flush), so every state change of a busy node would commit one
 * after the other, one fsync each, where without it concurrent commits share a flush.
 * Each node keeps one dedicated connection that LISTENs and turns the notifications into the
 * same calls its own commits make. Notifications are hints, never hand-offs: a woken poller
 * still claims with a transaction, and a missed notification (the listening connection was
 * down) costs latency only, since pollers and the timer service re-check on their own.
 */
import pg from 'pg';
import type { Notification } from 'pg';
import type { TaskKind } from '../../engine/index.js';
import type { TaskListKey } from '../types.js';

export const TASKS_CHANNEL = 'openswf_tasks';
export const TIMERS_CHANNEL = 'openswf_timers';

/** PostgreSQL refuses payloads of 8000 bytes or more; stay below with room to spare. */
const MAX_PAYLOAD_BYTES = 7900;

/** What one transaction changed that other parts (and other nodes) need to hear about. */
export class TxChanges {
  /** Each task list that got tasks, with how many (this node's dispatcher wakes that many pollers). */
  private readonly taskLists = new Map<string, TaskListKey & { tasks: number }>();
  earliestDueAt: number | undefined;

  taskAdded(key: TaskListKey, tasks = 1): void {
    const id = `${key.kind}\u0000${key.domain}\u0000${key.taskList}`;
    const seen = this.taskLists.get(id);
    if (seen) seen.tasks += tasks;
    else this.taskLists.set(id, { domain: key.domain, kind: key.kind, taskList: key.taskList, tasks });
  }

  timerArmed(dueAt: number): void {
    if (this.earliestDueAt === undefined || dueAt < this.earliestDueAt) this.earliestDueAt = dueAt;
  }

  get addedTaskLists(): TaskListKey[] {
    return [...this.taskLists.values()].map((k) => ({ ...k }));
  }

  /** Whether there is anything to tell. */
  get empty(): boolean {
    return this.taskLists.size === 0 && this.earliestDueAt === undefined;
  }

  /** Adds what another transaction changed. */
  absorb(other: TxChanges): void {
    for (const key of other.addedTaskLists) this.taskAdded(key, key.tasks);
    if (other.earliestDueAt !== undefined) this.timerArmed(other.earliestDueAt);
  }
}

/**
 * Sends the other nodes the changes of committed transactions: one NOTIFY statement at a
 * time, in its own transaction on a pooled connection, carrying every change committed since
 * the previous one was sent. That transaction holds nothing but the hint, so it commits
 * with synchronous_commit off (no flush of its own to wait for; every transaction that
 * holds data keeps the server's setting); a hint that fails to go out is logged and costs
 * the other nodes latency only (the header above).
 */
export class Notifier {
  private waiting = new TxChanges();
  private sending: Promise<void> | undefined;

  constructor(
    private readonly send: (notices: Notice[]) => Promise<void>,
    private readonly node: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Queues a committed transaction's changes; they go out with the next NOTIFY. */
  committed(changes: TxChanges): void {
    if (changes.empty) return;
    this.waiting.absorb(changes);
    this.sending ??= this.drain();
  }

  private async drain(): Promise<void> {
    while (!this.waiting.empty) {
      const batch = this.waiting;
      this.waiting = new TxChanges();
      try {
        await this.send(noticesOf(this.node, batch));
      } catch (err) {
        this.log(`postgres: could not notify the other nodes: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    this.sending = undefined;
  }

  /** Resolves once every queued change has been sent (or failed to be). */
  async idle(): Promise<void> {
    while (this.sending) await this.sending;
  }
}

interface TasksPayload {
  /** The sending node: it has told its own listeners already and ignores its echo. */
  node: string;
  keys: TaskListKey[];
}

interface TimersPayload {
  node: string;
  dueAt: number;
}

export interface Notice {
  channel: string;
  payload: string;
}

/** The NOTIFYs a transaction sends: task lists split so no payload is too long for PostgreSQL. */
export function noticesOf(node: string, changes: TxChanges): Notice[] {
  const notices: Notice[] = [];
  let keys: TaskListKey[] = [];
  const flush = () => {
    if (keys.length > 0) notices.push({ channel: TASKS_CHANNEL, payload: JSON.stringify({ node, keys } satisfies TasksPayload) });
    keys = [];
  };
  // Without counts: another node's pollers race other nodes' for the tasks, so it wakes them all.
  for (const { domain, kind, taskList } of changes.addedTaskLists) {
    const key = { domain, kind, taskList };
    keys.push(key);
    if (keys.length > 1 && Buffer.byteLength(JSON.stringify({ node, keys })) > MAX_PAYLOAD_BYTES) {
      keys.pop();
      flush();
      keys.push(key);
    }
  }
  flush();
  if (changes.earliestDueAt !== undefined) {
    notices.push({ channel: TIMERS_CHANNEL, payload: JSON.stringify({ node, dueAt: changes.earliestDueAt } satisfies TimersPayload) });
  }
  return notices;
}

/** Sends a batch's notices in one statement (delivered when its transaction commits). */
export const NOTIFY_SQL = 'SELECT pg_notify(n.channel, n.payload) FROM unnest($1::text[], $2::text[]) AS n(channel, payload)';

const TASK_KINDS: ReadonlySet<string> = new Set<TaskKind>(['decision', 'activity']);

const isTaskListKey = (v: unknown): v is TaskListKey => {
  const k = v as TaskListKey;
  return typeof v === 'object' && v !== null && typeof k.domain === 'string' && typeof k.taskList === 'string' && TASK_KINDS.has(k.kind);
};

function parse(payload: string | undefined): unknown {
  try {
    return payload === undefined ? undefined : (JSON.parse(payload) as unknown);
  } catch {
    return undefined;
  }
}

export interface WakeupHandlers {
  tasksAdded(keys: TaskListKey[]): void;
  timerArmed(dueAt: number): void;
  /** The listening connection came back after a break: notifications may have been missed. */
  resumed(): void;
  log(line: string): void;
}

/** One node's LISTEN connection, reconnected with back-off while the node runs. */
export class WakeupListener {
  private client: pg.Client | undefined;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs = RETRY_MIN_MS;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly node: string,
    private readonly handlers: WakeupHandlers,
  ) {}

  /** Connects and listens; rejects if the first connection fails. */
  async start(): Promise<void> {
    await this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client(this.config);
    client.on('notification', (n) => this.dispatch(n));
    // Both fire when the connection breaks; only the first one reconnects.
    let broken = false;
    const onBreak = (err?: Error) => {
      if (broken || this.client !== client) return;
      broken = true;
      this.client = undefined;
      client.end().catch(() => undefined);
      if (this.closed) return;
      this.handlers.log(`postgres: wake-up connection lost${err ? `: ${err.message}` : ''}; reconnecting`);
      this.scheduleReconnect();
    };
    client.on('error', onBreak);
    client.on('end', () => onBreak());
    try {
      await client.connect();
      await client.query(`LISTEN ${TASKS_CHANNEL}; LISTEN ${TIMERS_CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryDelayMs = RETRY_MIN_MS;
  }

  private scheduleReconnect(): void {
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect().then(
        () => {
          if (!this.closed) this.handlers.resumed();
        },
        (err: unknown) => {
          if (this.closed) return;
          this.handlers.log(`postgres: wake-up connection failed: ${err instanceof Error ? err.message : String(err)}`);
          this.retryDelayMs = Math.min(this.retryDelayMs * 2, RETRY_MAX_MS);
          this.scheduleReconnect();
        },
      );
    }, this.retryDelayMs);
    this.retryTimer.unref();
  }

  private dispatch(n: Notification): void {
    const body = parse(n.payload) as Partial<TasksPayload & TimersPayload> | undefined;
    if (typeof body !== 'object' || body === null || body.node === this.node) return;
    if (n.channel === TASKS_CHANNEL && Array.isArray(body.keys)) {
      const keys = body.keys.filter(isTaskListKey);
      if (keys.length > 0) this.handlers.tasksAdded(keys);
    } else if (n.channel === TIMERS_CHANNEL && Number.isSafeInteger(body.dueAt)) {
      this.handlers.timerArmed(body.dueAt as number);
    }
  }
}

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 10_000;
