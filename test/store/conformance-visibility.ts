/**
 * Conformance cases for the visibility queries (listExecutions, countExecutions): every
 * filter, both orders, both sort keys, and cursor paging. One fixed set of runs serves all.
 */
import { it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { ExecutionQuery, Store } from '../../src/store/types.js';
import { close, makeRun } from './fixtures.js';

/**
 * Open:   o1 (w1, A/v1, start 1000, red), o4 (w4, B/v1, 3000, blue), o6 (w6, B/v1, 3000, blue).
 * Closed: c2 (w2, A/v2, start 2000, closed 5000 COMPLETED, red+blue),
 *         c3 (w3, B/v1, start 3000, closed 4000 FAILED),
 *         c5 (w2, A/v1, start 500, closed 6000 TERMINATED).
 * Another domain holds one open run that no query of domain d may return.
 */
async function seed(store: Store): Promise<void> {
  const A1 = { name: 'A', version: 'v1' };
  const A2 = { name: 'A', version: 'v2' };
  const B1 = { name: 'B', version: 'v1' };
  const runs = [
    { spec: makeRun({ runId: 'o1', workflowId: 'w1', type: A1, start: 1000, tags: ['red'] }) },
    { spec: makeRun({ runId: 'o4', workflowId: 'w4', type: B1, start: 3000, tags: ['blue'] }) },
    { spec: makeRun({ runId: 'o6', workflowId: 'w6', type: B1, start: 3000, tags: ['blue', 'blue'] }) },
    { spec: makeRun({ runId: 'c2', workflowId: 'w2', type: A2, start: 2000, tags: ['red', 'blue'] }), closed: ['COMPLETED', 5000] as const },
    { spec: makeRun({ runId: 'c3', workflowId: 'w3', type: B1, start: 3000 }), closed: ['FAILED', 4000] as const },
    { spec: makeRun({ runId: 'c5', workflowId: 'w2', type: A1, start: 500 }), closed: ['TERMINATED', 6000] as const },
    { spec: makeRun({ runId: 'x1', workflowId: 'w1', type: A1, start: 2500, tags: ['red', 'blue'], domain: 'other' }) },
  ];
  // Closed runs are inserted open and closed later, as the server does.
  for (const { spec, closed } of runs) {
    await store.transaction(async (tx) => {
      await tx.insertExecution(spec.state);
      if (closed) await tx.updateExecution(close(spec.state, closed[0], closed[1]));
    });
  }
}

export function runVisibilityConformance(open: (t: TestContext) => Promise<Store>): void {
  const setUp = async (t: TestContext) => {
    const store = await open(t);
    await seed(store);
    const q = (filter: Partial<ExecutionQuery> & { open: boolean }): ExecutionQuery => ({
      domain: 'd',
      ...(filter.closeTime === undefined ? { startTime: { oldest: 0 } } : {}),
      reverse: false,
      limit: 100,
      ...filter,
    });
    const list = async (filter: Partial<ExecutionQuery> & { open: boolean }) => (await store.listExecutions(q(filter))).executions.map((e) => e.runId);
    return { store, q, list };
  };

  it('lists open runs newest first (ties by runId), or oldest first, within a start time range', async (t) => {
    const { store, list } = await setUp(t);
    assert.deepEqual(await list({ open: true }), ['o6', 'o4', 'o1']);
    assert.deepEqual(await list({ open: true, reverse: true }), ['o1', 'o4', 'o6']);
    assert.deepEqual(await list({ open: true, startTime: { oldest: 2000, latest: 3000 } }), ['o6', 'o4']);
    assert.deepEqual(await list({ open: true, startTime: { oldest: 0, latest: 1000 } }), ['o1']);
    assert.deepEqual(await list({ open: true, startTime: { oldest: 3001 } }), []);
    const page = await store.listExecutions({ domain: 'd', open: true, startTime: { oldest: 0 }, reverse: false, limit: 5 });
    assert.equal(page.cursor, undefined);
    assert.equal(page.executions[2]?.workflowType.name, 'A');
    assert.deepEqual(page.executions[2]?.tagList, ['red']);
  });

  it('lists closed runs by start time or by close time', async (t) => {
    const { list } = await setUp(t);
    assert.deepEqual(await list({ open: false }), ['c3', 'c2', 'c5']);
    assert.deepEqual(await list({ open: false, closeTime: { oldest: 0 } }), ['c5', 'c2', 'c3']);
    assert.deepEqual(await list({ open: false, closeTime: { oldest: 0 }, reverse: true }), ['c3', 'c2', 'c5']);
    assert.deepEqual(await list({ open: false, closeTime: { oldest: 4500 } }), ['c5', 'c2']);
    assert.deepEqual(await list({ open: false, closeTime: { oldest: 4000, latest: 5000 } }), ['c2', 'c3']);
    assert.deepEqual(await list({ open: false, startTime: { oldest: 1000, latest: 2999 } }), ['c2']);
  });

  it('filters by workflowId, type name, type name and version, tag and close status', async (t) => {
    const { list } = await setUp(t);
    assert.deepEqual(await list({ open: true, workflowId: 'w1' }), ['o1']);
    assert.deepEqual(await list({ open: false, workflowId: 'w2' }), ['c2', 'c5']);
    assert.deepEqual(await list({ open: false, workflowId: 'w2', closeTime: { oldest: 0 } }), ['c5', 'c2']);
    assert.deepEqual(await list({ open: true, typeName: 'B' }), ['o6', 'o4']);
    assert.deepEqual(await list({ open: true, typeName: 'A', typeVersion: 'v1' }), ['o1']);
    assert.deepEqual(await list({ open: false, typeName: 'A' }), ['c2', 'c5']);
    assert.deepEqual(await list({ open: false, typeName: 'A', typeVersion: 'v2', closeTime: { oldest: 0 } }), ['c2']);
    assert.deepEqual(await list({ open: true, tag: 'blue' }), ['o6', 'o4']);
    assert.deepEqual(await list({ open: true, tag: 'red' }), ['o1']);
    assert.deepEqual(await list({ open: false, tag: 'blue' }), ['c2']);
    assert.deepEqual(await list({ open: false, tag: 'red', closeTime: { oldest: 5000 } }), ['c2']);
    assert.deepEqual(await list({ open: false, tag: 'red', closeTime: { oldest: 5001 } }), []);
    assert.deepEqual(await list({ open: true, tag: 'green' }), []);
    assert.deepEqual(await list({ open: false, closeStatus: 'FAILED' }), ['c3']);
    assert.deepEqual(await list({ open: false, closeStatus: 'TERMINATED', closeTime: { oldest: 0 } }), ['c5']);
    assert.deepEqual(await list({ open: false, closeStatus: 'CANCELED' }), []);
  });

  it('counts with each filter, stopping one past the cap', async (t) => {
    const { store, q } = await setUp(t);
    assert.equal(await store.countExecutions(q({ open: true }), 100), 3);
    assert.equal(await store.countExecutions(q({ open: true }), 2), 3);
    assert.equal(await store.countExecutions(q({ open: true }), 1), 2);
    assert.equal(await store.countExecutions(q({ open: false }), 100), 3);
    assert.equal(await store.countExecutions(q({ open: false, closeTime: { oldest: 4500 } }), 100), 2);
    assert.equal(await store.countExecutions(q({ open: true, workflowId: 'w4' }), 100), 1);
    assert.equal(await store.countExecutions(q({ open: true, typeName: 'B', typeVersion: 'v1' }), 100), 2);
    assert.equal(await store.countExecutions(q({ open: true, tag: 'blue' }), 100), 2);
    assert.equal(await store.countExecutions(q({ open: false, tag: 'blue' }), 100), 1);
    assert.equal(await store.countExecutions(q({ open: false, closeStatus: 'COMPLETED' }), 100), 1);
    assert.equal(await store.countExecutions(q({ open: true, domain: 'other' }), 100), 1);
    assert.equal(await store.countExecutions(q({ open: true, domain: 'nobody' }), 100), 0);
  });

  it('pages with cursors in both orders, by start and by close time, with and without a tag', async (t) => {
    const { store, q } = await setUp(t);
    const all = async (filter: Partial<ExecutionQuery> & { open: boolean }, limit: number) => {
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listExecutions({ ...q(filter), limit, ...(cursor !== undefined ? { cursor } : {}) });
        pages.push(page.executions.map((e) => e.runId));
        cursor = page.cursor;
        assert.ok(pages.length < 10, 'paging does not end');
      } while (cursor !== undefined);
      return pages;
    };
    assert.deepEqual(await all({ open: true }, 1), [['o6'], ['o4'], ['o1']]);
    assert.deepEqual(await all({ open: true, reverse: true }, 2), [['o1', 'o4'], ['o6']]);
    assert.deepEqual(await all({ open: true }, 3), [['o6', 'o4', 'o1']]);
    assert.deepEqual(await all({ open: false, closeTime: { oldest: 0 } }, 2), [['c5', 'c2'], ['c3']]);
    assert.deepEqual(await all({ open: false, closeTime: { oldest: 0 }, reverse: true }, 1), [['c3'], ['c2'], ['c5']]);
    assert.deepEqual(await all({ open: true, tag: 'blue' }, 1), [['o6'], ['o4']]);
    assert.deepEqual(await all({ open: false, typeName: 'A' }, 1), [['c2'], ['c5']]);
  });
}
