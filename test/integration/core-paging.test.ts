/**
 * Paging through the SDK: domains, workflow and activity types (page size, tokens, reverse
 * order, name and status filters), a run's history, and a decision task's history, whose
 * next pages come from PollForDecisionTask again without handing out a new task.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeprecateDomainCommand,
  DeprecateWorkflowTypeCommand,
  GetWorkflowExecutionHistoryCommand,
  ListActivityTypesCommand,
  ListDomainsCommand,
  ListWorkflowTypesCommand,
  PollForDecisionTaskCommand,
  type PollForDecisionTaskCommandOutput,
  RegisterActivityTypeCommand,
  RegisterDomainCommand,
  RegisterWorkflowTypeCommand,
  StartWorkflowExecutionCommand,
  type HistoryEvent,
  type RegistrationStatus,
} from '@aws-sdk/client-swf';
import { serverForFile } from '../helpers/setup.js';
import { eventTypes, expectFault, history, registerFixture, type Fixture } from '../helpers/swf.js';
import { assertEmptyDecisionTask, complete, respond, startRun, startTimer, takeDecisionTask, type Run } from '../helpers/workflow.js';

// A server of its own: ListDomains sees every domain on the server.
const { swf } = await serverForFile();

/** Follows nextPageToken to the end; returns each page's items. */
async function allPages<T>(fetchPage: (token: string | undefined) => Promise<{ items: T[]; next?: string }>): Promise<T[][]> {
  const pages: T[][] = [];
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    pages.push(page.items);
    token = page.next;
  } while (token !== undefined && pages.length < 50);
  return pages;
}

test('ListDomains pages by name, forward and reverse, per registration status', async () => {
  const names = ['dom-c', 'dom-a', 'dom-e', 'dom-b', 'dom-d'];
  for (const name of names) await swf.send(new RegisterDomainCommand({ name, workflowExecutionRetentionPeriodInDays: '1', description: `about ${name}` }));
  await swf.send(new DeprecateDomainCommand({ name: 'dom-d' }));
  const list = (status: RegistrationStatus, reverseOrder: boolean) =>
    allPages(async (nextPageToken) => {
      const r = await swf.send(new ListDomainsCommand({ registrationStatus: status, maximumPageSize: 2, reverseOrder, nextPageToken }));
      return { items: (r.domainInfos ?? []).map((d) => d.name ?? '?'), next: r.nextPageToken };
    });
  assert.deepEqual(await list('REGISTERED', false), [['dom-a', 'dom-b'], ['dom-c', 'dom-e']]);
  assert.deepEqual(await list('REGISTERED', true), [['dom-e', 'dom-c'], ['dom-b', 'dom-a']]);
  assert.deepEqual(await list('DEPRECATED', false), [['dom-d']]);
  const one = await swf.send(new ListDomainsCommand({ registrationStatus: 'REGISTERED', maximumPageSize: 1 }));
  assert.deepEqual(one.domainInfos, [{ name: 'dom-a', status: 'REGISTERED', description: 'about dom-a', arn: one.domainInfos?.[0]?.arn }]);
  assert.match(one.domainInfos?.[0]?.arn ?? '', /^arn:aws:swf:[^:]+:\d+:\/domain\/dom-a$/);
  // Without a page size, all at once and no token.
  const all = await swf.send(new ListDomainsCommand({ registrationStatus: 'REGISTERED' }));
  assert.equal(all.domainInfos?.length, 4);
  assert.equal(all.nextPageToken, undefined);
  await expectFault(swf.send(new ListDomainsCommand({ registrationStatus: 'REGISTERED', nextPageToken: 'not-a-token' })), 'ValidationException');
});

test('ListWorkflowTypes and ListActivityTypes: page size, tokens, reverse order, name and status filters', async () => {
  const f = await registerFixture(swf); // holds order/1 and step/1
  for (const [name, version] of [['alpha', '1'], ['alpha', '2'], ['beta', '1'], ['gamma', '1']] as const) {
    await swf.send(new RegisterWorkflowTypeCommand({ domain: f.domain, name, version, description: `${name} v${version}` }));
    await swf.send(new RegisterActivityTypeCommand({ domain: f.domain, name, version }));
  }
  await swf.send(new DeprecateWorkflowTypeCommand({ domain: f.domain, workflowType: { name: 'beta', version: '1' } }));

  const workflowTypes = (input: { name?: string; registrationStatus: RegistrationStatus; reverseOrder?: boolean; maximumPageSize?: number }) =>
    allPages(async (nextPageToken) => {
      const r = await swf.send(new ListWorkflowTypesCommand({ domain: f.domain, ...input, nextPageToken }));
      return { items: (r.typeInfos ?? []).map((t) => `${t.workflowType?.name}/${t.workflowType?.version}`), next: r.nextPageToken };
    });
  assert.deepEqual(await workflowTypes({ registrationStatus: 'REGISTERED', maximumPageSize: 2 }), [['alpha/1', 'alpha/2'], ['gamma/1', 'order/1']]);
  assert.deepEqual(await workflowTypes({ registrationStatus: 'REGISTERED', maximumPageSize: 3, reverseOrder: true }), [
    ['order/1', 'gamma/1', 'alpha/2'],
    ['alpha/1'],
  ]);
  assert.deepEqual(await workflowTypes({ registrationStatus: 'REGISTERED', name: 'alpha', maximumPageSize: 1 }), [['alpha/1'], ['alpha/2']]);
  assert.deepEqual(await workflowTypes({ registrationStatus: 'DEPRECATED' }), [['beta/1']]);
  assert.deepEqual(await workflowTypes({ registrationStatus: 'REGISTERED', name: 'nothing' }), [[]]);

  const first = await swf.send(new ListWorkflowTypesCommand({ domain: f.domain, registrationStatus: 'DEPRECATED' }));
  const info = first.typeInfos?.[0];
  assert.equal(info?.status, 'DEPRECATED');
  assert.equal(info?.description, 'beta v1');
  assert.ok(info?.creationDate instanceof Date && info.deprecationDate instanceof Date);

  const activityTypes = await allPages(async (nextPageToken) => {
    const r = await swf.send(new ListActivityTypesCommand({ domain: f.domain, registrationStatus: 'REGISTERED', maximumPageSize: 2, nextPageToken }));
    return { items: (r.typeInfos ?? []).map((t) => `${t.activityType?.name}/${t.activityType?.version}`), next: r.nextPageToken };
  });
  assert.deepEqual(activityTypes, [['alpha/1', 'alpha/2'], ['beta/1', 'gamma/1'], ['step/1']]);
});

/** A run whose second decision task sees 12 events: 5 markers recorded by the first one. */
async function runWithLongHistory(f: Fixture, workflowId: string): Promise<{ execution: Run }> {
  const execution = await startRun(swf, f, workflowId);
  await respond(swf, (await takeDecisionTask(swf, f, execution)).taskToken, [
    ...[1, 2, 3, 4, 5].map((i) => ({ decisionType: 'RecordMarker' as const, recordMarkerDecisionAttributes: { markerName: `m${i}` } })),
    startTimer('now', '0'),
  ]);
  return { execution };
}

/** Polls until the second decision task (scheduled when the 0 s timer fires) is handed out. */
async function pollSecondTask(f: Fixture, options: { maximumPageSize: number; reverseOrder?: boolean }) {
  for (let i = 0; i < 10; i++) {
    const task = await swf.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: f.taskList }, ...options }));
    if (task.taskToken) return task;
  }
  throw new Error('the 0 s timer never produced a decision task');
}

const ids = (events: readonly HistoryEvent[] | undefined): number[] => (events ?? []).map((e) => e.eventId ?? -1);
const range = (from: number, to: number): number[] => Array.from({ length: Math.abs(to - from) + 1 }, (_, i) => (from <= to ? from + i : from - i));

test('GetWorkflowExecutionHistory pages forward and in reverse', async () => {
  const f = await registerFixture(swf);
  const { execution } = await runWithLongHistory(f, 'history-pages');
  const full = await history(swf, f.domain, execution);
  const n = full.length;
  assert.ok(n >= 11, `history has ${n} events`);
  const pages = (reverseOrder: boolean) =>
    allPages(async (nextPageToken) => {
      const r = await swf.send(new GetWorkflowExecutionHistoryCommand({ domain: f.domain, execution, maximumPageSize: 4, reverseOrder, nextPageToken }));
      return { items: ids(r.events), next: r.nextPageToken };
    });
  const forward = await pages(false);
  assert.deepEqual(forward.flat(), range(1, n));
  assert.ok(forward.slice(0, -1).every((p) => p.length === 4));
  const backward = await pages(true);
  assert.deepEqual(backward.flat(), range(n, 1));
  assert.ok(backward.slice(0, -1).every((p) => p.length === 4));
  // The pages carry the events themselves, not just ids.
  const firstPage = await swf.send(new GetWorkflowExecutionHistoryCommand({ domain: f.domain, execution, maximumPageSize: 2 }));
  assert.deepEqual(eventTypes(firstPage.events ?? []), ['WorkflowExecutionStarted', 'DecisionTaskScheduled']);
});

test('PollForDecisionTask pages: the token brings the next page of the SAME task, never a new one', async () => {
  const f = await registerFixture(swf);
  const { execution } = await runWithLongHistory(f, 'task-pages');
  const task = await pollSecondTask(f, { maximumPageSize: 5 });
  assert.ok(task.taskToken && task.nextPageToken);
  const startedEventId = task.startedEventId ?? 0;
  assert.equal(task.previousStartedEventId, 3);
  assert.deepEqual(ids(task.events), [1, 2, 3, 4, 5]);

  const pages = [ids(task.events)];
  let next: string | undefined = task.nextPageToken;
  while (next) {
    const page: PollForDecisionTaskCommandOutput = await swf.send(
      new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: f.taskList }, maximumPageSize: 5, nextPageToken: next }),
    );
    assert.equal(page.taskToken, task.taskToken, 'a page of the same task');
    assert.equal(page.startedEventId, startedEventId);
    assert.equal(page.previousStartedEventId, 3);
    assert.deepEqual(page.workflowExecution, execution);
    assert.deepEqual(page.workflowType, f.workflowType);
    pages.push(ids(page.events));
    next = page.nextPageToken;
  }
  // Every event up to this task's DecisionTaskStarted, nothing after, each exactly once.
  assert.deepEqual(pages.flat(), range(1, startedEventId));
  assert.deepEqual(pages.map((p) => p.length), [5, 5, startedEventId - 10]);
  // No new task was handed out and no DecisionTaskStarted was added by the page polls.
  const events = await history(swf, f.domain, execution);
  assert.equal(events.length, startedEventId);
  assert.equal(eventTypes(events).filter((t) => t === 'DecisionTaskStarted').length, 2);
  const empty = await swf.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: f.taskList } }));
  assertEmptyDecisionTask(empty);

  await respond(swf, task.taskToken, [complete()]);
  assert.equal(eventTypes(await history(swf, f.domain, execution)).at(-1), 'WorkflowExecutionCompleted');
});

test('PollForDecisionTask in reverse order: newest event first, pages continue downwards', async () => {
  const f = await registerFixture(swf);
  await runWithLongHistory(f, 'task-pages-reverse');
  const task = await pollSecondTask(f, { maximumPageSize: 4, reverseOrder: true });
  const startedEventId = task.startedEventId ?? 0;
  assert.ok(task.taskToken && startedEventId > 8);
  assert.equal(task.events?.[0]?.eventType, 'DecisionTaskStarted');
  const all = [...ids(task.events)];
  let next = task.nextPageToken;
  while (next) {
    const page: PollForDecisionTaskCommandOutput = await swf.send(
      new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: f.taskList }, maximumPageSize: 4, reverseOrder: true, nextPageToken: next }),
    );
    assert.equal(page.taskToken, task.taskToken);
    all.push(...ids(page.events));
    next = page.nextPageToken;
  }
  assert.deepEqual(all, range(startedEventId, 1));
});

test('a decision page token is no history token, and names only runs of its domain', async () => {
  const f = await registerFixture(swf);
  const { execution } = await runWithLongHistory(f, 'tokens-apart');
  const task = await pollSecondTask(f, { maximumPageSize: 2 });
  assert.ok(task.nextPageToken);
  await expectFault(
    swf.send(new GetWorkflowExecutionHistoryCommand({ domain: f.domain, execution, maximumPageSize: 2, nextPageToken: task.nextPageToken })),
    'ValidationException',
  );
  // The same token presented on another domain reads nothing of this run.
  const g = await registerFixture(swf);
  await expectFault(
    swf.send(new PollForDecisionTaskCommand({ domain: g.domain, taskList: { name: f.taskList }, maximumPageSize: 2, nextPageToken: task.nextPageToken })),
    'ValidationException',
  );
});

test('decision page tokens stay valid page tokens (≤ 2048 characters) with the longest non-ASCII names', async () => {
  const f = await registerFixture(swf);
  const workflowType = { name: '€'.repeat(256), version: '€'.repeat(64) };
  const workflowId = '€'.repeat(256);
  await swf.send(new RegisterWorkflowTypeCommand({ domain: f.domain, ...workflowType, defaultTaskList: { name: f.taskList } }));
  await swf.send(
    new StartWorkflowExecutionCommand({
      domain: f.domain,
      workflowId,
      workflowType,
      executionStartToCloseTimeout: '60',
      taskStartToCloseTimeout: '60',
      childPolicy: 'TERMINATE',
    }),
  );
  const task = await swf.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: f.taskList }, maximumPageSize: 1 }));
  assert.ok(task.nextPageToken && task.nextPageToken.length <= 2048, `token of ${task.nextPageToken?.length} characters`);
  const page = await swf.send(
    new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: f.taskList }, maximumPageSize: 1, nextPageToken: task.nextPageToken }),
  );
  assert.deepEqual(ids(page.events), [2]);
  assert.deepEqual(page.workflowExecution?.workflowId, workflowId);
  assert.deepEqual(page.workflowType, workflowType);
});
