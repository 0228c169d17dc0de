/**
 * Service-wide limits, each answered with its exact fault: domains (SWF's default of 100),
 * types per domain, open executions per domain (also for a child: a failure event), pollers
 * per task list, the Count cap, payload sizes, and the `--limit` flag itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CountClosedWorkflowExecutionsCommand,
  CountOpenWorkflowExecutionsCommand,
  DeprecateDomainCommand,
  PollForActivityTaskCommand,
  PollForDecisionTaskCommand,
  RecordActivityTaskHeartbeatCommand,
  RegisterActivityTypeCommand,
  RegisterDomainCommand,
  RegisterWorkflowTypeCommand,
  RespondActivityTaskCompletedCommand,
  RespondActivityTaskFailedCommand,
  RespondDecisionTaskCompletedCommand,
  SignalWorkflowExecutionCommand,
  StartWorkflowExecutionCommand,
  TerminateWorkflowExecutionCommand,
} from '@aws-sdk/client-swf';
import { expectStartFailure, serverForTest } from '../helpers/setup.js';
import { describeEvents, expectFault, history, registerFixture, uniqueName } from '../helpers/swf.js';
import { assertEmptyActivityTask, assertEmptyDecisionTask, decide, ever, startChild, startOn, takeActivityTask, takeDecisionTask } from '../helpers/workflow.js';

test("domains: SWF's 100, deprecated ones included, then LimitExceededFault", async (t) => {
  const { swf } = await serverForTest(t);
  const names = Array.from({ length: 100 }, (_, i) => `domain-${String(i).padStart(3, '0')}`);
  for (const name of names) await swf.send(new RegisterDomainCommand({ name, workflowExecutionRetentionPeriodInDays: '1' }));
  await swf.send(new DeprecateDomainCommand({ name: 'domain-000' }));
  await expectFault(
    swf.send(new RegisterDomainCommand({ name: 'domain-100', workflowExecutionRetentionPeriodInDays: '1' })),
    'LimitExceededFault',
    'The number of domains reached the limit of 100',
  );
  // A name already taken is still reported as such.
  await expectFault(swf.send(new RegisterDomainCommand({ name: 'domain-001', workflowExecutionRetentionPeriodInDays: '1' })), 'DomainAlreadyExistsFault');
});

test('types: the limit holds for workflow types and for activity types, each', async (t) => {
  const { swf } = await serverForTest(t, { args: ['--limit', 'maxTypesPerDomain=2'] });
  const domain = uniqueName('typed');
  await swf.send(new RegisterDomainCommand({ name: domain, workflowExecutionRetentionPeriodInDays: '1' }));
  for (const version of ['1', '2']) {
    await swf.send(new RegisterWorkflowTypeCommand({ domain, name: 'w', version }));
    await swf.send(new RegisterActivityTypeCommand({ domain, name: 'a', version }));
  }
  await expectFault(
    swf.send(new RegisterWorkflowTypeCommand({ domain, name: 'w', version: '3' })),
    'LimitExceededFault',
    `The number of workflow types in domain ${domain} reached the limit of 2`,
  );
  await expectFault(
    swf.send(new RegisterActivityTypeCommand({ domain, name: 'a', version: '3' })),
    'LimitExceededFault',
    `The number of activity types in domain ${domain} reached the limit of 2`,
  );
});

test('open executions per domain: LimitExceededFault for a start, OPEN_WORKFLOWS_LIMIT_EXCEEDED for a child', async (t) => {
  const { swf } = await serverForTest(t, { clock: 'virtual', args: ['--limit', 'maxOpenExecutionsPerDomain=3'] });
  const f = await registerFixture(swf);
  const parent = await startOn(swf, f, 'parent');
  await startOn(swf, f, 'w2');
  await startOn(swf, f, 'w3');
  const startW4 = () => swf.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowId: 'w4', workflowType: f.workflowType }));
  await expectFault(startW4(), 'LimitExceededFault', `The number of open executions in domain ${f.domain} reached the limit of 3`);
  await decide(swf, f, parent, [startChild('kid', f.workflowType)]);
  const events = await history(swf, f.domain, parent);
  const failed = describeEvents(events).find(([type]) => type === 'StartChildWorkflowExecutionFailed');
  // The limit is judged when the decision is applied: no Initiated event, so initiatedEventId 0
  // (the API reference: it is set only for WORKFLOW_ALREADY_RUNNING).
  assert.equal(events.find((e) => e.eventType === 'StartChildWorkflowExecutionInitiated'), undefined);
  const completed = events.find((e) => e.eventType === 'DecisionTaskCompleted');
  assert.deepEqual(failed, [
    'StartChildWorkflowExecutionFailed',
    {
      workflowType: f.workflowType,
      cause: 'OPEN_WORKFLOWS_LIMIT_EXCEEDED',
      workflowId: 'kid',
      initiatedEventId: 0,
      decisionTaskCompletedEventId: completed?.eventId,
    },
  ]);
  // A run that closes makes room.
  await swf.send(new TerminateWorkflowExecutionCommand({ domain: f.domain, workflowId: 'w3' }));
  assert.ok((await startW4()).runId);
});

test('pollers per task list: one poll past the limit gets LimitExceededFault; a finished poll frees its place', async (t) => {
  const { swf } = await serverForTest(t, { pollTimeoutMs: 700, args: ['--limit', 'maxPollersPerTaskList=2'] });
  const f = await registerFixture(swf);
  const poll = () => swf.send(new PollForActivityTaskCommand({ domain: f.domain, taskList: { name: f.activityTaskList } }));
  const outcomes = await Promise.allSettled([poll(), poll(), poll()]);
  const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
  assert.equal(refused.length, 1, 'exactly one of three polls is refused');
  assert.equal((refused[0]?.reason as Error).name, 'LimitExceededFault');
  assert.equal((refused[0]?.reason as Error).message, `Too many pollers on task list ${f.activityTaskList}`);
  for (const o of outcomes) if (o.status === 'fulfilled') assertEmptyActivityTask(o.value);
  // Another task list, or the same one once the polls ended, takes pollers again.
  const [a, b] = await Promise.all([poll(), swf.send(new PollForDecisionTaskCommand({ domain: f.domain, taskList: { name: f.activityTaskList } }))]);
  assertEmptyActivityTask(a);
  assertEmptyDecisionTask(b);
});

test('Count*WorkflowExecutions stop at maxVisibilityCount and say truncated', async (t) => {
  const { swf } = await serverForTest(t, { clock: 'virtual', args: ['--limit', 'maxVisibilityCount=3'] });
  const f = await registerFixture(swf);
  const countOpen = () => swf.send(new CountOpenWorkflowExecutionsCommand({ domain: f.domain, startTimeFilter: ever }));
  for (const id of ['a', 'b', 'c']) await startOn(swf, f, id);
  const atCap = await countOpen();
  assert.deepEqual({ count: atCap.count, truncated: atCap.truncated }, { count: 3, truncated: false });
  for (const id of ['d', 'e']) await startOn(swf, f, id);
  const over = await countOpen();
  assert.deepEqual({ count: over.count, truncated: over.truncated }, { count: 3, truncated: true });
  for (const workflowId of ['a', 'b', 'c', 'd']) await swf.send(new TerminateWorkflowExecutionCommand({ domain: f.domain, workflowId }));
  const closed = await swf.send(new CountClosedWorkflowExecutionsCommand({ domain: f.domain, closeTimeFilter: ever }));
  assert.deepEqual({ count: closed.count, truncated: closed.truncated }, { count: 3, truncated: true });
  const open = await countOpen();
  assert.deepEqual({ count: open.count, truncated: open.truncated }, { count: 1, truncated: false });
});

test('payload sizes: 32,768 for data, 2,048 for heartbeat details, 256 for reasons', async (t) => {
  const { swf } = await serverForTest(t, { clock: 'virtual' });
  const f = await registerFixture(swf);
  const data = 'd'.repeat(32_768);
  const tooLong = (member: string, max: number) => new RegExp(`at '${member.replace(/\./g, '\\.')}' failed to satisfy constraint: Member must have length less than or equal to ${max}$`);

  await expectFault(
    swf.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowId: 'big', workflowType: f.workflowType, input: `${data}!` })),
    'ValidationException',
    tooLong('input', 32_768),
  );
  const run = await startOn(swf, f, 'full');
  await swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, workflowId: 'full', signalName: 's', input: data }));
  await expectFault(swf.send(new SignalWorkflowExecutionCommand({ domain: f.domain, workflowId: 'full', signalName: 's', input: `${data}!` })), 'ValidationException', tooLong('input', 32_768));

  const decision = await takeDecisionTask(swf, f, run);
  const schedule = (control: string) => [
    { decisionType: 'ScheduleActivityTask' as const, scheduleActivityTaskDecisionAttributes: { activityType: f.activityType, activityId: 'a', input: data, control } },
  ];
  await expectFault(
    swf.send(new RespondDecisionTaskCompletedCommand({ taskToken: decision.taskToken, decisions: schedule(`${data}!`) })),
    'ValidationException',
    tooLong('decisions.1.member.scheduleActivityTaskDecisionAttributes.control', 32_768),
  );
  await expectFault(
    swf.send(new RespondDecisionTaskCompletedCommand({ taskToken: decision.taskToken, decisions: [], executionContext: `${data}!` })),
    'ValidationException',
    tooLong('executionContext', 32_768),
  );
  await swf.send(new RespondDecisionTaskCompletedCommand({ taskToken: decision.taskToken, decisions: schedule(data), executionContext: data }));

  const task = await takeActivityTask(swf, f, 'a');
  assert.equal(task.input, data);
  const details = 'h'.repeat(2_048);
  await swf.send(new RecordActivityTaskHeartbeatCommand({ taskToken: task.taskToken, details }));
  await expectFault(swf.send(new RecordActivityTaskHeartbeatCommand({ taskToken: task.taskToken, details: `${details}!` })), 'ValidationException', tooLong('details', 2_048));
  await expectFault(swf.send(new RespondActivityTaskFailedCommand({ taskToken: task.taskToken, reason: 'r'.repeat(257) })), 'ValidationException', tooLong('reason', 256));
  await expectFault(swf.send(new RespondActivityTaskCompletedCommand({ taskToken: task.taskToken, result: `${data}!` })), 'ValidationException', tooLong('result', 32_768));
  await swf.send(new RespondActivityTaskCompletedCommand({ taskToken: task.taskToken, result: data }));

  await expectFault(
    swf.send(new TerminateWorkflowExecutionCommand({ domain: f.domain, workflowId: 'full', reason: 'r'.repeat(257) })),
    'ValidationException',
    tooLong('reason', 256),
  );
  await swf.send(new TerminateWorkflowExecutionCommand({ domain: f.domain, workflowId: 'full', reason: 'r'.repeat(256), details: data }));
  const events = await history(swf, f.domain, run);
  assert.deepEqual(describeEvents(events).at(-1), [
    'WorkflowExecutionTerminated',
    { reason: 'r'.repeat(256), details: data, childPolicy: 'TERMINATE', cause: 'OPERATOR_INITIATED' },
  ]);
  assert.equal(events.find((e) => e.eventType === 'ActivityTaskCompleted')?.activityTaskCompletedEventAttributes?.result, data);
});

test('a bad --limit stops the server before it listens', async () => {
  for (const [setting, message] of [
    ['maxOpenWidgets=3', /unknown limit "maxOpenWidgets"/],
    ['maxOpenTimers=0', /the value must be a whole number of at least 1/],
    ['maxOpenTimers=lots', /the value must be a whole number of at least 1/],
  ] as const) {
    await expectStartFailure({ args: ['--limit', setting] }, message, 2);
  }
});
