/**
 * Work that may only start once the transaction that asked for it has committed: calling a
 * Lambda endpoint for a task that a rolled-back transaction scheduled would run a function
 * the history never mentions. The executor learns of such work while it writes (inside the
 * transaction), so it defers it here, naming the transaction's `tx`; the wrapped store runs it
 * after a successful commit and drops it on rollback.
 *
 * The queue is found by the `tx` the work names, so concurrent transactions (as the PostgreSQL
 * back end runs them, each on its own `tx`) each flush only their own work. (It once followed
 * the transaction through AsyncLocalStorage: that switches on Node's promise hooks for the
 * whole process, a cost on every promise of every request, for a feature few runs use.) A back
 * end may reuse one `tx` for calls it runs one after the other (SQLite): the queue belongs to
 * the call while its function runs. A back end may retry a transaction whole (PostgreSQL after
 * a deadlock): each attempt starts with an empty queue, so only the committed attempt's work runs.
 */
import type { Store, StoreTx } from '../store/types.js';
import { bindMethods } from '../store/bind-methods.js';

type Work = () => void;

export class AfterCommit {
  private readonly queues = new WeakMap<StoreTx, Work[]>();

  /** The same store, whose transactions run the work deferred inside them once they commit. */
  wrap(store: Store): Store {
    const transaction: Store['transaction'] = async (fn) => {
      let deferred: Work[] = [];
      const result = await store.transaction(async (tx) => {
        const own: Work[] = [];
        deferred = own;
        this.queues.set(tx, own);
        try {
          return await fn(tx);
        } finally {
          if (this.queues.get(tx) === own) this.queues.delete(tx);
        }
      });
      for (const work of deferred) work();
      return result;
    };
    return bindMethods(store, { transaction });
  }

  /** Runs `work` after the transaction of `tx` commits (at once, if none is running on it). */
  defer(work: Work, tx?: StoreTx): void {
    const deferred = tx !== undefined ? this.queues.get(tx) : undefined;
    if (deferred) deferred.push(work);
    else queueMicrotask(work);
  }
}
