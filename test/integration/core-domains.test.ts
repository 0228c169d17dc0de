/**
 * Domains as SWF keeps them: DeprecateDomain deprecates the domain's types while its runs go
 * on, and domain ARNs name the region the request was signed for and the configured account.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeprecateDomainCommand,
  DescribeActivityTypeCommand,
  DescribeDomainCommand,
  DescribeWorkflowTypeCommand,
  ListActivityTypesCommand,
  ListDomainsCommand,
  ListTagsForResourceCommand,
  ListWorkflowTypesCommand,
  RegisterActivityTypeCommand,
  RegisterWorkflowTypeCommand,
  SignalWorkflowExecutionCommand,
  SWFClient,
  TagResourceCommand,
} from '@aws-sdk/client-swf';
import { serverForFile } from '../helpers/setup.js';
import { eventTypes, expectFault, history, registerFixture } from '../helpers/swf.js';
import { complete, decide, describeRun, startRun, takeDecisionTask, respond } from '../helpers/workflow.js';

const ACCOUNT = '123456789012';
const { server, swf } = await serverForFile({ args: ['--region', 'ap-south-1', '--account-id', ACCOUNT] });

test('DeprecateDomain deprecates every type of the domain; its open runs go on', async () => {
  const f = await registerFixture(swf);
  const { domain } = f;
  const older = { name: 'older', version: '0' };
  await swf.send(new RegisterWorkflowTypeCommand({ domain, ...older }));
  await swf.send(new RegisterActivityTypeCommand({ domain, ...older }));
  const run = await startRun(swf, f, 'goes-on');
  const task = await takeDecisionTask(swf, f, run);

  await swf.send(new DeprecateDomainCommand({ name: domain }));

  for (const workflowType of [f.workflowType, older]) {
    const { typeInfo } = await swf.send(new DescribeWorkflowTypeCommand({ domain, workflowType }));
    assert.equal(typeInfo?.status, 'DEPRECATED');
    assert.ok(typeInfo?.deprecationDate instanceof Date, 'a deprecationDate');
  }
  for (const activityType of [f.activityType, older]) {
    const { typeInfo } = await swf.send(new DescribeActivityTypeCommand({ domain, activityType }));
    assert.equal(typeInfo?.status, 'DEPRECATED');
    assert.ok(typeInfo?.deprecationDate instanceof Date, 'a deprecationDate');
  }
  const workflowTypes = (registrationStatus: 'REGISTERED' | 'DEPRECATED') =>
    swf.send(new ListWorkflowTypesCommand({ domain, registrationStatus })).then((o) => (o.typeInfos ?? []).map((i) => i.workflowType?.name));
  const activityTypes = (registrationStatus: 'REGISTERED' | 'DEPRECATED') =>
    swf.send(new ListActivityTypesCommand({ domain, registrationStatus })).then((o) => (o.typeInfos ?? []).map((i) => i.activityType?.name));
  assert.deepEqual(await workflowTypes('REGISTERED'), []);
  assert.deepEqual(await workflowTypes('DEPRECATED'), ['older', 'order']);
  assert.deepEqual(await activityTypes('REGISTERED'), []);
  assert.deepEqual(await activityTypes('DEPRECATED'), ['older', 'step']);

  // The run started before goes on: its decider answers, it takes signals, it completes.
  await respond(swf, task.taskToken, []);
  await swf.send(new SignalWorkflowExecutionCommand({ domain, ...run, signalName: 'still-here' }));
  await decide(swf, f, run, [complete('done')]);
  assert.equal(eventTypes(await history(swf, domain, run)).at(-1), 'WorkflowExecutionCompleted');
  assert.equal((await describeRun(swf, f, run)).executionInfo?.closeStatus, 'COMPLETED');
});

/** A client whose requests are signed for `region`. */
const signedFor = (region: string) =>
  new SWFClient({ endpoint: server.url, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });

test('domain ARNs name the region the request was signed for and the configured account', async () => {
  const f = await registerFixture(swf);
  const london = signedFor('eu-west-2');
  const arn = `arn:aws:swf:eu-west-2:${ACCOUNT}:/domain/${f.domain}`;
  assert.equal((await london.send(new DescribeDomainCommand({ name: f.domain }))).domainInfo?.arn, arn);
  const listed = await london.send(new ListDomainsCommand({ registrationStatus: 'REGISTERED' }));
  assert.equal(listed.domainInfos?.find((d) => d.name === f.domain)?.arn, arn);
  assert.equal((await signedFor('us-west-1').send(new DescribeDomainCommand({ name: f.domain }))).domainInfo?.arn, arn.replace('eu-west-2', 'us-west-1'));

  // Tags take the ARN of the region the request is signed for; another region's names nothing here.
  await london.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'team', value: 'orders' }] }));
  assert.deepEqual((await london.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, [{ key: 'team', value: 'orders' }]);
  const elsewhere = arn.replace('eu-west-2', 'us-west-1');
  await expectFault(london.send(new ListTagsForResourceCommand({ resourceArn: elsewhere })), 'UnknownResourceFault', `Unknown resource: ${elsewhere}`);
});

test('a request that carries no signature gets the ARN of the server\'s --region', async () => {
  const f = await registerFixture(swf);
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'SimpleWorkflowService.DescribeDomain' },
    body: JSON.stringify({ name: f.domain }),
  });
  assert.equal(res.status, 200);
  const body = (await res.json()) as { domainInfo: { arn: string } };
  assert.equal(body.domainInfo.arn, `arn:aws:swf:ap-south-1:${ACCOUNT}:/domain/${f.domain}`);
});
