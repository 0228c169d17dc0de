/**
 * Authorization of the regular API: every one of the 39 operations refused without a policy,
 * with AWS's OperationNotPermittedFault wording and no change; and a policy matrix — domains
 * and the signed region, explicit Deny over Allow, NotAction, NotResource, each condition
 * operator (with IfExists, ForAnyValue/ForAllValues, Null), type defaults, tag conditions —
 * and task tokens bound to their domain.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as SWF from '@aws-sdk/client-swf';
import {
  DescribeActivityTypeCommand,
  DescribeDomainCommand,
  ListDomainsCommand,
  ListOpenWorkflowExecutionsCommand,
  PollForActivityTaskCommand,
  RegisterDomainCommand,
  RespondActivityTaskCompletedCommand,
  SignalWorkflowExecutionCommand,
  TagResourceCommand,
  TerminateWorkflowExecutionCommand,
  type SWFClient,
} from '@aws-sdk/client-swf';
import { serverForFile } from '../helpers/setup.js';
import { expectFault } from '../helpers/swf.js';
import { describeRun, ever, scheduleActivity, startOn, startRun, takeActivityTask, takeDecisionTask, respond } from '../helpers/workflow.js';
import { ACCOUNT, ADMIN, domainArn, namedFixture, notAuthorized, user } from './auth-support.js';

const alphaArn = domainArn('alpha');
const NOBODY = user('nobody', [], { policies: [] });
const SCOPED = user('scoped', [{ Effect: 'Allow', Action: 'swf:*', Resource: alphaArn }]);
const DENY = user('deny', [
  { Effect: 'Allow', Action: 'swf:*', Resource: '*' },
  { Effect: 'Deny', Action: 'swf:TerminateWorkflowExecution', Resource: alphaArn },
]);
const NODELETE = user('nodelete', [{ Effect: 'Allow', NotAction: ['swf:Delete*', 'swf:Terminate*'], Resource: '*' }]);
const NOTRES = user('notres', [{ Effect: 'Allow', Action: 'swf:*', NotResource: alphaArn }]);
const WORKER = user('worker', [
  { Effect: 'Allow', Action: 'swf:PollForActivityTask', Resource: alphaArn, Condition: { StringEquals: { 'swf:taskList.name': 'alpha-activities' } } },
  { Effect: 'Allow', Action: ['swf:RespondActivityTask*', 'swf:RecordActivityTaskHeartbeat'], Resource: alphaArn },
]);
const STARTER = user('starter', [
  {
    Effect: 'Allow',
    Action: 'swf:StartWorkflowExecution',
    Resource: alphaArn,
    Condition: {
      StringEquals: { 'swf:taskList.name': 'alpha-decisions', 'swf:workflowType.version': ['1', '2'] },
      StringEqualsIgnoreCase: { 'swf:workflowType.name': 'ORDER' },
      StringLikeIfExists: { 'swf:tagList.member.0': 'ok-*' },
    },
  },
]);
const VIEWER = user('viewer', [
  {
    Effect: 'Allow',
    Action: 'swf:ListOpenWorkflowExecutions',
    Resource: '*',
    Condition: { Null: { 'swf:tagFilter.tag': 'false' }, StringNotLike: { 'swf:tagFilter.tag': 'secret*' }, StringNotEquals: { 'swf:tagFilter.tag': 'private' } },
  },
]);
const TAGGER = user('tagger', [
  { Effect: 'Allow', Action: 'swf:DescribeDomain', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'blue' } } },
  {
    Effect: 'Allow',
    Action: 'swf:TagResource',
    Resource: '*',
    Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'cost'] }, StringEqualsIfExists: { 'aws:RequestTag/team': 'blue' } },
  },
  { Effect: 'Allow', Action: 'swf:RegisterDomain', Resource: domainArn('new-*'), Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'team' } } },
]);
const LISTER = user('lister', [{ Effect: 'Allow', Action: 'swf:ListDomains', Resource: '*' }]);
/** Allowed only over TLS: this server speaks plain HTTP (tls.test.ts has the other half). */
const SECURE = user('secure', [{ Effect: 'Allow', Action: 'swf:DescribeDomain', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }]);

const { server, swf: admin } = await serverForFile({
  auth: { accountId: ACCOUNT, users: [ADMIN, NOBODY, SCOPED, DENY, NODELETE, NOTRES, WORKER, STARTER, VIEWER, TAGGER, LISTER, SECURE] },
});
const alpha = await namedFixture(admin, 'alpha');
const beta = await namedFixture(admin, 'beta');
const gamma = await namedFixture(admin, 'gamma', [{ key: 'team', value: 'blue' }]);
const as = (name: string, region?: string): SWFClient => server.client(name, region);

type Sendable = Parameters<SWFClient['send']>[0];
/** A command of the SDK by operation name (so the table below can hold all 39). */
function command(operation: string, input: unknown): Sendable {
  const Ctor = (SWF as unknown as Record<string, new (i: unknown) => Sendable>)[`${operation}Command`];
  assert.ok(Ctor, `the SDK has ${operation}Command`);
  return new Ctor(input);
}

test('every one of the 39 operations is refused without a policy, in AWS wording, changing nothing', async () => {
  const run = await startOn(admin, alpha, 'refused-all');
  const decision = await takeDecisionTask(admin, alpha, run);
  await respond(admin, decision.taskToken, [scheduleActivity(alpha, 'a1')]);
  const activity = await takeActivityTask(admin, alpha, 'a1');
  await admin.send(new SignalWorkflowExecutionCommand({ domain: alpha.domain, workflowId: run.workflowId, signalName: 'wake' }));
  const second = await takeDecisionTask(admin, alpha, run);
  const d = alpha.domain;
  const wt = alpha.workflowType;
  const at = alpha.activityType;
  const execution = { workflowId: run.workflowId, runId: run.runId };
  const startTimeFilter = ever;
  const table: Array<[string, unknown, string?]> = [
    ['CountClosedWorkflowExecutions', { domain: d, startTimeFilter }],
    ['CountOpenWorkflowExecutions', { domain: d, startTimeFilter }],
    ['CountPendingActivityTasks', { domain: d, taskList: { name: alpha.activityTaskList } }],
    ['CountPendingDecisionTasks', { domain: d, taskList: { name: alpha.taskList } }],
    ['DeleteActivityType', { domain: d, activityType: at }],
    ['DeleteWorkflowType', { domain: d, workflowType: wt }],
    ['DeprecateActivityType', { domain: d, activityType: at }],
    ['DeprecateDomain', { name: d }],
    ['DeprecateWorkflowType', { domain: d, workflowType: wt }],
    ['DescribeActivityType', { domain: d, activityType: at }],
    ['DescribeDomain', { name: d }],
    ['DescribeWorkflowExecution', { domain: d, execution }],
    ['DescribeWorkflowType', { domain: d, workflowType: wt }],
    ['GetWorkflowExecutionHistory', { domain: d, execution }],
    ['ListActivityTypes', { domain: d, registrationStatus: 'REGISTERED' }],
    ['ListClosedWorkflowExecutions', { domain: d, startTimeFilter }],
    ['ListDomains', { registrationStatus: 'REGISTERED' }, domainArn('*')],
    ['ListOpenWorkflowExecutions', { domain: d, startTimeFilter }],
    ['ListTagsForResource', { resourceArn: alphaArn }],
    ['ListWorkflowTypes', { domain: d, registrationStatus: 'REGISTERED' }],
    ['PollForActivityTask', { domain: d, taskList: { name: alpha.activityTaskList } }],
    ['PollForDecisionTask', { domain: d, taskList: { name: alpha.taskList } }],
    ['RecordActivityTaskHeartbeat', { taskToken: activity.taskToken }],
    ['RegisterActivityType', { domain: d, name: 'other', version: '1' }],
    ['RegisterDomain', { name: 'brand-new', workflowExecutionRetentionPeriodInDays: '1' }, domainArn('brand-new')],
    ['RegisterWorkflowType', { domain: d, name: 'other', version: '1' }],
    ['RequestCancelWorkflowExecution', { domain: d, workflowId: run.workflowId }],
    ['RespondActivityTaskCanceled', { taskToken: activity.taskToken }],
    ['RespondActivityTaskCompleted', { taskToken: activity.taskToken }],
    ['RespondActivityTaskFailed', { taskToken: activity.taskToken }],
    ['RespondDecisionTaskCompleted', { taskToken: second.taskToken, decisions: [] }],
    ['SignalWorkflowExecution', { domain: d, workflowId: run.workflowId, signalName: 's' }],
    ['StartWorkflowExecution', { domain: d, workflowId: 'never', workflowType: wt }],
    ['TagResource', { resourceArn: alphaArn, tags: [{ key: 'k', value: 'v' }] }],
    ['TerminateWorkflowExecution', { domain: d, workflowId: run.workflowId }],
    ['UndeprecateActivityType', { domain: d, activityType: at }],
    ['UndeprecateDomain', { name: d }],
    ['UndeprecateWorkflowType', { domain: d, workflowType: wt }],
    ['UntagResource', { resourceArn: alphaArn, tagKeys: ['k'] }],
  ];
  assert.equal(new Set(table.map(([op]) => op)).size, 39);
  const nobody = as('nobody');
  for (const [operation, input, resource] of table) {
    await expectFault(nobody.send(command(operation, input)), 'OperationNotPermittedFault', notAuthorized(NOBODY, operation, resource ?? alphaArn));
  }
  // Nothing changed: the run is open with its activity and decision task still in hand.
  const described = await describeRun(admin, alpha, run);
  assert.equal(described.executionInfo?.executionStatus, 'OPEN');
  assert.deepEqual(described.openCounts, { openActivityTasks: 1, openDecisionTasks: 1, openTimers: 0, openChildWorkflowExecutions: 0, openLambdaFunctions: 0 });
  assert.equal((await admin.send(new DescribeActivityTypeCommand({ domain: d, activityType: at }))).typeInfo?.status, 'REGISTERED');
  assert.ok(!((await admin.send(new ListDomainsCommand({ registrationStatus: 'REGISTERED' }))).domainInfos ?? []).some((x) => x.name === 'brand-new'));
  await admin.send(new RespondActivityTaskCompletedCommand({ taskToken: activity.taskToken }));
  await respond(admin, second.taskToken, []);
});

test('Resource scopes a policy to a domain, in the region the request was signed for', async () => {
  await as('scoped').send(new DescribeDomainCommand({ name: 'alpha' }));
  await expectFault(as('scoped').send(new DescribeDomainCommand({ name: 'beta' })), 'OperationNotPermittedFault', notAuthorized(SCOPED, 'DescribeDomain', domainArn('beta')));
  const euArn = domainArn('alpha', 'eu-west-1');
  await expectFault(as('scoped', 'eu-west-1').send(new DescribeDomainCommand({ name: 'alpha' })), 'OperationNotPermittedFault', notAuthorized(SCOPED, 'DescribeDomain', euArn));
  await expectFault(as('scoped').send(new ListDomainsCommand({ registrationStatus: 'REGISTERED' })), 'OperationNotPermittedFault', notAuthorized(SCOPED, 'ListDomains', domainArn('*')));
  await expectFault(as('secure').send(new DescribeDomainCommand({ name: 'alpha' })), 'OperationNotPermittedFault', notAuthorized(SECURE, 'DescribeDomain', alphaArn));
  const listed = await as('lister').send(new ListDomainsCommand({ registrationStatus: 'REGISTERED' }));
  assert.ok((listed.domainInfos ?? []).some((x) => x.arn === alphaArn));
});

test('an explicit Deny beats the Allow; the rest of the Allow stands', async () => {
  const runA = await startRun(admin, alpha, 'deny-a');
  const runB = await startRun(admin, beta, 'deny-b');
  const deny = as('deny');
  await deny.send(new SignalWorkflowExecutionCommand({ domain: 'alpha', workflowId: runA.workflowId, signalName: 'ok' }));
  await expectFault(deny.send(new TerminateWorkflowExecutionCommand({ domain: 'alpha', workflowId: runA.workflowId })), 'OperationNotPermittedFault', notAuthorized(DENY, 'TerminateWorkflowExecution', alphaArn));
  assert.equal((await describeRun(admin, alpha, runA)).executionInfo?.executionStatus, 'OPEN');
  await deny.send(new TerminateWorkflowExecutionCommand({ domain: 'beta', workflowId: runB.workflowId }));
  assert.equal((await describeRun(admin, beta, runB)).executionInfo?.closeStatus, 'TERMINATED');
  await admin.send(new TerminateWorkflowExecutionCommand({ domain: 'alpha', workflowId: runA.workflowId }));
});

test('NotAction allows all but the listed actions; NotResource all but the listed domains', async () => {
  const run = await startRun(admin, alpha, 'notaction');
  await as('nodelete').send(new SignalWorkflowExecutionCommand({ domain: 'alpha', workflowId: run.workflowId, signalName: 's' }));
  await expectFault(as('nodelete').send(new TerminateWorkflowExecutionCommand({ domain: 'alpha', workflowId: run.workflowId })), 'OperationNotPermittedFault');
  await expectFault(as('nodelete').send(command('DeleteWorkflowType', { domain: 'alpha', workflowType: alpha.workflowType })), 'OperationNotPermittedFault');
  await as('notres').send(new DescribeDomainCommand({ name: 'beta' }));
  await expectFault(as('notres').send(new DescribeDomainCommand({ name: 'alpha' })), 'OperationNotPermittedFault', notAuthorized(NOTRES, 'DescribeDomain', alphaArn));
  await admin.send(new TerminateWorkflowExecutionCommand({ domain: 'alpha', workflowId: run.workflowId }));
});

test('condition keys: a task list on polls; a type default stands in for an omitted task list', async () => {
  const worker = as('worker');
  await worker.send(new PollForActivityTaskCommand({ domain: 'alpha', taskList: { name: 'alpha-activities' } }));
  await expectFault(worker.send(new PollForActivityTaskCommand({ domain: 'alpha', taskList: { name: 'elsewhere' } })), 'OperationNotPermittedFault');
  const starter = as('starter');
  // No task list given: judged on the type's default, alpha-decisions, which the policy allows.
  await startRun(starter, alpha, 'default-list');
  await expectFault(startRun(starter, alpha, 'other-list', { taskList: { name: 'other' } }), 'OperationNotPermittedFault', notAuthorized(STARTER, 'StartWorkflowExecution', alphaArn));
  // StringEqualsIgnoreCase on the type name, several values OR on the version.
  await startRun(starter, alpha, 'tagged-ok', { tagList: ['ok-1', 'anything'] });
  await expectFault(startRun(starter, alpha, 'tagged-bad', { tagList: ['nope'] }), 'OperationNotPermittedFault');
  await expectFault(startRun(starter, beta, 'wrong-domain', { taskList: { name: 'alpha-decisions' } }), 'OperationNotPermittedFault');
  const runs = await admin.send(new ListOpenWorkflowExecutionsCommand({ domain: 'alpha', startTimeFilter: ever }));
  const ids = (runs.executionInfos ?? []).map((e) => e.execution?.workflowId);
  assert.ok(ids.includes('default-list') && ids.includes('tagged-ok'));
  assert.ok(!ids.includes('other-list') && !ids.includes('tagged-bad'));
});

test('Null, StringNotLike and StringNotEquals on the tag filter of a visibility call', async () => {
  const viewer = as('viewer');
  await viewer.send(new ListOpenWorkflowExecutionsCommand({ domain: 'alpha', startTimeFilter: ever, tagFilter: { tag: 'public' } }));
  await expectFault(viewer.send(new ListOpenWorkflowExecutionsCommand({ domain: 'alpha', startTimeFilter: ever })), 'OperationNotPermittedFault');
  await expectFault(viewer.send(new ListOpenWorkflowExecutionsCommand({ domain: 'alpha', startTimeFilter: ever, tagFilter: { tag: 'secret-plans' } })), 'OperationNotPermittedFault');
  await expectFault(viewer.send(new ListOpenWorkflowExecutionsCommand({ domain: 'alpha', startTimeFilter: ever, tagFilter: { tag: 'private' } })), 'OperationNotPermittedFault');
});

test('tag conditions: aws:ResourceTag on the domain, aws:RequestTag and aws:TagKeys on tagging', async () => {
  const tagger = as('tagger');
  await tagger.send(new DescribeDomainCommand({ name: gamma.domain }));
  await expectFault(tagger.send(new DescribeDomainCommand({ name: 'alpha' })), 'OperationNotPermittedFault');
  const gammaArn = domainArn('gamma');
  await tagger.send(new TagResourceCommand({ resourceArn: gammaArn, tags: [{ key: 'cost', value: '7' }] }));
  await expectFault(tagger.send(new TagResourceCommand({ resourceArn: gammaArn, tags: [{ key: 'owner', value: 'me' }] })), 'OperationNotPermittedFault');
  await expectFault(tagger.send(new TagResourceCommand({ resourceArn: gammaArn, tags: [{ key: 'team', value: 'red' }] })), 'OperationNotPermittedFault');
  const tags = await admin.send(command('ListTagsForResource', { resourceArn: gammaArn }) as SWF.ListTagsForResourceCommand);
  assert.deepEqual(
    (tags.tags ?? []).map((t) => `${t.key}=${t.value}`).sort(),
    ['cost=7', 'team=blue'],
  );
  await tagger.send(new RegisterDomainCommand({ name: 'new-tagged', workflowExecutionRetentionPeriodInDays: '1', tags: [{ key: 'team', value: 'x' }] }));
  await expectFault(tagger.send(new RegisterDomainCommand({ name: 'new-untagged', workflowExecutionRetentionPeriodInDays: '1' })), 'OperationNotPermittedFault', notAuthorized(TAGGER, 'RegisterDomain', domainArn('new-untagged')));
  await expectFault(tagger.send(new RegisterDomainCommand({ name: 'old-tagged', workflowExecutionRetentionPeriodInDays: '1', tags: [{ key: 'team', value: 'x' }] })), 'OperationNotPermittedFault');
});

test("task tokens: judged on the token's domain; a token altered by one byte is refused", async () => {
  const runA = await startOn(admin, alpha, 'token-a');
  await respond(admin, (await takeDecisionTask(admin, alpha, runA)).taskToken, [scheduleActivity(alpha, 'a')]);
  const runB = await startOn(admin, beta, 'token-b');
  await respond(admin, (await takeDecisionTask(admin, beta, runB)).taskToken, [scheduleActivity(beta, 'b')]);
  const worker = as('worker');
  const taskA = await takeActivityTask(worker, alpha, 'a');
  const taskB = await takeActivityTask(admin, beta, 'b');
  // A beta token in the hands of a worker allowed only on alpha.
  await expectFault(worker.send(new RespondActivityTaskCompletedCommand({ taskToken: taskB.taskToken })), 'OperationNotPermittedFault', notAuthorized(WORKER, 'RespondActivityTaskCompleted', domainArn('beta')));
  // One byte of the token's random part changed: the same domain and run, but no such task.
  const bytes = Buffer.from(taskA.taskToken, 'base64');
  bytes[7] = (bytes[7] ?? 0) ^ 0x01;
  const altered = bytes.toString('base64');
  await expectFault(worker.send(new RespondActivityTaskCompletedCommand({ taskToken: altered })), 'UnknownResourceFault', `Unknown activity, scheduledEventId = ${(taskA.startedEventId ?? 0) - 1}`);
  assert.equal((await describeRun(admin, alpha, runA)).openCounts?.openActivityTasks, 1, 'the refused calls closed nothing');
  await worker.send(new RespondActivityTaskCompletedCommand({ taskToken: taskA.taskToken, result: 'done' }));
  await admin.send(new RespondActivityTaskCompletedCommand({ taskToken: taskB.taskToken }));
  assert.equal((await describeRun(admin, beta, runB)).openCounts?.openActivityTasks, 0);
  // The task is gone, yet the caller is still judged on the token's domain first.
  await expectFault(worker.send(new RespondActivityTaskCompletedCommand({ taskToken: taskB.taskToken })), 'OperationNotPermittedFault', notAuthorized(WORKER, 'RespondActivityTaskCompleted', domainArn('beta')));
  await expectFault(admin.send(new RespondActivityTaskCompletedCommand({ taskToken: taskB.taskToken })), 'UnknownResourceFault');
});
