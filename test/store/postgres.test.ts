/**
 * The PostgreSQL back end: the store conformance suite, then what only a shared database
 * must do: several stores (standing for nodes) on one database claim, fire, lock and wake
 * each other correctly. One fresh database for the file; every case starts from empty tables.
 */
import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { DuplicateOpenExecution, type TaskListKey } from '../../src/store/types.js';
import { createTestDatabase, ifPostgres, type TestDatabase } from '../helpers/postgres.js';
import { runStoreConformance } from './conformance.js';
import { makeRun } from './fixtures.js';

await ifPostgres(() => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    // Every case closes its stores: a connection still open here is a leak.
    const open = await db.connections();
    await db.drop();
    assert.equal(open, 0, `${open} connection(s) to the test database were left open`);
  });

  runStoreConformance('postgres', async () => {
    const store = await PostgresStore.open({ connectionString: db.url });
    await db.truncate();
    return store;
  });

  describe('postgres store shared by several nodes', () => {
    /** `n` stores on the test database, as `n` server processes would open it, on empty tables. */
    const nodes = async (t: TestContext, n: number): Promise<PostgresStore[]> => {
      const stores = await Promise.all(Array.from({ length: n }, () => PostgresStore.open({ connectionString: db.url })));
      t.after(() => Promise.all(stores.map((s) => s.close())));
      await db.truncate();
      return stores;
    };

    it('migrates once when several nodes start together on a new database', async (t) => {
      const fresh = await createTestDatabase();
      t.after(() => fresh.drop());
      const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresStore.open({ connectionString: fresh.url })));
      t.after(() => Promise.all(stores.map((s) => s.close())));
      await Promise.all(stores.map((s) => s.transaction((tx) => tx.countTypes('d', 'workflow'))));
      const reopened = await PostgresStore.open({ connectionString: fresh.url });
      await reopened.close();
    });

    it('fails to open, naming the cause, when the database cannot be reached', async () => {
      const url = new URL(db.url);
      url.port = '1';
      await assert.rejects(PostgresStore.open({ connectionString: url.toString() }), /ECONNREFUSED|connect/);
    });

    it('wakes the other nodes after commit with the task lists that got tasks, and the earliest deadline', async (t) => {
      const [a, b] = await nodes(t, 2);
      assert.ok(a && b);
      const heardA: TaskListKey[][] = [];
      const heardB: TaskListKey[][] = [];
      const timersB: number[] = [];
      a.onTasksAdded((keys) => heardA.push(keys));
      b.onTasksAdded((keys) => heardB.push(keys));
      b.onTimersArmed((dueAt) => timersB.push(dueAt));
      const woken = new Promise<void>((resolve) => b.onTasksAdded(() => resolve()));
      await a.transaction(async (tx) => {
        await tx.enqueueTask({ token: 't1', kind: 'activity', domain: 'd', taskList: 'list "one"', priority: 0, runId: 'r', scheduledEventId: 5 });
        await tx.armTimer({ runId: 'r', kind: 'timer', ref: '1' }, 5000);
        await tx.armTimer({ runId: 'r', kind: 'timer', ref: '2' }, 4000);
      });
      await withTimeout(woken, 2000, 'node B was not woken');
      assert.deepEqual(heardB, [[{ domain: 'd', kind: 'activity', taskList: 'list "one"' }]]);
      assert.deepEqual(timersB, [4000]);
      // Node A heard its own commit once, directly, and ignored the echo of its NOTIFY.
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(heardA.length, 1);
    });

    it('splits the wake-up of a transaction that fills many task lists into notifications PostgreSQL accepts', async (t) => {
      const [a, b] = await nodes(t, 2);
      assert.ok(a && b);
      const lists = Array.from({ length: 60 }, (_, i) => `${'x'.repeat(240)}-${i}`);
      const heard = new Set<string>();
      const all = new Promise<void>((resolve) =>
        b.onTasksAdded((keys) => {
          for (const k of keys) heard.add(k.taskList);
          if (heard.size === lists.length) resolve();
        }),
      );
      await a.transaction(async (tx) => {
        for (const [i, taskList] of lists.entries()) {
          await tx.enqueueTask({ token: `t${i}`, kind: 'decision', domain: 'd'.repeat(200), taskList, priority: 0, runId: 'r', scheduledEventId: 2 });
        }
      });
      await withTimeout(all, 2000, `node B heard ${heard.size} of ${lists.length} task lists`);
    });

    it('never hands one task to two nodes claiming at once', async (t) => {
      const stores = await nodes(t, 3);
      const tokens = Array.from({ length: 60 }, (_, i) => `t${String(i).padStart(2, '0')}`);
      await stores[0]?.transaction(async (tx) => {
        for (const token of tokens) await tx.enqueueTask({ token, kind: 'decision', domain: 'd', taskList: 'tl', priority: 0, runId: 'r', scheduledEventId: 2 });
      });
      const claimer = async (store: PostgresStore): Promise<string[]> => {
        const mine: string[] = [];
        for (;;) {
          const task = await store.transaction((tx) => tx.claimTask('d', 'decision', 'tl'));
          if (!task) return mine;
          mine.push(task.token);
        }
      };
      const claimed = (await Promise.all(stores.flatMap((s) => [claimer(s), claimer(s), claimer(s)]))).flat();
      assert.deepEqual([...claimed].sort(), tokens);
    });

    it('fires each due deadline on one node only', async (t) => {
      const stores = await nodes(t, 3);
      const runIds = Array.from({ length: 50 }, (_, i) => `r${String(i).padStart(2, '0')}`);
      await stores[0]?.transaction(async (tx) => {
        for (const runId of runIds) await tx.armTimer({ runId, kind: 'timer', ref: '1' }, 100);
      });
      const taker = async (store: PostgresStore): Promise<string[]> => {
        const mine: string[] = [];
        for (;;) {
          const rows = await store.transaction((tx) => tx.takeDueTimers(1000, 3));
          if (rows.length === 0) return mine;
          mine.push(...rows.map((r) => r.key.runId));
        }
      };
      const taken = (await Promise.all(stores.flatMap((s) => [taker(s), taker(s)]))).flat();
      assert.deepEqual([...taken].sort(), runIds);
    });

    it('lets one node at a time change a run: the second waits for the first commit and sees it', async (t) => {
      const [a, b] = await nodes(t, 2);
      assert.ok(a && b);
      const { state } = makeRun({ runId: 'r1', workflowId: 'w' });
      await a.transaction((tx) => tx.insertExecution(state));
      for (const load of ['byRunId', 'byWorkflowId'] as const) {
        const gate = deferred();
        const locked = deferred();
        const first = a.transaction(async (tx) => {
          const s = await tx.getExecution('r1');
          assert.ok(s);
          locked.resolve();
          await gate.promise;
          await tx.updateExecution({ ...s, nextEventId: s.nextEventId + 1 });
        });
        await locked.promise;
        let secondLoaded = false;
        const second = b.transaction(async (tx) => {
          const s = load === 'byRunId' ? await tx.getExecution('r1') : await tx.findOpenExecution('d', 'w');
          secondLoaded = true;
          assert.ok(s);
          await tx.updateExecution({ ...s, nextEventId: s.nextEventId + 1 });
        });
        await new Promise((resolve) => setTimeout(resolve, 150));
        const loadedWhileHeld = secondLoaded;
        gate.resolve();
        await Promise.all([first, second]);
        assert.equal(loadedWhileHeld, false, `${load}: node B loaded the run while node A held it`);
      }
      // Four increments, none lost.
      assert.equal((await a.getExecution('r1'))?.nextEventId, state.nextEventId + 4);
    });

    it('finds the run a concurrent continue-as-new opened, not the one it closed', async (t) => {
      const [a, b] = await nodes(t, 2);
      assert.ok(a && b);
      const old = makeRun({ runId: 'old', workflowId: 'w' }).state;
      await a.transaction((tx) => tx.insertExecution(old));
      const gate = deferred();
      const locked = deferred();
      const continuing = a.transaction(async (tx) => {
        await tx.getExecution('old');
        locked.resolve();
        await gate.promise;
        await tx.updateExecution({ ...old, closeStatus: 'CONTINUED_AS_NEW', closeTimestamp: old.startTimestamp + 1 });
        await tx.insertExecution(makeRun({ runId: 'new', workflowId: 'w' }).state);
      });
      await locked.promise;
      const found = b.transaction((tx) => tx.findOpenExecution('d', 'w'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      gate.resolve();
      await continuing;
      assert.equal((await found)?.runId, 'new');
    });

    // Every change takes a run before its tasks and deadlines. A claim (or a timer take) that
    // locked the task (deadline) first and its run second would deadlock with a change of the
    // run that removes that task (disarms that deadline): PostgreSQL would abort one after its
    // deadlock_timeout and the store would run it again.
    for (const what of ['task', 'deadline'] as const) {
      it(`takes a ${what} in the same lock order as a change of its run: no deadlock, no retry`, async (t) => {
        const [a, b] = await nodes(t, 2);
        assert.ok(a && b);
        await a.transaction(async (tx) => {
          await tx.insertExecution(makeRun({ runId: 'r1', workflowId: 'w1' }).state);
          await tx.enqueueTask({ token: 't1', kind: 'activity', domain: 'd', taskList: 'tl', priority: 0, runId: 'r1', scheduledEventId: 5 });
          await tx.armTimer({ runId: 'r1', kind: 'timer', ref: '1' }, 100);
        });
        let attempts = 0;
        const gate = deferred();
        const locked = deferred();
        const change = b.transaction(async (tx) => {
          attempts++;
          assert.ok(await tx.getExecution('r1'));
          locked.resolve();
          await gate.promise;
          if (what === 'task') await tx.removeTask('t1');
          else await tx.disarmTimer({ runId: 'r1', kind: 'timer', ref: '1' });
        });
        await locked.promise;
        const take = a.transaction(async (tx) => {
          attempts++;
          const runId = what === 'task' ? (await tx.claimTask('d', 'activity', 'tl'))?.runId : (await tx.takeDueTimers(1000, 10))[0]?.key.runId;
          if (runId !== undefined) await tx.getExecution(runId); // as a poll or a firing goes on
          return runId;
        });
        await new Promise((resolve) => setTimeout(resolve, 150));
        gate.resolve();
        const [, taken] = await Promise.all([change, take]);
        assert.equal(attempts, 2, 'a transaction was retried: the two deadlocked');
        assert.equal(taken, undefined, `the ${what} the change removed was taken anyway`);
      });
    }

    it('admits runs under the open limit exactly across nodes, on the shared path and near the limit', async (t) => {
      const stores = await nodes(t, 3);
      const [a] = stores;
      assert.ok(a);
      await a.transaction((tx) => tx.insertDomain({ name: 'd', status: 'REGISTERED', retentionDays: '1', createdAt: 1, tags: [] }));
      // With max_connections (100 by default) below the limit, the first starts take the shared
      // path; the last ones, near the limit, the exclusive one.
      const limit = 120;
      let next = 0;
      const starter = async (store: PostgresStore): Promise<number> => {
        let admitted = 0;
        while (next < limit + 20) {
          const i = next++;
          const ok = await store.transaction(async (tx) => {
            const r = await tx.admitRun('d', limit);
            if (!r?.fits) return false;
            await tx.insertExecution(makeRun({ runId: `r${i}`, workflowId: `w${i}` }).state);
            return true;
          });
          if (ok) admitted++;
        }
        return admitted;
      };
      const admitted = (await Promise.all(stores.flatMap((s) => Array.from({ length: 8 }, () => starter(s))))).reduce((x, y) => x + y, 0);
      assert.equal(admitted, limit);
      assert.equal(await a.countOpenExecutions('d'), limit);
      assert.equal(await a.transaction((tx) => tx.admitRun('nowhere', limit)), undefined);
    });

    it('retries a transaction that lost a deadlock, so both sides complete', async (t) => {
      const [a, b] = await nodes(t, 2);
      assert.ok(a && b);
      await a.transaction(async (tx) => {
        await tx.insertExecution(makeRun({ runId: 'r1', workflowId: 'w1' }).state);
        await tx.insertExecution(makeRun({ runId: 'r2', workflowId: 'w2' }).state);
      });
      let attempts = 0;
      const bothLockedFirst = barrier(2);
      const crosswise = (store: PostgresStore, firstRun: string, secondRun: string) =>
        store.transaction(async (tx) => {
          attempts++;
          await tx.getExecution(firstRun);
          await bothLockedFirst();
          await tx.getExecution(secondRun);
          return firstRun;
        });
      assert.deepEqual(await Promise.all([crosswise(a, 'r1', 'r2'), crosswise(b, 'r2', 'r1')]), ['r1', 'r2']);
      assert.equal(attempts, 3, 'one side should have run twice');
    });

    it('retries a transaction that raced another node to open a workflowId, so it sees that run', async (t) => {
      const [a, b] = await nodes(t, 2);
      assert.ok(a && b);
      const gate = deferred();
      const inserted = deferred();
      const starting = a.transaction(async (tx) => {
        await tx.insertExecution(makeRun({ runId: 'ra', workflowId: 'w' }).state);
        inserted.resolve();
        await gate.promise;
      });
      await inserted.promise;
      let attempts = 0;
      const racing = b.transaction(async (tx) => {
        attempts++;
        const open = await tx.findOpenExecution('d', 'w');
        // Only now may node A commit: this attempt looked before that run was visible.
        gate.resolve();
        if (open) return 'already running';
        await tx.insertExecution(makeRun({ runId: 'rb', workflowId: 'w' }).state);
        return 'started';
      });
      await starting;
      assert.equal(await racing, 'already running');
      assert.equal(attempts, 2);
      await assert.rejects(
        b.transaction(async (tx) => tx.insertExecution(makeRun({ runId: 'rc', workflowId: 'w' }).state)),
        (err: unknown) => err instanceof DuplicateOpenExecution,
      );
    });
  });
});

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolves each caller once `n` callers are waiting. */
function barrier(n: number): () => Promise<void> {
  const all = deferred();
  let waiting = 0;
  return () => {
    if (++waiting >= n) all.resolve();
    return all.promise;
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
