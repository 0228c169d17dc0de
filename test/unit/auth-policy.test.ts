/**
 * The IAM policy evaluator, table-driven: effects, Action/NotAction, Resource/NotResource,
 * wildcards, every condition operator with IfExists, set operators and Null; and the policy
 * checks that stop the server at start, each naming its place.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyError, PolicySet, type ConditionContext, type Verdict } from '../../src/auth/policy.js';
import { Identities } from '../../src/auth/identities.js';

const ARN = 'arn:aws:swf:us-east-1:123456789012:/domain/orders';
const OTHER = 'arn:aws:swf:us-east-1:123456789012:/domain/billing';

const policy = (...Statement: unknown[]) => PolicySet.parse([{ Version: '2012-10-17', Statement }]);
const allow = (extra: Record<string, unknown> = {}) => ({ Effect: 'Allow', Action: 'swf:*', Resource: '*', ...extra });

function verdict(p: PolicySet, action: string, resource = ARN, context: ConditionContext = {}): Verdict {
  return p.evaluate({ action, resource, context });
}

test('default deny; an explicit Deny beats any Allow', () => {
  assert.equal(verdict(PolicySet.parse([]), 'swf:StartWorkflowExecution'), 'ImplicitDeny');
  const p = policy(allow(), { Effect: 'Deny', Action: 'swf:TerminateWorkflowExecution', Resource: ARN });
  assert.equal(verdict(p, 'swf:StartWorkflowExecution'), 'Allow');
  assert.equal(verdict(p, 'swf:TerminateWorkflowExecution'), 'ExplicitDeny');
  assert.equal(verdict(p, 'swf:TerminateWorkflowExecution', OTHER), 'Allow');
  // Deny in a second document counts as much as in the first.
  const two = PolicySet.parse([{ Statement: allow() }, { Statement: { Effect: 'Deny', Action: '*', Resource: OTHER } }]);
  assert.equal(verdict(two, 'swf:DescribeDomain', OTHER), 'ExplicitDeny');
});

test('Action wildcards are case-insensitive; NotAction matches every other action', () => {
  const p = policy({ Effect: 'Allow', Action: ['swf:Start*', 'swf:Describe?omain', 'SWF:listdomains'], Resource: '*' });
  assert.equal(verdict(p, 'swf:StartWorkflowExecution'), 'Allow');
  assert.equal(verdict(p, 'swf:StartTimer'), 'Allow');
  assert.equal(verdict(p, 'swf:DescribeDomain'), 'Allow');
  assert.equal(verdict(p, 'swf:ListDomains'), 'Allow');
  assert.equal(verdict(p, 'swf:SignalWorkflowExecution'), 'ImplicitDeny');
  const not = policy({ Effect: 'Allow', NotAction: ['swf:Terminate*', 'swf:Delete*'], Resource: '*' });
  assert.equal(verdict(not, 'swf:SignalWorkflowExecution'), 'Allow');
  assert.equal(verdict(not, 'swf:TerminateWorkflowExecution'), 'ImplicitDeny');
  assert.equal(verdict(not, 'swf:DeleteActivityType'), 'ImplicitDeny');
});

test('Resource wildcards (* and ?) are case-sensitive; NotResource matches every other resource', () => {
  const p = policy({ Effect: 'Allow', Action: 'swf:*', Resource: 'arn:aws:swf:*:123456789012:/domain/ord?rs' });
  assert.equal(verdict(p, 'swf:DescribeDomain', ARN), 'Allow');
  assert.equal(verdict(p, 'swf:DescribeDomain', 'arn:aws:swf:eu-west-1:123456789012:/domain/orders'), 'Allow');
  assert.equal(verdict(p, 'swf:DescribeDomain', 'arn:aws:swf:us-east-1:123456789012:/domain/Orders'), 'ImplicitDeny');
  assert.equal(verdict(p, 'swf:DescribeDomain', 'arn:aws:swf:us-east-1:999999999999:/domain/orders'), 'ImplicitDeny');
  const not = policy({ Effect: 'Allow', Action: 'swf:*', NotResource: ARN });
  assert.equal(verdict(not, 'swf:DescribeDomain', ARN), 'ImplicitDeny');
  assert.equal(verdict(not, 'swf:DescribeDomain', OTHER), 'Allow');
});

const TL = 'swf:taskList.name';
const cases: Array<[string, unknown, ConditionContext, boolean]> = [
  // [operator, values, context, allowed]
  ['StringEquals', 'a', { [TL]: 'a' }, true],
  ['StringEquals', 'a', { [TL]: 'A' }, false],
  ['StringEquals', ['x', 'a'], { [TL]: 'a' }, true], // several values OR
  ['StringEquals', 'a', {}, false], // absent key: no match
  ['StringNotEquals', 'a', { [TL]: 'b' }, true],
  ['StringNotEquals', 'a', { [TL]: 'a' }, false],
  ['StringNotEquals', ['a', 'b'], { [TL]: 'b' }, false],
  ['StringNotEquals', 'a', {}, true], // negated operator, absent key: true
  ['StringEqualsIgnoreCase', 'ABC', { [TL]: 'abc' }, true],
  ['StringEqualsIgnoreCase', 'ABC', { [TL]: 'abd' }, false],
  ['StringNotEqualsIgnoreCase', 'ABC', { [TL]: 'abc' }, false],
  ['StringLike', 'work-*', { [TL]: 'work-eu' }, true],
  ['StringLike', 'work-?', { [TL]: 'work-eu' }, false],
  ['StringLike', 'work-??', { [TL]: 'work-eu' }, true],
  ['StringNotLike', 'work-*', { [TL]: 'work-eu' }, false],
  ['StringNotLike', 'work-*', { [TL]: 'other' }, true],
  ['StringEqualsIfExists', 'a', {}, true],
  ['StringEqualsIfExists', 'a', { [TL]: 'b' }, false],
  ['StringEqualsIfExists', 'a', { [TL]: 'a' }, true],
  ['StringLikeIfExists', 'a*', {}, true],
  ['StringNotEqualsIfExists', 'a', { [TL]: 'a' }, false],
];

test('policy variables (2012-10-17): ${aws:username} in Resource and Condition, defaults, literals', () => {
  const p = policy(
    { Effect: 'Allow', Action: 'swf:*', Resource: 'arn:aws:swf:*:123456789012:/domain/${aws:username}-*' },
    { Effect: 'Allow', Action: 'swf:PollForActivityTask', Resource: '*', Condition: { StringEquals: { [TL]: '${aws:username}-work' } } },
    { Effect: 'Allow', Action: 'swf:DescribeDomain', Resource: '*', Condition: { StringLike: { 'swf:name': "${swf:missing, 'dflt'}${*}" } } },
  );
  const alice = { 'aws:username': 'alice' };
  assert.equal(verdict(p, 'swf:StartWorkflowExecution', 'arn:aws:swf:us-east-1:123456789012:/domain/alice-orders', alice), 'Allow');
  assert.equal(verdict(p, 'swf:StartWorkflowExecution', 'arn:aws:swf:us-east-1:123456789012:/domain/bob-orders', alice), 'ImplicitDeny');
  assert.equal(verdict(p, 'swf:StartWorkflowExecution', 'arn:aws:swf:us-east-1:123456789012:/domain/alice-orders', {}), 'ImplicitDeny'); // no value, no default: no match
  assert.equal(verdict(p, 'swf:PollForActivityTask', OTHER, { ...alice, [TL]: 'alice-work' }), 'Allow');
  assert.equal(verdict(p, 'swf:PollForActivityTask', OTHER, { ...alice, [TL]: 'bob-work' }), 'ImplicitDeny');
  // ${*} is a literal asterisk, the default stands in for a missing key.
  assert.equal(verdict(p, 'swf:DescribeDomain', OTHER, { 'swf:name': 'dflt*' }), 'Allow');
  assert.equal(verdict(p, 'swf:DescribeDomain', OTHER, { 'swf:name': 'dfltx' }), 'ImplicitDeny');
  // In the 2008-10-17 language ${...} is plain text.
  const old = PolicySet.parse([{ Version: '2008-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: 'arn:aws:swf:*:*:/domain/${aws:username}' } }]);
  assert.equal(verdict(old, 'swf:DescribeDomain', 'arn:aws:swf:us-east-1:1:/domain/${aws:username}', alice), 'Allow');
  assert.equal(verdict(old, 'swf:DescribeDomain', 'arn:aws:swf:us-east-1:1:/domain/alice', alice), 'ImplicitDeny');
});

test('a resource with two spellings matches a statement naming either', () => {
  const p = policy({ Effect: 'Allow', Action: 'swf:ListDomains', Resource: 'arn:aws:swf::123456789012:domain/*' });
  const both = ['arn:aws:swf:us-east-1:123456789012:/domain/*', 'arn:aws:swf::123456789012:domain/*'];
  assert.equal(p.evaluate({ action: 'swf:ListDomains', resource: both, context: {} }), 'Allow');
  assert.equal(p.evaluate({ action: 'swf:ListDomains', resource: both[0] ?? '', context: {} }), 'ImplicitDeny');
});

test('string operators, IfExists, several values of one key OR', () => {
  for (const [op, values, context, allowed] of cases) {
    const p = policy(allow({ Condition: { [op]: { [TL]: values } } }));
    assert.equal(verdict(p, 'swf:PollForActivityTask', ARN, context), allowed ? 'Allow' : 'ImplicitDeny', `${op} ${JSON.stringify(values)} on ${JSON.stringify(context)}`);
  }
});

test('several keys of a condition, and several operators, AND; condition keys are case-insensitive', () => {
  const p = policy(allow({ Condition: { StringEquals: { 'swf:workflowType.name': 'order', 'swf:workflowType.version': '1' }, StringLike: { 'SWF:TASKLIST.NAME': 'q-*' } } }));
  const ok = { 'swf:workflowType.name': 'order', 'swf:workflowType.version': '1', 'swf:taskList.name': 'q-1' };
  assert.equal(verdict(p, 'swf:StartWorkflowExecution', ARN, ok), 'Allow');
  assert.equal(verdict(p, 'swf:StartWorkflowExecution', ARN, { ...ok, 'swf:workflowType.version': '2' }), 'ImplicitDeny');
  assert.equal(verdict(p, 'swf:StartWorkflowExecution', ARN, { ...ok, 'swf:taskList.name': 'x' }), 'ImplicitDeny');
});

test('ForAnyValue and ForAllValues on a multi-valued key; Null', () => {
  const any = policy(allow({ Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team', 'cost'] } } }));
  assert.equal(verdict(any, 'swf:TagResource', ARN, { 'aws:TagKeys': ['x', 'team'] }), 'Allow');
  assert.equal(verdict(any, 'swf:TagResource', ARN, { 'aws:TagKeys': ['x'] }), 'ImplicitDeny');
  assert.equal(verdict(any, 'swf:TagResource', ARN, {}), 'ImplicitDeny');
  const all = policy(allow({ Condition: { 'ForAllValues:StringLike': { 'aws:TagKeys': ['team', 'cost-*'] } } }));
  assert.equal(verdict(all, 'swf:TagResource', ARN, { 'aws:TagKeys': ['team', 'cost-eu'] }), 'Allow');
  assert.equal(verdict(all, 'swf:TagResource', ARN, { 'aws:TagKeys': ['team', 'owner'] }), 'ImplicitDeny');
  assert.equal(verdict(all, 'swf:TagResource', ARN, {}), 'Allow'); // vacuously true, as IAM has it
  const noneOf = policy(allow({ Condition: { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['secret'] } } }));
  assert.equal(verdict(noneOf, 'swf:TagResource', ARN, { 'aws:TagKeys': ['a', 'b'] }), 'Allow');
  assert.equal(verdict(noneOf, 'swf:TagResource', ARN, { 'aws:TagKeys': ['a', 'secret'] }), 'ImplicitDeny');
  const mustHave = policy(allow({ Condition: { Null: { 'swf:tagFilter.tag': 'false' } } }));
  assert.equal(verdict(mustHave, 'swf:ListOpenWorkflowExecutions', ARN, { 'swf:tagFilter.tag': 't' }), 'Allow');
  assert.equal(verdict(mustHave, 'swf:ListOpenWorkflowExecutions', ARN, {}), 'ImplicitDeny');
  const mustLack = policy(allow({ Condition: { Null: { 'swf:tagFilter.tag': true } } }));
  assert.equal(verdict(mustLack, 'swf:ListOpenWorkflowExecutions', ARN, {}), 'Allow');
  assert.equal(verdict(mustLack, 'swf:ListOpenWorkflowExecutions', ARN, { 'swf:tagFilter.tag': 't' }), 'ImplicitDeny');
});

test('a conditional Deny denies only when its condition holds', () => {
  const p = policy(allow(), { Effect: 'Deny', Action: 'swf:PollForActivityTask', Resource: '*', Condition: { StringNotEquals: { [TL]: 'mine' } } });
  assert.equal(verdict(p, 'swf:PollForActivityTask', ARN, { [TL]: 'mine' }), 'Allow');
  assert.equal(verdict(p, 'swf:PollForActivityTask', ARN, { [TL]: 'theirs' }), 'ExplicitDeny');
});

test('documents IAM would refuse are refused, naming the place', () => {
  const refused: Array<[unknown, RegExp]> = [
    [{ Statement: [{ Effect: 'Permit', Action: '*', Resource: '*' }] }, /Statement\[0\]\.Effect/],
    [{ Statement: [{ Effect: 'Allow', Resource: '*' }] }, /Statement\[0\].*Action and NotAction/],
    [{ Statement: [{ Effect: 'Allow', Action: '*', NotAction: 'swf:X', Resource: '*' }] }, /exactly one of Action and NotAction/],
    [{ Statement: [{ Effect: 'Allow', Action: '*' }] }, /exactly one of Resource and NotResource/],
    [{ Statement: [{ Effect: 'Allow', Action: 'StartWorkflowExecution', Resource: '*' }] }, /Action\[0\].*not an action/],
    [{ Statement: [{ Effect: 'Allow', Action: '*', Resource: 'domain/x' }] }, /Resource\[0\].*not an ARN/],
    [{ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Principal: '*' }] }, /Principal.*principal/],
    [{ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquale: { 'swf:name': 'x' } } }] }, /Condition\.StringEquale.*unknown condition operator/],
    [{ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { 'ForSomeValues:StringEquals': { 'swf:name': 'x' } } }] }, /unknown set operator/],
    [{ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { Null: { 'swf:name': 'maybe' } } }] }, /Null takes "true" or "false"/],
    [{ Version: '2020-01-01', Statement: [] }, /Version/],
    [{ Statement: { Effect: 'Allow', Action: '*', Resource: '*', Actions: 'x' } }, /Statement\[0\]\.Actions: unknown statement element/],
  ];
  for (const [doc, message] of refused) {
    assert.throws(() => PolicySet.parse([doc], 'users[2].policies'), (err: unknown) => err instanceof PolicyError && message.test(err.message) && err.message.startsWith('users[2].policies[0]'), JSON.stringify(doc));
  }
});

test('the identities file: duplicate key ids, bad account ids and bad policies are refused with their place', () => {
  const user = (name: string, key: string, extra: Record<string, unknown> = {}) => ({ name, accessKeyId: key, secretAccessKey: 's', policies: [], ...extra });
  assert.equal(Identities.fromJson({ users: [user('a', 'K1'), user('b', 'K2')] }).size, 2);
  const bad: Array<[unknown, RegExp]> = [
    [{ users: [user('a', 'K1'), user('b', 'K1')] }, /users\[1\]\.accessKeyId: duplicate access key id "K1"/],
    [{ users: [user('a', 'K1'), user('a', 'K2')] }, /users\[1\]\.name: duplicate user name/],
    [{ accountId: '12345', users: [] }, / accountId: an account id/],
    [{ users: [user('a', 'K1', { accountId: 42 })] }, /users\[0\]\.accountId/],
    [{ users: [user('a', 'K1', { secretAccessKey: '' })] }, /users\[0\]\.secretAccessKey/],
    [{ users: [user('a', 'K1', { policies: [{ Statement: { Effect: 'Allow', Action: '*' } }] })] }, /users\[0\]\.policies\[0\]\.Statement\[0\]/],
    [{ users: [user('a', 'K1', { password: 'x' })] }, /users\[0\]\.password: unknown element/],
    [{ users: 'none' }, / users: must be a list/],
  ];
  for (const [doc, message] of bad) assert.throws(() => Identities.fromJson(doc), message, JSON.stringify(doc));
  const id = Identities.fromJson({ accountId: '123456789012', users: [user('a', 'K1'), user('b', 'K2', { accountId: '210987654321' })] });
  assert.equal(id.byAccessKeyId('K1')?.arn, 'arn:aws:iam::123456789012:user/a');
  assert.equal(id.byAccessKeyId('K2')?.arn, 'arn:aws:iam::210987654321:user/b');
  assert.equal(Identities.fromJson({ users: [user('c', 'K3')] }).byAccessKeyId('K3')?.accountId, '000000000000');
});
