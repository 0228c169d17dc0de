/**
 * Paging through 2,500 executions, newest first and oldest first, with no run repeated or
 * left out. Runs are started 500 to a virtual second, so pages split groups of runs with the
 * same start time (ties are ordered by runId); every fifth run is then terminated, 250 to a
 * virtual second.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CountClosedWorkflowExecutionsCommand,
  CountOpenWorkflowExecutionsCommand,
  ListClosedWorkflowExecutionsCommand,
  ListOpenWorkflowExecutionsCommand,
  TerminateWorkflowExecutionCommand,
  type WorkflowExecutionInfo,
} from '@aws-sdk/client-swf';
import { serverForFile } from '../helpers/setup.js';
import { registerFixture } from '../helpers/swf.js';
import { ever, startOn, type Run } from '../helpers/workflow.js';
import { inParallel } from './visibility-support.js';

const RUNS = 2_500;
const STARTED_PER_SECOND = 500;
const CLOSED_PER_SECOND = 250;

const { server, swf } = await serverForFile({ clock: 'virtual' });
const f = await registerFixture(swf);
let started: Run[] = [];
/** Every fifth run, terminated. */
let closed: Run[] = [];

before(async () => {
  for (let group = 0; group < RUNS / STARTED_PER_SECOND; group++) {
    const ids = Array.from({ length: STARTED_PER_SECOND }, (_, i) => `run-${group * STARTED_PER_SECOND + i}`);
    started.push(...(await inParallel(ids, 8, (id) => startOn(swf, f, id, { taskList: { name: f.taskList } }))));
    await server.advance(1);
  }
  started = started.map(({ workflowId, runId }) => ({ workflowId, runId }));
  closed = started.filter(isClosed);
  for (let group = 0; group < closed.length / CLOSED_PER_SECOND; group++) {
    const batch = closed.slice(group * CLOSED_PER_SECOND, (group + 1) * CLOSED_PER_SECOND);
    await inParallel(batch, 8, (run) => swf.send(new TerminateWorkflowExecutionCommand({ domain: f.domain, ...run })));
    await server.advance(1);
  }
});

type Lister = (nextPageToken: string | undefined) => Promise<{ executionInfos?: WorkflowExecutionInfo[]; nextPageToken?: string }>;

/** Follows nextPageToken to the end; returns every item and the size of each page. */
async function pageThrough(list: Lister): Promise<{ infos: WorkflowExecutionInfo[]; pageSizes: number[] }> {
  const infos: WorkflowExecutionInfo[] = [];
  const pageSizes: number[] = [];
  let token: string | undefined;
  do {
    const page = await list(token);
    infos.push(...(page.executionInfos ?? []));
    pageSizes.push(page.executionInfos?.length ?? 0);
    token = page.nextPageToken;
  } while (token !== undefined);
  return { infos, pageSizes };
}

const runIdOf = (info: WorkflowExecutionInfo): string => info.execution?.runId ?? '?';

/** Every run exactly once, and in order: by `time`, ties by runId, descending unless reversed. */
function assertComplete(infos: readonly WorkflowExecutionInfo[], expected: readonly Run[], time: (i: WorkflowExecutionInfo) => Date | undefined, reversed: boolean): void {
  const ids = infos.map(runIdOf);
  assert.equal(new Set(ids).size, ids.length, 'no run is listed twice');
  assert.deepEqual([...ids].sort(), expected.map((r) => r.runId).sort(), 'every run is listed');
  for (let i = 1; i < infos.length; i++) {
    const [a, b] = [infos[i - 1], infos[i]] as [WorkflowExecutionInfo, WorkflowExecutionInfo];
    const key = (x: WorkflowExecutionInfo): [number, string] => [time(x)?.getTime() ?? NaN, runIdOf(x)];
    const [ta, ra] = key(a);
    const [tb, rb] = key(b);
    const inOrder = reversed ? ta < tb || (ta === tb && ra < rb) : ta > tb || (ta === tb && ra > rb);
    assert.ok(inOrder, `item ${i} is out of order: ${ta}/${ra} then ${tb}/${rb}`);
  }
}

const isClosed = (_: Run, i: number): boolean => i % 5 === 4;
const openRuns = () => started.filter((r, i) => !isClosed(r, i));

test('open runs, 100 to a page, newest first then oldest first', async () => {
  for (const reverseOrder of [false, true]) {
    const { infos, pageSizes } = await pageThrough((nextPageToken) =>
      swf.send(new ListOpenWorkflowExecutionsCommand({ domain: f.domain, startTimeFilter: ever, maximumPageSize: 100, reverseOrder, nextPageToken })),
    );
    // 2,000 runs fill the 20th page exactly: it comes without a nextPageToken.
    assert.deepEqual(pageSizes, Array<number>(20).fill(100));
    assertComplete(infos, openRuns(), (i) => i.startTimestamp, reverseOrder);
    assert.ok(infos.every((i) => i.executionStatus === 'OPEN'));
  }
  const { count, truncated } = await swf.send(new CountOpenWorkflowExecutionsCommand({ domain: f.domain, startTimeFilter: ever }));
  assert.deepEqual({ count, truncated }, { count: openRuns().length, truncated: false });
});

test('closed runs by close time and by start time, both orders', async () => {
  for (const reverseOrder of [false, true]) {
    const byClose = await pageThrough((nextPageToken) =>
      swf.send(new ListClosedWorkflowExecutionsCommand({ domain: f.domain, closeTimeFilter: ever, maximumPageSize: 100, reverseOrder, nextPageToken })),
    );
    assertComplete(byClose.infos, closed, (i) => i.closeTimestamp, reverseOrder);
    assert.deepEqual(byClose.pageSizes, [100, 100, 100, 100, 100]);
    const byStart = await pageThrough((nextPageToken) =>
      swf.send(new ListClosedWorkflowExecutionsCommand({ domain: f.domain, startTimeFilter: ever, maximumPageSize: 333, reverseOrder, nextPageToken })),
    );
    assertComplete(byStart.infos, closed, (i) => i.startTimestamp, reverseOrder);
    assert.deepEqual(byStart.pageSizes, [333, 167]);
  }
  const { count, truncated } = await swf.send(new CountClosedWorkflowExecutionsCommand({ domain: f.domain, closeTimeFilter: ever }));
  assert.deepEqual({ count, truncated }, { count: closed.length, truncated: false });
});

test('pages default to 1000 items (maximumPageSize absent or 0)', async () => {
  for (const maximumPageSize of [undefined, 0]) {
    const { infos, pageSizes } = await pageThrough((nextPageToken) =>
      swf.send(new ListOpenWorkflowExecutionsCommand({ domain: f.domain, startTimeFilter: ever, maximumPageSize, nextPageToken })),
    );
    assert.deepEqual(pageSizes, [1000, 1000]);
    assertComplete(infos, openRuns(), (i) => i.startTimestamp, false);
  }
});

test('runs that start or close between pages neither repeat nor hide the others', async () => {
  const list = (nextPageToken?: string) =>
    swf.send(new ListOpenWorkflowExecutionsCommand({ domain: f.domain, startTimeFilter: ever, maximumPageSize: 500, nextPageToken }));
  const first = await list();
  assert.equal(first.executionInfos?.length, 500);
  // A newer run sorts before the position reached; an unseen run that closes drops out.
  const newcomer = await startOn(swf, f, 'newcomer', { taskList: { name: f.taskList } });
  const seen = new Set((first.executionInfos ?? []).map(runIdOf));
  const leaving = openRuns().find((r) => !seen.has(r.runId));
  assert.ok(leaving);
  await swf.send(new TerminateWorkflowExecutionCommand({ domain: f.domain, ...leaving }));
  const rest = await pageThrough((token) => list(token ?? first.nextPageToken));
  const all = [...(first.executionInfos ?? []), ...rest.infos];
  assertComplete(all, openRuns().filter((r) => r.runId !== leaving.runId), (i) => i.startTimestamp, false);
  assert.ok(!all.some((i) => runIdOf(i) === newcomer.runId));
  await swf.send(new TerminateWorkflowExecutionCommand({ domain: f.domain, workflowId: 'newcomer' }));
});
