/**
 * Work that may only start once the transaction that asked for it has committed: calling a
 * Lambda endpoint for a task that a rolled-back transaction scheduled would run a function
 * the history never mentions. The executor learns of such work while it writes (inside the
 * transaction), so it defers it here; the wrapped store runs it after a successful commit and
 * drops it on rollback.
 *
 * The queue follows the transaction through AsyncLocalStorage, so concurrent transactions
 * (as the PostgreSQL back end runs them) each flush only their own work. A back end may
 * retry a transaction whole (PostgreSQL after a deadlock): each attempt starts with an empty queue, so only the committed attempt's work runs.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Store } from '../store/types.js';

type Work = () => void;

export class AfterCommit {
  private readonly queue = new AsyncLocalStorage<Work[]>();

  /** The same store, whose transactions run the work deferred inside them once they commit. */
  wrap(store: Store): Store {
    const transaction: Store['transaction'] = async (fn) => {
      const deferred: Work[] = [];
      // A back end that retries a transaction whole runs `fn` again: only the attempt that
      // commits keeps its deferred work.
      const result = await this.queue.run(deferred, () =>
        store.transaction((tx) => {
          deferred.length = 0;
          return fn(tx);
        }),
      );
      for (const work of deferred) work();
      return result;
    };
    return new Proxy(store, {
      get(target, property) {
        if (property === 'transaction') return transaction;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  /** Runs `work` after the current transaction commits (at once, if there is none). */
  defer(work: Work): void {
    const deferred = this.queue.getStore();
    if (deferred) deferred.push(work);
    else queueMicrotask(work);
  }
}
