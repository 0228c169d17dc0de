/**
 * Conformance cases for concurrent registrations and read-modify-writes: 20 transactions at
 * once, as 20 clients (of one node or several) would send them. An insert of a taken key
 * fails in the insert itself, so exactly one registration wins; a row read with a lock stays
 * as read until commit, so no update is lost. On PostgreSQL the transactions really overlap
 * (pooled connections; the pause inside each widens the window); on SQLite they queue.
 */
import { it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { AlreadyExists, type DomainRecord, type Store, type TypeRecord } from '../../src/store/types.js';

const ATTEMPTS = 20;

const domain = (extra: Partial<DomainRecord> = {}): DomainRecord => ({ name: 'shared', status: 'REGISTERED', retentionDays: '1', createdAt: 1, tags: [], ...extra });
const type = (extra: Partial<TypeRecord> = {}): TypeRecord => ({
  domain: 'shared', kind: 'workflow', name: 'flow', version: '1', status: 'REGISTERED', creationDate: 1, configuration: { n: 0 }, ...extra,
});

/** Runs `attempt` ATTEMPTS times at once; answers how many succeeded and the errors of the others. */
async function race(attempt: (i: number) => Promise<unknown>): Promise<{ won: number[]; errors: unknown[] }> {
  const settled = await Promise.allSettled(Array.from({ length: ATTEMPTS }, (_, i) => attempt(i)));
  const won = settled.flatMap((s, i) => (s.status === 'fulfilled' ? [i] : []));
  const errors = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  return { won, errors };
}

export function runConcurrencyConformance(open: (t: TestContext) => Promise<Store>): void {
  it(`${ATTEMPTS} concurrent registrations of one domain: exactly one wins, the others fail AlreadyExists`, async (t) => {
    const store = await open(t);
    const { won, errors } = await race((i) =>
      store.transaction(async (tx) => {
        await tx.getDomain('shared'); // each looks first and sees nothing, as a handler does
        await sleep(5);
        await tx.insertDomain(domain({ description: `attempt ${i}`, retentionDays: String(i) }));
      }),
    );
    assert.equal(won.length, 1, `${won.length} registrations won`);
    assert.equal(errors.length, ATTEMPTS - 1);
    for (const err of errors) assert.ok(err instanceof AlreadyExists && err.resource.kind === 'domain', `${String(err)}`);
    // The winner's registration is the one kept: no later one overwrote it.
    assert.deepEqual(await store.getDomain('shared'), domain({ description: `attempt ${won[0]}`, retentionDays: String(won[0]) }));
  });

  it(`${ATTEMPTS} concurrent registrations of one type: exactly one wins, the others fail AlreadyExists`, async (t) => {
    const store = await open(t);
    const { won, errors } = await race((i) =>
      store.transaction(async (tx) => {
        await tx.getType('shared', 'workflow', 'flow', '1');
        await sleep(5);
        await tx.insertType(type({ description: `attempt ${i}` }));
      }),
    );
    assert.equal(won.length, 1, `${won.length} registrations won`);
    for (const err of errors) assert.ok(err instanceof AlreadyExists && err.resource.kind === 'workflow' && err.resource.version === '1', `${String(err)}`);
    assert.equal((await store.getType('shared', 'workflow', 'flow', '1'))?.description, `attempt ${won[0]}`);
    // Another kind or version is another key.
    await store.transaction((tx) => tx.insertType(type({ kind: 'activity' })));
    await store.transaction((tx) => tx.insertType(type({ version: '2' })));
    assert.equal(await store.countTypes('shared', 'workflow'), 2);
  });

  it(`${ATTEMPTS} concurrent tag additions to a locked domain row: no tag is lost`, async (t) => {
    const store = await open(t);
    await store.transaction((tx) => tx.insertDomain(domain()));
    const { won } = await race((i) =>
      store.transaction(async (tx) => {
        const d = await tx.lockDomain('shared', 'update');
        assert.ok(d);
        await sleep(5);
        await tx.putDomain({ ...d, tags: [...d.tags, { key: `k${i}` }] });
      }),
    );
    assert.equal(won.length, ATTEMPTS);
    const tags = (await store.getDomain('shared'))?.tags.map((tag) => tag.key).sort();
    assert.deepEqual(tags, Array.from({ length: ATTEMPTS }, (_, i) => `k${i}`).sort());
  });

  it(`a deprecation and ${ATTEMPTS - 1} concurrent tag changes of a locked domain row: the deprecation is never undone`, async (t) => {
    const store = await open(t);
    await store.transaction((tx) => tx.insertDomain(domain()));
    await race((i) =>
      store.transaction(async (tx) => {
        const d = await tx.lockDomain('shared', 'update');
        assert.ok(d);
        await sleep(5);
        await tx.putDomain(i === 0 ? { ...d, status: 'DEPRECATED' } : { ...d, tags: [...d.tags, { key: `k${i}` }] });
      }),
    );
    const d = await store.getDomain('shared');
    assert.equal(d?.status, 'DEPRECATED');
    assert.equal(d?.tags.length, ATTEMPTS - 1);
  });

  it(`${ATTEMPTS} concurrent changes of a locked type row: none is lost`, async (t) => {
    const store = await open(t);
    await store.transaction((tx) => tx.insertType(type()));
    const { won } = await race(() =>
      store.transaction(async (tx) => {
        const r = await tx.lockType('shared', 'workflow', 'flow', '1', 'update');
        assert.ok(r);
        await sleep(5);
        await tx.putType({ ...r, configuration: { n: (r.configuration.n as number) + 1 } });
      }),
    );
    assert.equal(won.length, ATTEMPTS);
    assert.deepEqual((await store.getType('shared', 'workflow', 'flow', '1'))?.configuration, { n: ATTEMPTS });
  });
}

/** takeTimer: the one deadline of a key, only as it was (a re-armed one stays). */
export function runTakeTimerConformance(open: (t: TestContext) => Promise<Store>): void {
  it('takes one deadline by its key only while it is due when it was read', async (t) => {
    const store = await open(t);
    const key = { runId: 'r', kind: 'timer' as const, ref: '5' };
    await store.transaction(async (tx) => {
      await tx.armTimer(key, 1000);
      await tx.armTimer({ ...key, ref: '6' }, 1000);
    });
    await store.transaction(async (tx) => tx.armTimer(key, 2000)); // re-armed since it was read
    assert.equal(await store.transaction((tx) => tx.takeTimer(key, 1000)), undefined);
    assert.deepEqual(await store.transaction((tx) => tx.takeTimer(key, 2000)), { key, dueAt: 2000 });
    assert.equal(await store.transaction((tx) => tx.takeTimer(key, 2000)), undefined);
    assert.deepEqual((await store.transaction((tx) => tx.takeDueTimers(5000, 10))).map((r) => r.key.ref), ['6']);
  });
}
