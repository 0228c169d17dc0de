/**
 * Group commit for the SQLite back end: the pieces that make one fsync cover many calls.
 *
 * The writer connection runs with synchronous=NORMAL, so COMMIT writes the transaction's WAL
 * frames into the OS page cache and returns without an fsync: a kill -9 after COMMIT loses
 * nothing (the kernel holds the frames), but a power loss could. The store then makes the
 * commit durable itself with one fdatasync of the WAL file, on libuv's thread pool, so the
 * event loop goes on serving while the disk works. That fdatasync is what synchronous=FULL
 * would have done inside COMMIT, on the event-loop thread, once per call.
 *
 * A Batch is one write transaction on the writer connection holding the calls (one SAVEPOINT
 * each) that ran while the previous batch's fdatasync was in flight. Its callers are answered
 * when the fdatasync that follows its COMMIT completes (`durable`).
 */
import { closeSync, fdatasync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TaskListKey } from '../types.js';

/**
 * A batch opened while the disk was idle commits once it holds this many calls, even with more
 * queued: with 200 clients the writer's queue may never run dry, and every call of the batch
 * waits for its COMMIT and fdatasync. Enough to share one COMMIT's WAL writes among many calls.
 */
export const MAX_BATCH_CALLS = 16;

export class Batch {
  /** Some call of the batch changed a row, so its COMMIT wrote WAL frames that need an fsync. */
  dirty = false;
  /** Calls that ran in the batch (failed ones included). */
  calls = 0;
  /**
   * An fdatasync ended while the batch was open: it has waited its turn for the disk, and
   * commits at the next boundary between calls instead of when the writer's queue runs dry.
   */
  due = false;
  readonly durable: Promise<void>;
  private settle!: (err?: unknown) => void;

  constructor() {
    this.durable = new Promise<void>((resolve, reject) => {
      this.settle = (err) => (err === undefined ? resolve() : reject(err));
    });
    // A batch may fail with nobody awaiting it yet (its calls await it after they ran).
    this.durable.catch(() => {});
  }

  succeed(): void {
    this.settle();
  }

  fail(err: unknown): void {
    this.settle(err ?? new Error('SQLite batch failed'));
  }
}

/**
 * fdatasync of the WAL file through a descriptor of our own. fsync flushes the file (the
 * inode), whichever descriptor wrote to it, so this covers the frames SQLite's connection
 * wrote. The WAL file lives as long as a connection is open on the database (SQLite deletes it
 * when the last one closes), and the store's writer connection is open for the store's life.
 */
export class WalSync {
  private fd: number | undefined;

  constructor(private readonly walPath: string) {}

  /** Opens the WAL and makes its directory entry durable (the file may have just been created). */
  open(): void {
    this.fd = openSync(this.walPath, 'r');
    const dir = openSync(dirname(this.walPath), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }

  /** One fdatasync on the thread pool: every COMMIT that returned before this call is durable when it resolves. */
  sync(): Promise<void> {
    const fd = this.fd;
    if (fd === undefined) return Promise.reject(new Error('the WAL file is not open'));
    return new Promise((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Task lists with how many tasks one call added to each (the dispatcher wakes that many pollers). */
export function countedTaskLists(added: readonly TaskListKey[]): TaskListKey[] {
  const byList = new Map<string, TaskListKey & { tasks: number }>();
  for (const key of added) {
    const id = `${key.kind}\u0000${key.domain}\u0000${key.taskList}`;
    const seen = byList.get(id);
    if (seen) seen.tasks++;
    else byList.set(id, { domain: key.domain, kind: key.kind, taskList: key.taskList, tasks: 1 });
  }
  return [...byList.values()];
}
