/**
 * Concurrent calls that change one registration, as many clients send them: exactly one
 * RegisterDomain / RegisterWorkflowType of a name wins and the others answer
 * DomainAlreadyExistsFault / TypeAlreadyExistsFault, keeping the winner's settings; no
 * TagResource is lost; a DeprecateDomain is never undone by a concurrent TagResource; the
 * open-executions limit holds against a burst of starts. On PostgreSQL the server runs these
 * transactions side by side on pooled connections (before the row locks and inserts of
 * issue 11, most of these rounds lost a write); on SQLite they queue.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeprecateDomainCommand,
  DescribeDomainCommand,
  DescribeWorkflowTypeCommand,
  ListTagsForResourceCommand,
  ListWorkflowTypesCommand,
  RegisterDomainCommand,
  RegisterWorkflowTypeCommand,
  StartWorkflowExecutionCommand,
  TagResourceCommand,
} from '@aws-sdk/client-swf';
import { serverForFile, serverForTest } from '../helpers/setup.js';
import { registerFixture, uniqueName } from '../helpers/swf.js';

const { swf } = await serverForFile({ args: ['--limit', 'maxOpenExecutionsPerDomain=5'] });
const ATTEMPTS = 20;
const arnOf = (domain: string) => `arn:aws:swf:us-east-1:000000000000:/domain/${domain}`;

/** Sends ATTEMPTS calls at once; the indexes of those that succeeded and the fault names of the others. */
async function race(call: (i: number) => Promise<unknown>): Promise<{ won: number[]; faults: string[] }> {
  const settled = await Promise.allSettled(Array.from({ length: ATTEMPTS }, (_, i) => call(i)));
  return {
    won: settled.flatMap((s, i) => (s.status === 'fulfilled' ? [i] : [])),
    faults: settled.flatMap((s) => (s.status === 'rejected' ? [(s.reason as Error).name] : [])),
  };
}

test(`${ATTEMPTS} concurrent RegisterDomain of one name: one wins, the others get DomainAlreadyExistsFault`, async () => {
  const name = uniqueName('contested');
  const { won, faults } = await race((i) =>
    swf.send(new RegisterDomainCommand({ name, workflowExecutionRetentionPeriodInDays: String(i), description: `attempt ${i}` })),
  );
  assert.equal(won.length, 1, `${won.length} registrations succeeded`);
  assert.deepEqual(faults, Array.from({ length: ATTEMPTS - 1 }, () => 'DomainAlreadyExistsFault'));
  const d = await swf.send(new DescribeDomainCommand({ name }));
  assert.equal(d.domainInfo?.description, `attempt ${won[0]}`);
  assert.equal(d.configuration?.workflowExecutionRetentionPeriodInDays, String(won[0]));
});

test(`${ATTEMPTS} concurrent RegisterWorkflowType of one type: one wins, the others get TypeAlreadyExistsFault`, async () => {
  const f = await registerFixture(swf);
  const { won, faults } = await race((i) =>
    swf.send(new RegisterWorkflowTypeCommand({ domain: f.domain, name: 'contested', version: '1', description: `attempt ${i}`, defaultTaskStartToCloseTimeout: String(i + 1) })),
  );
  assert.equal(won.length, 1, `${won.length} registrations succeeded`);
  assert.deepEqual(faults, Array.from({ length: ATTEMPTS - 1 }, () => 'TypeAlreadyExistsFault'));
  const t = await swf.send(new DescribeWorkflowTypeCommand({ domain: f.domain, workflowType: { name: 'contested', version: '1' } }));
  assert.equal(t.typeInfo?.description, `attempt ${won[0]}`);
  assert.equal(t.configuration?.defaultTaskStartToCloseTimeout, String((won[0] ?? 0) + 1));
});

test(`${ATTEMPTS} concurrent TagResource calls: no tag is lost`, async () => {
  const f = await registerFixture(swf);
  const { won } = await race((i) => swf.send(new TagResourceCommand({ resourceArn: arnOf(f.domain), tags: [{ key: `k${i}`, value: String(i) }] })));
  assert.equal(won.length, ATTEMPTS);
  const tags = (await swf.send(new ListTagsForResourceCommand({ resourceArn: arnOf(f.domain) }))).tags ?? [];
  assert.deepEqual(tags.map((t) => t.key).sort(), Array.from({ length: ATTEMPTS }, (_, i) => `k${i}`).sort());
});

test('DeprecateDomain amid concurrent TagResource calls: the domain stays deprecated', async () => {
  for (let round = 0; round < 5; round++) {
    const f = await registerFixture(swf);
    const { won } = await race((i) =>
      i === ATTEMPTS / 2
        ? swf.send(new DeprecateDomainCommand({ name: f.domain }))
        : swf.send(new TagResourceCommand({ resourceArn: arnOf(f.domain), tags: [{ key: `k${i}` }] })),
    );
    assert.equal(won.length, ATTEMPTS);
    assert.equal((await swf.send(new DescribeDomainCommand({ name: f.domain }))).domainInfo?.status, 'DEPRECATED', `round ${round}`);
  }
});

test(`${ATTEMPTS} concurrent starts in a domain limited to 5 open executions: exactly 5 start`, async () => {
  const f = await registerFixture(swf);
  const { won, faults } = await race((i) => swf.send(new StartWorkflowExecutionCommand({ domain: f.domain, workflowId: `burst-${i}`, workflowType: f.workflowType })));
  assert.equal(won.length, 5, `${won.length} runs started`);
  assert.deepEqual(faults, Array.from({ length: ATTEMPTS - 5 }, () => 'LimitExceededFault'));
});

test('RegisterWorkflowType amid a DeprecateDomain: no type is left registered in the deprecated domain', async () => {
  for (let round = 0; round < 5; round++) {
    const f = await registerFixture(swf);
    const { won, faults } = await race((i) =>
      i === ATTEMPTS / 2
        ? swf.send(new DeprecateDomainCommand({ name: f.domain }))
        : swf.send(new RegisterWorkflowTypeCommand({ domain: f.domain, name: `t${i}`, version: '1' })),
    );
    // A registration either came first (and its type was deprecated with the domain) or was refused.
    assert.ok(won.includes(ATTEMPTS / 2), 'the deprecation succeeded');
    assert.ok(faults.every((name) => name === 'UnknownResourceFault'), faults.join(', '));
    const registered = await swf.send(new ListWorkflowTypesCommand({ domain: f.domain, registrationStatus: 'REGISTERED' }));
    assert.deepEqual(registered.typeInfos?.map((t) => t.workflowType?.name), [], `round ${round}`);
  }
});

test(`${ATTEMPTS} concurrent RegisterWorkflowType of distinct types in a domain limited to 5 types: exactly 5 exist`, async (t) => {
  const limited = await serverForTest(t, { args: ['--limit', 'maxTypesPerDomain=5'] });
  const f = await registerFixture(limited.swf); // its one workflow type counts
  const { won, faults } = await race((i) => limited.swf.send(new RegisterWorkflowTypeCommand({ domain: f.domain, name: `q${i}`, version: '1' })));
  assert.equal(won.length, 4, `${won.length} registrations succeeded`);
  assert.deepEqual(faults, Array.from({ length: ATTEMPTS - 4 }, () => 'LimitExceededFault'));
});

test(`${ATTEMPTS} concurrent RegisterDomain of distinct names on a server limited to 5 domains: exactly 5 exist`, async (t) => {
  const limited = await serverForTest(t, { args: ['--limit', 'maxDomains=5'] });
  const { won, faults } = await race((i) => limited.swf.send(new RegisterDomainCommand({ name: uniqueName(`quota${i}`), workflowExecutionRetentionPeriodInDays: '1' })));
  assert.equal(won.length, 5, `${won.length} registrations succeeded`);
  assert.deepEqual(faults, Array.from({ length: ATTEMPTS - 5 }, () => 'LimitExceededFault'));
});
