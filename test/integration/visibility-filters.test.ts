/**
 * List/Count Open/Closed WorkflowExecutions: every filter alone and with a time filter, both
 * orders, the mutual-exclusion rules and their ValidationException, and what each listed
 * execution says. One domain, runs started one virtual second apart so the order is known:
 *
 *   s   run  type      tags         end
 *   0   a    order/1   red, blue    COMPLETED at 10
 *   1   b    order/2   red          FAILED at 11
 *   2   c    ship/1    green        TERMINATED at 12
 *   3   h    ship/1    green        open
 *   4   d    order/1   blue         cancel requested at 13, CANCELED at 14
 *   5   e    ship/1    -            TIMED_OUT at 35 (executionStartToCloseTimeout 30)
 *   6   i    order/2   -            open
 *   40  f    order/1   red          CONTINUED_AS_NEW at 41 → f (run 2, blue) open from 41
 *   42  g    order/1   -            open
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CountClosedWorkflowExecutionsCommand,
  CountOpenWorkflowExecutionsCommand,
  ListClosedWorkflowExecutionsCommand,
  ListOpenWorkflowExecutionsCommand,
  RequestCancelWorkflowExecutionCommand,
  TerminateWorkflowExecutionCommand,
  type CloseStatus,
  type ListClosedWorkflowExecutionsCommandInput,
  type ListOpenWorkflowExecutionsCommandInput,
} from '@aws-sdk/client-swf';
import { serverForFile } from '../helpers/setup.js';
import { expectFault, registerFixture } from '../helpers/swf.js';
import { complete, decide, ever, fail, registerWorkflowType, startOn, type Run } from '../helpers/workflow.js';
import { workflowIds } from './visibility-support.js';

const { server, swf } = await serverForFile({ clock: 'virtual' });
const f = await registerFixture(swf);
/** Virtual epoch seconds when run a started. */
let t0: number;
const runs: Record<string, Run> = {};
/** The (workflowId, runId) of a run, as executionInfo names it. */
const execution = (name: string) => ({ workflowId: runs[name]?.workflowId, runId: runs[name]?.runId });
const at = (s: number) => new Date((t0 + s) * 1000);

const order1 = { name: 'order', version: '1' };
const order2 = { name: 'order', version: '2' };
const ship1 = { name: 'ship', version: '1' };

/** Moves the virtual clock to t0 + s. */
async function clockTo(s: number): Promise<void> {
  await server.advance(t0 + s - (await server.now()));
}

before(async () => {
  await registerWorkflowType(swf, f, 'order', '2');
  await registerWorkflowType(swf, f, 'ship', '1');
  t0 = await server.now();
  const a = await startOn(swf, f, 'a', { workflowType: order1, tagList: ['red', 'blue'] });
  await clockTo(1);
  const b = await startOn(swf, f, 'b', { workflowType: order2, tagList: ['red'] });
  await clockTo(2);
  const c = await startOn(swf, f, 'c', { workflowType: ship1, tagList: ['green'] });
  await clockTo(3);
  runs.h = await startOn(swf, f, 'h', { workflowType: ship1, tagList: ['green'] });
  await clockTo(4);
  const d = await startOn(swf, f, 'd', { workflowType: order1, tagList: ['blue'] });
  await clockTo(5);
  runs.e = await startOn(swf, f, 'e', { workflowType: ship1, executionStartToCloseTimeout: '30' });
  await clockTo(6);
  runs.i = await startOn(swf, f, 'i', { workflowType: order2 });
  await clockTo(10);
  await decide(swf, f, a, [complete('ok')]);
  await clockTo(11);
  await decide(swf, f, b, [fail('no')]);
  await clockTo(12);
  await swf.send(new TerminateWorkflowExecutionCommand({ domain: f.domain, workflowId: 'c' }));
  await clockTo(13);
  await swf.send(new RequestCancelWorkflowExecutionCommand({ domain: f.domain, workflowId: 'd' }));
  await clockTo(14);
  await decide(swf, f, d, [{ decisionType: 'CancelWorkflowExecution', cancelWorkflowExecutionDecisionAttributes: {} }]);
  await clockTo(40); // e times out at 35
  const f1 = await startOn(swf, f, 'f', { workflowType: order1, tagList: ['red'] });
  await clockTo(41);
  const task = await decide(swf, f, f1, [
    { decisionType: 'ContinueAsNewWorkflowExecution', continueAsNewWorkflowExecutionDecisionAttributes: { tagList: ['blue'] } },
  ]);
  assert.ok(task.taskToken);
  await clockTo(42);
  runs.g = await startOn(swf, f, 'g', { workflowType: order1 });
  Object.assign(runs, { a, b, c, d, f1 });
});

const listOpen = async (input: Omit<ListOpenWorkflowExecutionsCommandInput, 'domain'>) =>
  workflowIds((await swf.send(new ListOpenWorkflowExecutionsCommand({ domain: f.domain, ...input }))).executionInfos);
const listClosed = async (input: Omit<ListClosedWorkflowExecutionsCommandInput, 'domain'>) =>
  workflowIds((await swf.send(new ListClosedWorkflowExecutionsCommand({ domain: f.domain, ...input }))).executionInfos);
const countOpen = (input: Omit<ListOpenWorkflowExecutionsCommandInput, 'domain'>) =>
  swf.send(new CountOpenWorkflowExecutionsCommand({ domain: f.domain, ...input }));
const countClosed = (input: Omit<ListClosedWorkflowExecutionsCommandInput, 'domain'>) =>
  swf.send(new CountClosedWorkflowExecutionsCommand({ domain: f.domain, ...input }));

/** Checks a list both ways, and the count of the same filter. */
async function expectOpen(input: Omit<ListOpenWorkflowExecutionsCommandInput, 'domain'>, newestFirst: string[]): Promise<void> {
  assert.deepEqual(await listOpen(input), newestFirst, `open ${JSON.stringify(input)}`);
  assert.deepEqual(await listOpen({ ...input, reverseOrder: true }), [...newestFirst].reverse(), `open reversed ${JSON.stringify(input)}`);
  const { count, truncated } = await countOpen(input);
  assert.deepEqual({ count, truncated }, { count: newestFirst.length, truncated: false });
}

async function expectClosed(input: Omit<ListClosedWorkflowExecutionsCommandInput, 'domain'>, newestFirst: string[]): Promise<void> {
  assert.deepEqual(await listClosed(input), newestFirst, `closed ${JSON.stringify(input)}`);
  assert.deepEqual(await listClosed({ ...input, reverseOrder: true }), [...newestFirst].reverse(), `closed reversed ${JSON.stringify(input)}`);
  const { count, truncated } = await countClosed(input);
  assert.deepEqual({ count, truncated }, { count: newestFirst.length, truncated: false });
}

describe('open executions', () => {
  test('newest first by start time, inside the startTimeFilter (both ends inclusive)', async () => {
    await expectOpen({ startTimeFilter: ever }, ['g', 'f', 'i', 'h']);
    await expectOpen({ startTimeFilter: { oldestDate: at(3), latestDate: at(6) } }, ['i', 'h']);
    await expectOpen({ startTimeFilter: { oldestDate: at(41) } }, ['g', 'f']);
    await expectOpen({ startTimeFilter: { oldestDate: at(7), latestDate: at(40) } }, []);
  });

  test('executionFilter', async () => {
    await expectOpen({ startTimeFilter: ever, executionFilter: { workflowId: 'f' } }, ['f']);
    await expectOpen({ startTimeFilter: ever, executionFilter: { workflowId: 'a' } }, []);
    await expectOpen({ startTimeFilter: { oldestDate: at(42) }, executionFilter: { workflowId: 'f' } }, []);
  });

  test('typeFilter by name, and by name and version', async () => {
    await expectOpen({ startTimeFilter: ever, typeFilter: { name: 'order' } }, ['g', 'f', 'i']);
    await expectOpen({ startTimeFilter: ever, typeFilter: order1 }, ['g', 'f']);
    await expectOpen({ startTimeFilter: ever, typeFilter: order2 }, ['i']);
    await expectOpen({ startTimeFilter: ever, typeFilter: { name: 'ship' } }, ['h']);
    await expectOpen({ startTimeFilter: ever, typeFilter: { name: 'nothing' } }, []);
    await expectOpen({ startTimeFilter: { oldestDate: at(6), latestDate: at(41) }, typeFilter: { name: 'order' } }, ['f', 'i']);
  });

  test('tagFilter', async () => {
    // The new run of f carries the tags of its ContinueAsNew decision, not those of run 1.
    await expectOpen({ startTimeFilter: ever, tagFilter: { tag: 'blue' } }, ['f']);
    await expectOpen({ startTimeFilter: ever, tagFilter: { tag: 'red' } }, []);
    await expectOpen({ startTimeFilter: ever, tagFilter: { tag: 'green' } }, ['h']);
    await expectOpen({ startTimeFilter: { oldestDate: at(4) }, tagFilter: { tag: 'green' } }, []);
  });

  test('what an open execution says about itself', async () => {
    const out = await swf.send(new ListOpenWorkflowExecutionsCommand({ domain: f.domain, startTimeFilter: ever, executionFilter: { workflowId: 'f' } }));
    const [info] = out.executionInfos ?? [];
    assert.ok(info);
    assert.notEqual(info.execution?.runId, runs.f1?.runId);
    assert.deepEqual(info, {
      execution: { workflowId: 'f', runId: info.execution?.runId },
      workflowType: order1,
      startTimestamp: at(41),
      executionStatus: 'OPEN',
      tagList: ['blue'],
      cancelRequested: false,
    });
    assert.equal(out.nextPageToken, undefined);
  });
});

describe('closed executions', () => {
  test('by start time or by close time, each sorting by its own time', async () => {
    await expectClosed({ startTimeFilter: ever }, ['f', 'e', 'd', 'c', 'b', 'a']);
    await expectClosed({ closeTimeFilter: ever }, ['f', 'e', 'd', 'c', 'b', 'a']);
    await expectClosed({ startTimeFilter: { oldestDate: at(1), latestDate: at(4) } }, ['d', 'c', 'b']);
    await expectClosed({ closeTimeFilter: { oldestDate: at(11), latestDate: at(14) } }, ['d', 'c', 'b']);
    // e started before d but closed after it.
    await expectClosed({ startTimeFilter: { oldestDate: at(4), latestDate: at(5) } }, ['e', 'd']);
    await expectClosed({ closeTimeFilter: { oldestDate: at(14), latestDate: at(35) } }, ['e', 'd']);
    await expectClosed({ closeTimeFilter: { oldestDate: at(15), latestDate: at(34) } }, []);
  });

  test('closeStatusFilter, one status at a time', async () => {
    const byStatus: Record<CloseStatus, string> = { COMPLETED: 'a', FAILED: 'b', TERMINATED: 'c', CANCELED: 'd', TIMED_OUT: 'e', CONTINUED_AS_NEW: 'f' };
    for (const [status, id] of Object.entries(byStatus) as [CloseStatus, string][]) {
      await expectClosed({ startTimeFilter: ever, closeStatusFilter: { status } }, [id]);
      await expectClosed({ closeTimeFilter: ever, closeStatusFilter: { status } }, [id]);
    }
    await expectClosed({ closeTimeFilter: { oldestDate: at(36) }, closeStatusFilter: { status: 'TIMED_OUT' } }, []);
  });

  test('executionFilter', async () => {
    await expectClosed({ startTimeFilter: ever, executionFilter: { workflowId: 'f' } }, ['f']);
    await expectClosed({ closeTimeFilter: ever, executionFilter: { workflowId: 'a' } }, ['a']);
    await expectClosed({ closeTimeFilter: ever, executionFilter: { workflowId: 'h' } }, []);
    await expectClosed({ closeTimeFilter: { oldestDate: at(11) }, executionFilter: { workflowId: 'a' } }, []);
  });

  test('typeFilter by name, and by name and version', async () => {
    await expectClosed({ startTimeFilter: ever, typeFilter: { name: 'order' } }, ['f', 'd', 'b', 'a']);
    await expectClosed({ closeTimeFilter: ever, typeFilter: order1 }, ['f', 'd', 'a']);
    await expectClosed({ startTimeFilter: ever, typeFilter: order2 }, ['b']);
    await expectClosed({ closeTimeFilter: ever, typeFilter: { name: 'ship' } }, ['e', 'c']);
    await expectClosed({ closeTimeFilter: { oldestDate: at(11), latestDate: at(35) }, typeFilter: { name: 'ship' } }, ['e', 'c']);
    await expectClosed({ startTimeFilter: { oldestDate: at(1) }, typeFilter: order1 }, ['f', 'd']);
    await expectClosed({ startTimeFilter: ever, typeFilter: { name: 'order', version: '3' } }, []);
  });

  test('tagFilter', async () => {
    await expectClosed({ startTimeFilter: ever, tagFilter: { tag: 'red' } }, ['f', 'b', 'a']);
    await expectClosed({ closeTimeFilter: ever, tagFilter: { tag: 'blue' } }, ['d', 'a']);
    await expectClosed({ closeTimeFilter: ever, tagFilter: { tag: 'green' } }, ['c']);
    await expectClosed({ closeTimeFilter: { oldestDate: at(11), latestDate: at(40) }, tagFilter: { tag: 'red' } }, ['b']);
    await expectClosed({ startTimeFilter: { oldestDate: at(1), latestDate: at(39) }, tagFilter: { tag: 'red' } }, ['b']);
  });

  test('what a closed execution says about itself', async () => {
    const infos = (await swf.send(new ListClosedWorkflowExecutionsCommand({ domain: f.domain, closeTimeFilter: { oldestDate: at(10), latestDate: at(14) } }))).executionInfos;
    assert.deepEqual(infos, [
      { execution: execution('d'), workflowType: order1, startTimestamp: at(4), closeTimestamp: at(14), executionStatus: 'CLOSED', closeStatus: 'CANCELED', tagList: ['blue'], cancelRequested: true },
      { execution: execution('c'), workflowType: ship1, startTimestamp: at(2), closeTimestamp: at(12), executionStatus: 'CLOSED', closeStatus: 'TERMINATED', tagList: ['green'], cancelRequested: false },
      { execution: execution('b'), workflowType: order2, startTimestamp: at(1), closeTimestamp: at(11), executionStatus: 'CLOSED', closeStatus: 'FAILED', tagList: ['red'], cancelRequested: false },
      { execution: execution('a'), workflowType: order1, startTimestamp: at(0), closeTimestamp: at(10), executionStatus: 'CLOSED', closeStatus: 'COMPLETED', tagList: ['red', 'blue'], cancelRequested: false },
    ]);
    const [timedOut] = (await swf.send(new ListClosedWorkflowExecutionsCommand({ domain: f.domain, closeTimeFilter: ever, closeStatusFilter: { status: 'TIMED_OUT' } }))).executionInfos ?? [];
    assert.deepEqual(timedOut, { execution: execution('e'), workflowType: ship1, startTimestamp: at(5), closeTimestamp: at(35), executionStatus: 'CLOSED', closeStatus: 'TIMED_OUT', cancelRequested: false });
  });
});

describe('invalid queries', () => {
  const closedFilters = {
    executionFilter: { workflowId: 'a' },
    typeFilter: { name: 'order' },
    tagFilter: { tag: 'red' },
    closeStatusFilter: { status: 'FAILED' as const },
  };
  const shapeNames = { executionFilter: 'WorkflowExecutionFilter', typeFilter: 'WorkflowTypeFilter', tagFilter: 'TagFilter', closeStatusFilter: 'CloseStatusFilter' };
  type FilterName = keyof typeof closedFilters;
  /** Every set of two or more of `names`. */
  const combinations = (names: FilterName[]): FilterName[][] =>
    Array.from({ length: 2 ** names.length }, (_, mask) => names.filter((_, i) => mask & (1 << i))).filter((set) => set.length > 1);

  const expectValidation = (call: Promise<unknown>, message: string) => expectFault(call, 'ValidationException', message);

  test('closed: at most one of executionFilter, typeFilter, tagFilter and closeStatusFilter', async () => {
    const sets = combinations(['executionFilter', 'typeFilter', 'tagFilter', 'closeStatusFilter']);
    assert.equal(sets.length, 11);
    for (const set of sets) {
      const filters = Object.fromEntries(set.map((name) => [name, closedFilters[name]]));
      const message = `Cannot specify more than one exclusive filters in the same query: [${set.map((name) => shapeNames[name]).join(', ')}]`;
      await expectValidation(swf.send(new ListClosedWorkflowExecutionsCommand({ domain: f.domain, startTimeFilter: ever, ...filters })), message);
      await expectValidation(swf.send(new CountClosedWorkflowExecutionsCommand({ domain: f.domain, closeTimeFilter: ever, ...filters })), message);
    }
  });

  test('open: at most one of executionFilter, typeFilter and tagFilter', async () => {
    for (const set of combinations(['executionFilter', 'typeFilter', 'tagFilter'])) {
      const filters = Object.fromEntries(set.map((name) => [name, closedFilters[name]]));
      const message = `Cannot specify more than one exclusive filters in the same query: [${set.map((name) => shapeNames[name]).join(', ')}]`;
      await expectValidation(swf.send(new ListOpenWorkflowExecutionsCommand({ domain: f.domain, startTimeFilter: ever, ...filters })), message);
      await expectValidation(swf.send(new CountOpenWorkflowExecutionsCommand({ domain: f.domain, startTimeFilter: ever, ...filters })), message);
    }
  });

  test('closed: exactly one of startTimeFilter and closeTimeFilter', async () => {
    const both = 'Cannot specify both startTimeFilter and closeTimeFilter: they are mutually exclusive';
    const neither = 'Either startTimeFilter or closeTimeFilter must be specified';
    await expectValidation(swf.send(new ListClosedWorkflowExecutionsCommand({ domain: f.domain, startTimeFilter: ever, closeTimeFilter: ever })), both);
    await expectValidation(swf.send(new CountClosedWorkflowExecutionsCommand({ domain: f.domain, startTimeFilter: ever, closeTimeFilter: ever })), both);
    await expectValidation(swf.send(new ListClosedWorkflowExecutionsCommand({ domain: f.domain })), neither);
    await expectValidation(swf.send(new CountClosedWorkflowExecutionsCommand({ domain: f.domain, typeFilter: { name: 'order' } })), neither);
  });

  test('open: startTimeFilter is required', async () => {
    const message = "1 validation error detected: Value null at 'startTimeFilter' failed to satisfy constraint: Member must not be null";
    await expectValidation(swf.send(new ListOpenWorkflowExecutionsCommand({ domain: f.domain } as ListOpenWorkflowExecutionsCommandInput)), message);
    await expectValidation(swf.send(new CountOpenWorkflowExecutionsCommand({ domain: f.domain } as ListOpenWorkflowExecutionsCommandInput)), message);
  });

  test('page size over 1000, a token that is not ours, a token of another order', async () => {
    await expectValidation(
      swf.send(new ListOpenWorkflowExecutionsCommand({ domain: f.domain, startTimeFilter: ever, maximumPageSize: 1001 })),
      "1 validation error detected: Value '1001' at 'maximumPageSize' failed to satisfy constraint: Member must have value less than or equal to 1000",
    );
    await expectValidation(swf.send(new ListOpenWorkflowExecutionsCommand({ domain: f.domain, startTimeFilter: ever, nextPageToken: 'not-a-token' })), 'Invalid nextPageToken');
    const page = await swf.send(new ListClosedWorkflowExecutionsCommand({ domain: f.domain, startTimeFilter: ever, maximumPageSize: 2 }));
    assert.ok(page.nextPageToken);
    await expectValidation(
      swf.send(new ListClosedWorkflowExecutionsCommand({ domain: f.domain, closeTimeFilter: ever, maximumPageSize: 2, nextPageToken: page.nextPageToken })),
      'Invalid nextPageToken: it belongs to a query with another order',
    );
    await expectValidation(
      swf.send(new ListClosedWorkflowExecutionsCommand({ domain: f.domain, startTimeFilter: ever, maximumPageSize: 2, nextPageToken: page.nextPageToken, reverseOrder: true })),
      'Invalid nextPageToken: it belongs to a query with another order',
    );
  });

  test('an unknown domain', async () => {
    for (const call of [
      () => swf.send(new ListOpenWorkflowExecutionsCommand({ domain: 'no-such-domain', startTimeFilter: ever })),
      () => swf.send(new ListClosedWorkflowExecutionsCommand({ domain: 'no-such-domain', startTimeFilter: ever })),
      () => swf.send(new CountOpenWorkflowExecutionsCommand({ domain: 'no-such-domain', startTimeFilter: ever })),
      () => swf.send(new CountClosedWorkflowExecutionsCommand({ domain: 'no-such-domain', closeTimeFilter: ever })),
    ]) {
      await expectFault(call(), 'UnknownResourceFault', 'Unknown domain: no-such-domain');
    }
  });
});
