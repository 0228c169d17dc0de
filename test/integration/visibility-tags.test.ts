/**
 * Resource tags on domain ARNs (RegisterDomain's tags, TagResource, UntagResource,
 * ListTagsForResource) and execution tag lists (at most 5, each usable in a tagFilter).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CountOpenWorkflowExecutionsCommand,
  DescribeDomainCommand,
  ListDomainsCommand,
  ListOpenWorkflowExecutionsCommand,
  ListTagsForResourceCommand,
  RegisterDomainCommand,
  StartWorkflowExecutionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type ResourceTag,
} from '@aws-sdk/client-swf';
import { serverForFile, serverForTest } from '../helpers/setup.js';
import { expectFault, registerFixture, uniqueName } from '../helpers/swf.js';
import { ever } from '../helpers/workflow.js';
import { workflowIds } from './visibility-support.js';

const { swf } = await serverForFile();

const arnOf = (domain: string) => `arn:aws:swf:us-east-1:000000000000:/domain/${domain}`;
const tagsOf = async (domain: string) => (await swf.send(new ListTagsForResourceCommand({ resourceArn: arnOf(domain) }))).tags;
const manyTags = (n: number, prefix = 'k'): ResourceTag[] => Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: `v${i}` }));

test('a domain has an ARN, and the tags it was registered with', async () => {
  const name = uniqueName('tagged');
  await swf.send(
    new RegisterDomainCommand({
      name,
      workflowExecutionRetentionPeriodInDays: '1',
      tags: [{ key: 'team', value: 'billing' }, { key: 'env' }, { key: 'team', value: 'payments' }],
    }),
  );
  const described = await swf.send(new DescribeDomainCommand({ name }));
  assert.equal(described.domainInfo?.arn, arnOf(name));
  const listed = await swf.send(new ListDomainsCommand({ registrationStatus: 'REGISTERED' }));
  assert.equal(listed.domainInfos?.find((d) => d.name === name)?.arn, arnOf(name));
  // A key given twice keeps its last value.
  assert.deepEqual(await tagsOf(name), [{ key: 'team', value: 'payments' }, { key: 'env' }]);
});

test('TagResource adds or replaces by key; UntagResource removes, ignoring unknown keys', async () => {
  const name = uniqueName('retag');
  await swf.send(new RegisterDomainCommand({ name, workflowExecutionRetentionPeriodInDays: '1' }));
  assert.deepEqual(await tagsOf(name), []);
  await swf.send(new TagResourceCommand({ resourceArn: arnOf(name), tags: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] }));
  await swf.send(new TagResourceCommand({ resourceArn: arnOf(name), tags: [{ key: 'b', value: '20' }, { key: 'c', value: '3' }] }));
  assert.deepEqual(await tagsOf(name), [{ key: 'a', value: '1' }, { key: 'b', value: '20' }, { key: 'c', value: '3' }]);
  await swf.send(new UntagResourceCommand({ resourceArn: arnOf(name), tagKeys: ['a', 'not-there'] }));
  assert.deepEqual(await tagsOf(name), [{ key: 'b', value: '20' }, { key: 'c', value: '3' }]);
});

test('50 tags at most: TooManyTagsFault, and nothing changes', async () => {
  const crowded = uniqueName('crowded');
  await expectFault(swf.send(new RegisterDomainCommand({ name: crowded, workflowExecutionRetentionPeriodInDays: '1', tags: manyTags(51) })), 'TooManyTagsFault');
  await expectFault(swf.send(new DescribeDomainCommand({ name: crowded })), 'UnknownResourceFault');

  const name = uniqueName('full');
  await swf.send(new RegisterDomainCommand({ name, workflowExecutionRetentionPeriodInDays: '1', tags: manyTags(49) }));
  await swf.send(new TagResourceCommand({ resourceArn: arnOf(name), tags: [{ key: 'fiftieth', value: 'x' }] }));
  assert.equal((await tagsOf(name))?.length, 50);
  await expectFault(
    swf.send(new TagResourceCommand({ resourceArn: arnOf(name), tags: [{ key: 'k0', value: 'new' }, { key: 'fifty-first' }] })),
    'TooManyTagsFault',
    'A resource can have at most 50 tags; this request would leave it with 51',
  );
  const tags = await tagsOf(name);
  assert.equal(tags?.length, 50);
  assert.deepEqual(tags?.[0], { key: 'k0', value: 'v0' }, 'the failed call changed nothing');
  // Replacing a value does not add a tag.
  await swf.send(new TagResourceCommand({ resourceArn: arnOf(name), tags: [{ key: 'k0', value: 'new' }] }));
  assert.deepEqual((await tagsOf(name))?.[0], { key: 'k0', value: 'new' });
});

test('an ARN that names no domain of this server is an unknown resource', async () => {
  const name = uniqueName('known');
  await swf.send(new RegisterDomainCommand({ name, workflowExecutionRetentionPeriodInDays: '1' }));
  for (const resourceArn of [
    arnOf('no-such-domain'),
    `arn:aws:swf:eu-west-1:000000000000:/domain/${name}`,
    `arn:aws:swf:us-east-1:123456789012:/domain/${name}`,
    `arn:aws:swf:us-east-1:000000000000:/domain/`,
    name,
  ]) {
    await expectFault(swf.send(new ListTagsForResourceCommand({ resourceArn })), 'UnknownResourceFault');
    await expectFault(swf.send(new TagResourceCommand({ resourceArn, tags: [{ key: 'a' }] })), 'UnknownResourceFault');
    await expectFault(swf.send(new UntagResourceCommand({ resourceArn, tagKeys: ['a'] })), 'UnknownResourceFault');
  }
});

test('tag keys and values: letters, digits, whitespace and _ . : / = + - @ only', async () => {
  const name = uniqueName('chars');
  await swf.send(new RegisterDomainCommand({ name, workflowExecutionRetentionPeriodInDays: '1' }));
  const pattern = String.raw`^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`;
  await swf.send(new TagResourceCommand({ resourceArn: arnOf(name), tags: [{ key: 'Ünïcode key_1.2:3/4=5+6-7@8', value: 'välue 9' }] }));
  await expectFault(
    swf.send(new TagResourceCommand({ resourceArn: arnOf(name), tags: [{ key: 'ok' }, { key: 'bad#key' }] })),
    'ValidationException',
    `1 validation error detected: Value 'bad#key' at 'tags.2.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern}`,
  );
  await expectFault(
    swf.send(new RegisterDomainCommand({ name: uniqueName('chars'), workflowExecutionRetentionPeriodInDays: '1', tags: [{ key: 'k', value: 'no!' }] })),
    'ValidationException',
    `1 validation error detected: Value 'no!' at 'tags.1.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern}`,
  );
  await expectFault(swf.send(new UntagResourceCommand({ resourceArn: arnOf(name), tagKeys: ['a*'] })), 'ValidationException');
  assert.deepEqual(await tagsOf(name), [{ key: 'Ünïcode key_1.2:3/4=5+6-7@8', value: 'välue 9' }]);
});

test('an execution takes up to 5 tags, and each finds it in a tagFilter', async () => {
  const f = await registerFixture(swf);
  const tagList = ['one', 'two', 'three', 'four', 'five'];
  await swf.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowId: 'tagged', workflowType: f.workflowType, tagList }));
  await swf.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowId: 'plain', workflowType: f.workflowType }));
  for (const tag of tagList) {
    const out = await swf.send(new ListOpenWorkflowExecutionsCommand({ domain: f.domain, startTimeFilter: ever, tagFilter: { tag } }));
    assert.deepEqual(workflowIds(out.executionInfos), ['tagged']);
    assert.deepEqual(out.executionInfos?.[0]?.tagList, tagList);
  }
  const count = await swf.send(new CountOpenWorkflowExecutionsCommand({ domain: f.domain, startTimeFilter: ever, tagFilter: { tag: 'six' } }));
  assert.equal(count.count, 0);
  await expectFault(
    swf.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowId: 'crowded', workflowType: f.workflowType, tagList: [...tagList, 'six'] })),
    'ValidationException',
    "1 validation error detected: Value '[one, two, three, four, five, six]' at 'tagList' failed to satisfy constraint: Member must have length less than or equal to 5",
  );
});

test('--account-id sets the ARNs; the region is the one the request was signed for (core-domains has the unsigned case)', async (t) => {
  const { swf: client } = await serverForTest(t, { args: ['--region', 'eu-west-1', '--account-id', '123456789012'] });
  const name = uniqueName('regional');
  await client.send(new RegisterDomainCommand({ name, workflowExecutionRetentionPeriodInDays: '1', tags: [{ key: 'k', value: 'v' }] }));
  const arn = `arn:aws:swf:us-east-1:123456789012:/domain/${name}`; // the test client signs for us-east-1
  assert.equal((await client.send(new DescribeDomainCommand({ name }))).domainInfo?.arn, arn);
  assert.deepEqual((await client.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, [{ key: 'k', value: 'v' }]);
  await expectFault(client.send(new ListTagsForResourceCommand({ resourceArn: arnOf(name) })), 'UnknownResourceFault');
});
