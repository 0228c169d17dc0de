/**
 * The PostgreSQL store's round trips (issue 12): writes queued as literals and sent with the
 * next answered statement or the COMMIT must mean exactly what the parameterized statements
 * meant, run in the order issued, fail the transaction when they fail, and a claim must be
 * one statement.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { inline } from '../../src/store/postgres/literal.js';
import { encodeText } from '../../src/store/postgres/text.js';
import { Notifier, TxChanges, type Notice } from '../../src/store/postgres/notifications.js';
import type { TaskListKey } from '../../src/store/types.js';
import { createTestDatabase, ifPostgres, type TestDatabase } from '../helpers/postgres.js';
import { withClient } from '../helpers/pg-database.js';
import { makeRun } from './fixtures.js';

/** Counts the statements (round trips) every pg client sends while `work` runs. */
async function countingTrips<T>(work: () => Promise<T>): Promise<{ result: T; trips: string[] }> {
  type QueryFn = (this: pg.Client, ...args: unknown[]) => unknown;
  const proto = pg.Client.prototype as unknown as { query: QueryFn };
  const original = proto.query;
  const trips: string[] = [];
  proto.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0];
    trips.push(typeof first === 'string' ? first : String((first as { text?: string } | null)?.text));
    return original.apply(this, args);
  };
  try {
    return { result: await work(), trips };
  } finally {
    proto.query = original;
  }
}

describe('postgres wake-up notices', () => {
  it('go out one NOTIFY at a time, each with every commit since the last', async () => {
    const sent: Notice[][] = [];
    let release: (() => void) | undefined;
    const notifier = new Notifier(
      (notices) => {
        sent.push(notices);
        return new Promise<void>((resolve) => (release = resolve));
      },
      'n1',
      () => undefined,
    );
    const commit = (list: string, dueAt?: number) => {
      const c = new TxChanges();
      c.taskAdded({ domain: 'd', kind: 'activity', taskList: list });
      if (dueAt !== undefined) c.timerArmed(dueAt);
      notifier.committed(c);
    };
    commit('a');
    commit('b', 50);
    commit('b', 40);
    commit('c');
    assert.equal(sent.length, 1); // the first is in flight; the rest wait for it
    release?.();
    await new Promise((r) => setImmediate(r));
    assert.equal(sent.length, 2);
    release?.();
    await notifier.idle();
    const payloads = sent.map((batch) => batch.map((n) => [n.channel, JSON.parse(n.payload) as unknown]));
    assert.deepEqual(payloads, [
      [['openswf_tasks', { node: 'n1', keys: [{ domain: 'd', kind: 'activity', taskList: 'a' }] }]],
      [
        ['openswf_tasks', { node: 'n1', keys: [{ domain: 'd', kind: 'activity', taskList: 'b' }, { domain: 'd', kind: 'activity', taskList: 'c' }] }],
        ['openswf_timers', { node: 'n1', dueAt: 40 }],
      ],
    ]);
  });
});

await ifPostgres(() => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => db.drop());

  describe('postgres literals', () => {
    const strings = ['', 'plain', "it's", 'back\\slash', "\\'", '"quoted"', '{braces}', 'a,b', 'NULL', ' spaced ', 'tab\there\nnewline', 'ünï€ode 😀', '$1 $2', "E'x'", encodeText('nul\u0000inside'), encodeText('\uffffmark')];

    it('give every value the same meaning as a parameter', async () => {
      await withClient(db.url, async (c) => {
        const cases: { sql: string; params: unknown[] }[] = [
          ...strings.map((s) => ({ sql: 'SELECT $1::text AS v', params: [s] })),
          { sql: 'SELECT $1::text[] AS v', params: [strings] },
          { sql: 'SELECT $1::text[] AS v', params: [['x', null, 'NULL', '']] },
          { sql: 'SELECT $1::text[] AS v', params: [[]] },
          { sql: 'SELECT $1::integer[] AS v', params: [[1, 2, 3]] },
          { sql: 'SELECT $1::bigint[] AS v', params: [[1_700_000_000_123, -4]] },
          { sql: 'SELECT $1::bigint AS v, $2::int AS w, $3::boolean AS x, $4::boolean AS y, $5::text AS z', params: [1_700_000_000_123, -7, true, false, null] },
          // Untyped, as the store's statements use them: the context decides the type.
          { sql: 'SELECT v FROM (VALUES (1::bigint)) AS t(v) WHERE v = $1', params: [1] },
          { sql: 'SELECT $1 || $2 AS v', params: ['a', "b'c"] },
        ];
        for (const { sql, params } of cases) {
          const asParams = await c.query(sql, params);
          const asLiterals = await c.query(inline(sql, params));
          assert.deepEqual(asLiterals.rows, asParams.rows, `${sql} with ${JSON.stringify(params)}`);
        }
      });
    });

    it('replace each placeholder once, never inside a value', () => {
      assert.equal(inline('SELECT $1, $2, $10', ['$2', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']), "SELECT E'$2', E'b', E'j'");
      assert.throws(() => inline('SELECT $1, $2', ['only one']), /no parameter \$2/);
    });
  });

  describe('postgres transactions in few round trips', () => {
    let store: PostgresStore;
    before(async () => {
      store = await PostgresStore.open({ connectionString: db.url });
    });
    after(() => store.close());

    /** An emptied database holding one stored run with its events. */
    async function freshRun(runId: string, workflowId: string) {
      await db.truncate();
      const run = makeRun({ runId, workflowId });
      await store.transaction(async (tx) => {
        await tx.insertExecution(run.state);
        await tx.appendEvents(runId, run.events);
      });
      return run;
    }

    it('claims a task, updates its run and commits in two round trips, reading the run once', async () => {
      const { events } = await freshRun('r1', 'w1');
      await store.transaction((tx) => tx.enqueueTask({ token: 'tok', kind: 'decision', domain: 'd', taskList: 'tl', priority: 0, runId: 'r1', scheduledEventId: 2 }));
      const { result, trips } = await countingTrips(() =>
        store.transaction(async (tx) => {
          const task = await tx.claimTask('d', 'decision', 'tl');
          const run = await tx.getExecution('r1');
          assert.ok(task && run);
          await tx.updateExecution({ ...run, tagList: ['seen'] });
          await tx.appendEvents('r1', [{ ...events[0]!, eventId: events.length + 1 }]);
          // Read again after the write: the run as written.
          return { task, again: await tx.getExecution('r1') };
        }),
      );
      // The setup's wake-up hint for other nodes may go out meanwhile, on its own connection.
      const own = trips.filter((t) => !t.includes('pg_notify'));
      assert.equal(result.task.token, 'tok');
      assert.deepEqual(result.again?.tagList, ['seen']);
      assert.equal(own.length, 2, trips.join('\n---\n'));
      assert.match(own[0]!, /^BEGIN;/);
      assert.match(own[1]!, /COMMIT$/);
      assert.deepEqual((await store.getExecution('r1'))?.tagList, ['seen']);
      assert.equal((await store.getHistory('r1', { limit: 100, reverse: false })).length, events.length + 1);
      assert.equal((await store.getTask('tok'))?.started, true);
    });

    it('lets a read see the writes queued before it, in order', async () => {
      await db.truncate();
      const seen = await store.transaction(async (tx) => {
        await tx.enqueueTask({ token: 'a', kind: 'activity', domain: 'd', taskList: 'q', priority: 0, runId: 'none', scheduledEventId: 5 });
        await tx.removeTask('a');
        await tx.enqueueTask({ token: 'b', kind: 'activity', domain: 'd', taskList: 'q', priority: 0, runId: 'none', scheduledEventId: 6 });
        await tx.disarmTimer({ runId: 'none', kind: 'timer', ref: '1' });
        await tx.armTimer({ runId: 'none', kind: 'timer', ref: '1' }, 10);
        await tx.armTimer({ runId: 'none', kind: 'timer', ref: '1' }, 20);
        return { a: await tx.getTask('a'), b: await tx.getTask('b'), claimed: await tx.claimTask('d', 'activity', 'q') };
      });
      assert.equal(seen.a, undefined);
      assert.equal(seen.b?.token, 'b');
      assert.equal(seen.claimed?.token, 'b');
      assert.deepEqual(await store.listDeadlines({ runId: 'none', limit: 10 }).then((rows) => rows.map((r) => r.dueAt)), [20]);
    });

    it('fails the whole transaction when a queued write fails, and keeps none of it', async () => {
      const { state, events } = await freshRun('r2', 'w2');
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.getExecution('r2');
          await tx.enqueueTask({ token: 'kept?', kind: 'decision', domain: 'd', taskList: 'tl', priority: 0, runId: 'r2', scheduledEventId: 9 });
          await tx.updateExecution({ ...state, tagList: ['changed'] });
          await tx.appendEvents('r2', [events[0]!]); // event 1 again: primary key violation, found at COMMIT
        }),
        (err: unknown) => (err as { code?: string }).code === '23505',
      );
      assert.equal(await store.getTask('kept?'), undefined);
      assert.deepEqual((await store.getExecution('r2'))?.tagList, []);
      // The connection went back to the pool in a usable state.
      assert.equal(await store.transaction((tx) => tx.getTask('kept?')), undefined);
    });

    it('tells this node how many tasks each list got, so it wakes that many pollers; other nodes wake all', async () => {
      await db.truncate();
      const other = await PostgresStore.open({ connectionString: db.url });
      try {
        const here: TaskListKey[][] = [];
        store.onTasksAdded((keys) => here.push(keys));
        // (An earlier case's hint may still reach the other node: wait for this one's.)
        const there = new Promise<TaskListKey[]>((resolve) => other.onTasksAdded((keys) => keys.some((k) => k.taskList === 'a') && resolve(keys)));
        await store.transaction(async (tx) => {
          for (const [token, list] of [['t1', 'a'], ['t2', 'b'], ['t3', 'a']] as const) {
            await tx.enqueueTask({ token, kind: 'activity', domain: 'd', taskList: list, priority: 0, runId: 'r', scheduledEventId: 5 });
          }
        });
        assert.deepEqual(here.at(-1), [
          { domain: 'd', kind: 'activity', taskList: 'a', tasks: 2 },
          { domain: 'd', kind: 'activity', taskList: 'b', tasks: 1 },
        ]);
        assert.deepEqual(await there, [
          { domain: 'd', kind: 'activity', taskList: 'a' },
          { domain: 'd', kind: 'activity', taskList: 'b' },
        ]);
      } finally {
        await other.close();
      }
    });

    it('sends nothing for a transaction that reads nothing and writes nothing', async () => {
      const { trips } = await countingTrips(() => store.transaction(() => Promise.resolve(1)));
      assert.deepEqual(trips, []);
    });
  });
});
