/**
 * Long-poll waiters per task list. A poll tries to claim a task; if none is there it waits
 * until a commit adds a task to its list (or its time runs out), then tries again.
 *
 * Wake-ups are hints, never hand-offs: the claim itself is a transaction, so two woken
 * pollers race for one task and exactly one wins. A generation counter per list closes the
 * gap between a failed claim and the start of the wait. When the store says how many tasks a
 * commit added, only that many waiters wake (the longest waiting first), so a hundred idle
 * pollers do not all run a claim for one task; a woken poller whose claim fails hands the
 * wake-up on, so a task is never left waiting for the periodic re-check.
 */
import type { TaskListKey } from '../store/types.js';

interface ListWaiters {
  generation: number;
  /** In the order they started waiting (a Set iterates in insertion order). */
  waiters: Set<() => void>;
  pollers: number;
}

/** A task list already has as many long polls as it may (api/ answers LimitExceededFault). */
export class TooManyPollers extends Error {
  constructor(readonly taskList: string) {
    super(`Too many pollers on task list ${taskList}`);
  }
}

export const taskListId = (key: TaskListKey): string => `${key.kind}\u0000${key.domain}\u0000${key.taskList}`;

export class Dispatcher {
  private readonly lists = new Map<string, ListWaiters>();
  /** Set at shutdown: every poll, waiting or new, answers empty after one claim. */
  private draining = false;

  /**
   * `mayHaveTask` (Store.mayHaveTask): when it says a list is empty, a poll waits without
   * running its claim transaction at all.
   */
  constructor(
    private readonly maxPollersPerTaskList: number,
    private readonly mayHaveTask?: (key: TaskListKey) => boolean,
  ) {}

  private list(id: string): ListWaiters {
    let l = this.lists.get(id);
    if (!l) {
      l = { generation: 0, waiters: new Set(), pollers: 0 };
      this.lists.set(id, l);
    }
    return l;
  }

  /** Tasks were added to these lists: wake as many of their pollers (all, if the count is unknown). */
  notify(keys: readonly TaskListKey[]): void {
    for (const key of keys) {
      const l = this.lists.get(taskListId(key));
      if (!l) continue;
      l.generation++;
      wake(l, key.tasks ?? Number.POSITIVE_INFINITY);
    }
  }

  /** Shutdown: waiting polls try their claim once more, then answer empty; so do new ones. */
  drain(): void {
    this.draining = true;
    this.notifyAll();
  }

  /** Wakes every poller of every list (e.g. a hint from another node of the cluster). */
  notifyAll(): void {
    for (const l of this.lists.values()) {
      l.generation++;
      wake(l, Number.POSITIVE_INFINITY);
    }
  }

  /**
   * Polls until `claim` yields a task, `timeoutMs` passes, or `signal` aborts.
   * `recheckMs` bounds each wait, so a missed wake-up costs at most that much latency.
   * `whenEmpty` runs once, the first time the list has nothing to hand out, before the poll
   * waits or answers empty: a check a poll that gets a task at once can do without (its task
   * proves it), such as whether the domain exists; what it throws, the poll throws.
   */
  async poll<T>(
    key: TaskListKey,
    timeoutMs: number,
    signal: AbortSignal,
    claim: () => Promise<T | undefined>,
    options: { recheckMs?: number; whenEmpty?: () => Promise<void> } = {},
  ): Promise<T | undefined> {
    const recheckMs = options.recheckMs ?? 5_000;
    let whenEmpty = options.whenEmpty;
    const id = taskListId(key);
    const l = this.list(id);
    if (l.pollers >= this.maxPollersPerTaskList) {
      throw new TooManyPollers(key.taskList);
    }
    l.pollers++;
    const deadline = Date.now() + timeoutMs;
    try {
      for (;;) {
        const generation = l.generation;
        let task: T | undefined;
        try {
          task = this.mayHaveTask?.(key) === false ? undefined : await claim();
        } catch (err) {
          wake(l, 1); // a task this poller was woken for may still be there (its claim rolled back)
          throw err;
        }
        if (task !== undefined) return task;
        if (whenEmpty !== undefined) {
          const check = whenEmpty;
          whenEmpty = undefined;
          await check(); // a task added meanwhile moves the generation: the check below claims again
        }
        const remaining = deadline - Date.now();
        if (remaining <= 0 || signal.aborted || this.draining) return undefined;
        if (l.generation !== generation) continue;
        await this.wait(l, Math.min(remaining, recheckMs), signal);
      }
    } finally {
      l.pollers--;
      if (l.pollers === 0 && l.waiters.size === 0) this.lists.delete(id);
    }
  }

  private wait(l: ListWaiters, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        l.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      l.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

/** Wakes up to `n` waiters of a list, the longest waiting first. */
function wake(l: ListWaiters, n: number): void {
  let left = n;
  for (const done of [...l.waiters]) {
    if (left-- <= 0) break;
    done();
  }
}
