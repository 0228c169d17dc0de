/**
 * SQLite group commit and the reader connection, in-process on a real WAL file. The store's
 * `afterFsync` hook holds each batch after its real fdatasync, as a slow disk would, so the
 * tests can see who waits for which fsync: no call is answered before the fsync that covers
 * what it wrote or saw, and no read sees a commit before its fsync; calls that arrive
 * meanwhile share the next one; a failing call takes only its own changes back; reads run
 * beside a writer that is busy.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { MAX_BATCH_CALLS } from '../../src/store/sqlite/group-commit.js';
import type { DomainRecord } from '../../src/store/types.js';

const dir = mkdtempSync(join(tmpdir(), 'openswf-group-commit-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}
const deferred = (): Deferred => {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

/** A store whose fsyncs are held until the test releases them, one by one. */
function heldStore(t: { after(fn: () => Promise<void>): void }) {
  const held: Deferred[] = [];
  let entered = deferred();
  const store = new SqliteStore({
    path: join(dir, `store-${++files}.sqlite`),
    afterFsync: async () => {
      const gate = deferred();
      held.push(gate);
      entered.resolve();
      await gate.promise;
    },
  });
  t.after(async () => {
    for (const g of held) g.resolve();
    await store.close();
  });
  return {
    store,
    held,
    /** Resolves when the n-th fsync of the store (1, 2, ...) has happened and is being held, now or later. */
    async fsyncNumber(n: number): Promise<Deferred> {
      while (held.length < n) {
        entered = deferred();
        await entered.promise;
      }
      return held[n - 1] as Deferred;
    },
  };
}

const domain = (name: string): DomainRecord => ({ name, status: 'REGISTERED', retentionDays: '1', createdAt: 1, tags: [] });

/** Tracks whether a promise has settled yet. */
function watch<T>(p: Promise<T>): { settled: () => boolean; promise: Promise<T> } {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  return { settled: () => done, promise: p };
}

/** Lets the event loop run a few turns (the store commits on the next turn). */
const turns = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

test('one fsync covers the calls that arrived while the previous one was in flight, and nobody is answered before it', async (t) => {
  const { store, held, fsyncNumber } = heldStore(t);
  const first = watch(store.transaction((tx) => tx.putDomain(domain('d1'))));
  const fsync1 = await fsyncNumber(1);
  // While the first batch's fsync is in flight: three calls, one of which fails.
  const second = watch(store.transaction((tx) => tx.putDomain(domain('d2'))));
  const third = watch(store.transaction((tx) => tx.putDomain(domain('d3'))));
  const failing = watch(
    store.transaction(async (tx) => {
      await tx.putDomain(domain('d4'));
      throw new Error('no d4 after all');
    }),
  );
  // d1 is committed but not on disk yet: a read does not see it (and does not wait).
  assert.equal(await store.getDomain('d1'), undefined, 'a read saw a commit whose fsync is in flight');
  await turns();
  assert.deepEqual([first, second, third, failing].map((p) => p.settled()), [false, false, false, false]);

  fsync1.resolve();
  await first.promise;
  assert.equal((await store.getDomain('d1'))?.name, 'd1', 'answered calls are seen by reads');
  const fsync2 = await fsyncNumber(2);
  await turns();
  assert.deepEqual([second, third, failing].map((p) => p.settled()), [false, false, false], 'the second batch waits for its own fsync');
  assert.equal(await store.getDomain('d2'), undefined);

  fsync2.resolve();
  await second.promise;
  await third.promise;
  await assert.rejects(failing.promise, /no d4 after all/);
  assert.equal(held.length, 2, 'four calls, two fsyncs');
  assert.deepEqual((await store.listDomains()).map((d) => d.name), ['d1', 'd2', 'd3'], 'the failed call took back only its own change');
});

test('a batch that waited through an fsync commits at the next call boundary, not when the queue runs dry', async (t) => {
  const { store, held, fsyncNumber } = heldStore(t);
  const first = watch(store.transaction((tx) => tx.putDomain(domain('d1'))));
  const fsync1 = await fsyncNumber(1);
  // During the first fsync: a call that holds the writer, and two queued behind it.
  const busy = deferred();
  const second = watch(
    store.transaction(async (tx) => {
      await tx.putDomain(domain('d2'));
      await busy.promise;
    }),
  );
  await turns();
  const third = watch(store.transaction((tx) => tx.putDomain(domain('d3'))));
  const fourth = watch(store.transaction((tx) => tx.putDomain(domain('d4'))));
  fsync1.resolve();
  await first.promise;
  await turns();
  assert.equal(held.length, 1, 'the open batch cannot commit while its call runs');
  // The second call ends with two calls queued: its batch has waited its turn and commits now.
  busy.resolve();
  const fsync2 = await fsyncNumber(2);
  await turns();
  assert.deepEqual([second, third, fourth].map((p) => p.settled()), [false, false, false]);
  fsync2.resolve();
  await second.promise;
  await turns();
  assert.deepEqual([third, fourth].map((p) => p.settled()), [false, false], 'the queued calls ran in the next batch, which has its own fsync');
  assert.equal(await store.getDomain('d3'), undefined, 'a read does not see the next batch before its fsync');
  (await fsyncNumber(3)).resolve();
  await third.promise;
  await fourth.promise;
  assert.equal(held.length, 3);
  assert.deepEqual((await store.listDomains()).map((d) => d.name), ['d1', 'd2', 'd3', 'd4']);
});

test(`a batch opened on an idle disk commits at ${MAX_BATCH_CALLS} calls even with more queued`, async (t) => {
  const { store, held, fsyncNumber } = heldStore(t);
  const busy = deferred();
  const calls = [
    watch(
      store.transaction(async (tx) => {
        await tx.putDomain(domain('c0'));
        await busy.promise; // holds the writer while the others queue
      }),
    ),
  ];
  await turns();
  const extra = 5;
  for (let i = 1; i < MAX_BATCH_CALLS + extra; i++) calls.push(watch(store.transaction((tx) => tx.putDomain(domain(`c${i}`)))));
  busy.resolve();
  const fsync1 = await fsyncNumber(1);
  await turns();
  assert.equal(calls.filter((c) => c.settled()).length, 0, 'nobody is answered before the fsync');
  fsync1.resolve();
  await Promise.all(calls.slice(0, MAX_BATCH_CALLS).map((c) => c.promise));
  await turns();
  assert.deepEqual(calls.slice(MAX_BATCH_CALLS).map((c) => c.settled()), new Array(extra).fill(false), `only the first ${MAX_BATCH_CALLS} calls were in the first batch`);
  (await fsyncNumber(2)).resolve();
  await Promise.all(calls.map((c) => c.promise));
  assert.equal(held.length, 2);
  assert.equal((await store.listDomains()).length, MAX_BATCH_CALLS + extra);
});

test('a call that writes nothing waits for no fsync of its own', async (t) => {
  const { store, held } = heldStore(t);
  assert.equal(await store.transaction((tx) => tx.getDomain('nothing')), undefined);
  assert.equal(await store.transaction((tx) => tx.claimTask('d', 'decision', 'empty')), undefined, 'an empty claim (a poll that finds nothing)');
  assert.equal(held.length, 0);
});

test('reads answer while the writer is busy with a call', async (t) => {
  const { store, fsyncNumber } = heldStore(t);
  const setup = store.transaction((tx) => tx.putDomain(domain('d1')));
  (await fsyncNumber(1)).resolve();
  await setup;
  const busy = deferred();
  const call = store.transaction(async (tx) => {
    await tx.putDomain(domain('d2'));
    await busy.promise; // holds the writer
  });
  await turns();
  // The writer is taken: a read on the writer's mutex would wait here for ever.
  assert.equal((await store.getDomain('d1'))?.name, 'd1');
  assert.equal(await store.getDomain('d2'), undefined, 'the reader never sees a call that has not committed');
  busy.resolve();
  (await fsyncNumber(2)).resolve();
  await call;
  assert.equal((await store.getDomain('d2'))?.name, 'd2');
});

test('under sustained writes the WAL still starts over: the writer pauses while the checkpoint catches up', async (t) => {
  const path = join(dir, `store-${++files}.sqlite`);
  const restartBytes = 256 * 1024;
  const store = new SqliteStore({ path, checkpoint: { intervalMs: 50, restartBytes } });
  t.after(() => store.close());
  const description = 'x'.repeat(2000); // about a page per call
  // Counted, not timed: a slow disk makes fewer calls a second, and the WAL's start-overs are
  // judged per call written. When the WAL starts over SQLite cuts the file back to
  // restartBytes (journal_size_limit), so each start-over shows as the file shrinking.
  let calls = 0;
  let lastWal = 0;
  let startOvers = 0;
  const enoughCalls = (16 * restartBytes) / 4096;
  const giveUpAt = Date.now() + 60_000;
  const enough = () => (calls >= enoughCalls && startOvers >= 3) || calls >= 20 * enoughCalls || Date.now() > giveUpAt;
  const writer = async (id: number) => {
    while (!enough()) {
      await store.transaction((tx) => tx.putDomain({ ...domain(`w${id}-${calls++}`), description }));
      const wal = statSync(`${path}-wal`).size;
      if (wal < lastWal) startOvers++;
      lastWal = wal;
    }
  };
  // Four writers keep a batch open almost all the time, as a loaded server does.
  await Promise.all([0, 1, 2, 3].map(writer));
  // Each call adds more than a page to the WAL (7 KB a call without restarts, measured): a WAL
  // that never started over would hold every one of them.
  assert.ok(startOvers >= 3, `the WAL started over ${startOvers} times in ${calls} calls (restart at ${restartBytes} bytes)`);
  assert.ok(lastWal < calls * 4096, `the WAL is ${lastWal} bytes after ${calls} calls`);
});

test('mayHaveTask sees the open batch: a task enqueued by a call whose batch has not committed yet', async (t) => {
  const { store, fsyncNumber } = heldStore(t);
  const list = { domain: 'd', kind: 'decision' as const, taskList: 'tl' };
  assert.equal(store.mayHaveTask(list), false);
  const blocker = store.transaction((tx) => tx.putDomain(domain('d0')));
  const fsync = await fsyncNumber(1); // the first batch's fsync is in flight: the next batch stays open
  const enqueued = store.transaction((tx) =>
    tx.enqueueTask({ token: 'tok', kind: 'decision', domain: 'd', taskList: 'tl', priority: 0, runId: 'r', scheduledEventId: 2 }),
  );
  await turns();
  assert.equal(store.mayHaveTask(list), true, 'the task is in the open batch, where the next claim runs');
  assert.equal(store.mayHaveTask({ ...list, taskList: 'other' }), false);
  fsync.resolve();
  await blocker;
  (await fsyncNumber(2)).resolve();
  await enqueued;
  const claimed = store.transaction((tx) => tx.claimTask('d', 'decision', 'tl'));
  (await fsyncNumber(3)).resolve();
  assert.equal((await claimed)?.token, 'tok');
  assert.equal(store.mayHaveTask(list), false, 'a started task is no longer pending');
});
