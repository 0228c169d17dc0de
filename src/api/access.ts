/**
 * Authorization of every SWF operation, as SWF's IAM integration has it (developer guide,
 * "API Summary"; the API reference's Access Control paragraphs):
 *
 *  - the action is `swf:<Operation>`, the resource the domain's ARN
 *    `arn:aws:swf:<signed region>:<caller's account>:/domain/<name>`; RegisterDomain is judged
 *    on the ARN of the domain it would create, ListDomains on the account's `/domain/*`;
 *  - the condition keys of each operation are those the reference lists; a parameter the call
 *    omits but the type's registered default supplies (a task list) is judged on the default;
 *  - `aws:ResourceTag/<key>` carries the domain's tags, `aws:RequestTag/<key>` and
 *    `aws:TagKeys` the tags of a tagging call;
 *  - task-token operations are judged on the token's domain.
 *
 * A denied call fails with OperationNotPermittedFault before the handler runs, so it changes
 * nothing. The decisions of RespondDecisionTaskCompleted are judged one by one in the engine,
 * through `decisionPermission`.
 */
import type { DecisionType } from '../model/shapes.js';
import type { OperationShapes } from '../model/operation-shapes.js';
import type { OperationName } from '../model/tables.js';
import type { ConditionContext, PolicySet } from '../auth/policy.js';
import type { DecisionConditionKeys } from '../engine/index.js';
import type { ResourceTag } from '../model/shapes.js';
import type { Caller, RequestContext, Services } from './context.js';
import { SwfFault } from '../faults.js';
import { decodeTaskToken } from './task-token.js';

type Keys = Record<string, string | readonly string[] | undefined>;

/** What one call is judged on. */
interface Target {
  /** The domain the call acts in; undefined for the account-wide ListDomains. */
  domain?: string;
  /** A resource ARN given by the caller (tagging calls), judged as given. */
  resourceArn?: string;
  keys?: Keys;
}

type Rule<K extends OperationName> = (input: OperationShapes[K]['input'], s: Services) => Target | undefined | Promise<Target | undefined>;

const typeKeys = (prefix: 'activityType' | 'workflowType', t: { name: string; version: string }): Keys => ({
  [`swf:${prefix}.name`]: t.name,
  [`swf:${prefix}.version`]: t.version,
});

const visibilityKeys = (input: { tagFilter?: { tag: string }; typeFilter?: { name: string; version?: string } }): Keys => ({
  'swf:tagFilter.tag': input.tagFilter?.tag,
  'swf:typeFilter.name': input.typeFilter?.name,
  'swf:typeFilter.version': input.typeFilter?.version,
});

const tagListKeys = (tags: readonly string[] | undefined): Keys =>
  Object.fromEntries((tags ?? []).slice(0, 5).map((tag, i) => [`swf:tagList.member.${i}`, tag]));

const requestTagKeys = (tags: readonly ResourceTag[]): Keys => ({
  ...Object.fromEntries(tags.map((t) => [`aws:RequestTag/${t.key}`, t.value ?? ''])),
  'aws:TagKeys': tags.map((t) => t.key),
});

const registerKeys = (input: { name: string; version: string; defaultTaskList?: { name: string } }): Keys => ({
  'swf:name': input.name,
  'swf:version': input.version,
  'swf:defaultTaskList.name': input.defaultTaskList?.name,
});

/**
 * The domain a task token names, read from the token itself, so a caller is judged on it even
 * when the task and its run are gone. Only when the names did not fit in the token is the run
 * asked. A token that is not ours names no domain (the handler refuses it as SWF does).
 */
export async function taskTokenDomain(s: Services, token: string): Promise<string | undefined> {
  const claims = decodeTaskToken(token);
  if (!claims) return undefined;
  return claims.domain ?? (await s.store.getExecutionKey(claims.runId))?.domain;
}

const byToken = async (input: { taskToken: string }, s: Services): Promise<Target | undefined> => {
  const domain = await taskTokenDomain(s, input.taskToken);
  // An unknown token names no domain: the handler answers UnknownResourceFault, changing nothing.
  return domain === undefined ? undefined : { domain };
};

/** The domain named in a domain ARN (`.../domain/<name>`), whatever its region and account. */
function domainOfAnyArn(arn: string): string | undefined {
  const m = /^arn:[^:]+:swf:[^:]*:[^:]*:\/domain\/(.+)$/.exec(arn);
  return m?.[1];
}

const rules: { [K in OperationName]: Rule<K> } = {
  CountClosedWorkflowExecutions: (i) => ({ domain: i.domain, keys: visibilityKeys(i) }),
  CountOpenWorkflowExecutions: (i) => ({ domain: i.domain, keys: visibilityKeys(i) }),
  ListClosedWorkflowExecutions: (i) => ({ domain: i.domain, keys: visibilityKeys(i) }),
  ListOpenWorkflowExecutions: (i) => ({ domain: i.domain, keys: visibilityKeys(i) }),
  CountPendingActivityTasks: (i) => ({ domain: i.domain, keys: { 'swf:taskList.name': i.taskList.name } }),
  CountPendingDecisionTasks: (i) => ({ domain: i.domain, keys: { 'swf:taskList.name': i.taskList.name } }),
  PollForActivityTask: (i) => ({ domain: i.domain, keys: { 'swf:taskList.name': i.taskList.name } }),
  PollForDecisionTask: (i) => ({ domain: i.domain, keys: { 'swf:taskList.name': i.taskList.name } }),
  DeleteActivityType: (i) => ({ domain: i.domain, keys: typeKeys('activityType', i.activityType) }),
  DeprecateActivityType: (i) => ({ domain: i.domain, keys: typeKeys('activityType', i.activityType) }),
  DescribeActivityType: (i) => ({ domain: i.domain, keys: typeKeys('activityType', i.activityType) }),
  UndeprecateActivityType: (i) => ({ domain: i.domain, keys: typeKeys('activityType', i.activityType) }),
  DeleteWorkflowType: (i) => ({ domain: i.domain, keys: typeKeys('workflowType', i.workflowType) }),
  DeprecateWorkflowType: (i) => ({ domain: i.domain, keys: typeKeys('workflowType', i.workflowType) }),
  DescribeWorkflowType: (i) => ({ domain: i.domain, keys: typeKeys('workflowType', i.workflowType) }),
  UndeprecateWorkflowType: (i) => ({ domain: i.domain, keys: typeKeys('workflowType', i.workflowType) }),
  RegisterActivityType: (i) => ({ domain: i.domain, keys: registerKeys(i) }),
  RegisterWorkflowType: (i) => ({ domain: i.domain, keys: registerKeys(i) }),
  DeprecateDomain: (i) => ({ domain: i.name }),
  UndeprecateDomain: (i) => ({ domain: i.name }),
  DescribeDomain: (i) => ({ domain: i.name }),
  RegisterDomain: (i) => ({ domain: i.name, keys: requestTagKeys(i.tags ?? []) }),
  ListDomains: () => ({}),
  DescribeWorkflowExecution: (i) => ({ domain: i.domain }),
  GetWorkflowExecutionHistory: (i) => ({ domain: i.domain }),
  ListActivityTypes: (i) => ({ domain: i.domain }),
  ListWorkflowTypes: (i) => ({ domain: i.domain }),
  RequestCancelWorkflowExecution: (i) => ({ domain: i.domain }),
  SignalWorkflowExecution: (i) => ({ domain: i.domain }),
  TerminateWorkflowExecution: (i) => ({ domain: i.domain }),
  StartWorkflowExecution: async (i, s) => {
    // The guide: a parameter the call leaves out is judged on the type's registered default.
    let taskList = i.taskList?.name;
    if (taskList === undefined) {
      const type = await s.store.getType(i.domain, 'workflow', i.workflowType.name, i.workflowType.version);
      taskList = (type?.configuration as { defaultTaskList?: { name: string } } | undefined)?.defaultTaskList?.name;
    }
    return { domain: i.domain, keys: { ...typeKeys('workflowType', i.workflowType), 'swf:taskList.name': taskList, ...tagListKeys(i.tagList) } };
  },
  RecordActivityTaskHeartbeat: byToken,
  RespondActivityTaskCanceled: byToken,
  RespondActivityTaskCompleted: byToken,
  RespondActivityTaskFailed: byToken,
  RespondDecisionTaskCompleted: byToken,
  ListTagsForResource: (i) => ({ resourceArn: i.resourceArn }),
  TagResource: (i) => ({ resourceArn: i.resourceArn, keys: requestTagKeys(i.tags) }),
  UntagResource: (i) => ({ resourceArn: i.resourceArn, keys: { 'aws:TagKeys': i.tagKeys } }),
};

/** The ARN of a domain as the caller sees it: the signed region, the caller's account. */
export function callerDomainArn(s: Services, ctx: RequestContext, domain: string): string {
  return `arn:aws:swf:${ctx.region ?? s.settings.region}:${ctx.caller?.accountId ?? s.settings.accountId}:/domain/${domain}`;
}

export function notPermitted(caller: Caller, action: string, resource: string): SwfFault {
  return new SwfFault('OperationNotPermittedFault', `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${resource}`);
}

/** Keys every request carries, and the domain's tags when some policy reads them. */
async function commonKeys(s: Services, ctx: RequestContext, policies: PolicySet, domain: string | undefined): Promise<Keys> {
  const keys: Keys = {};
  if (ctx.caller) {
    keys['aws:username'] = ctx.caller.name;
    keys['aws:PrincipalArn'] = ctx.caller.arn;
    keys['aws:PrincipalAccount'] = ctx.caller.accountId;
    keys['aws:SecureTransport'] = ctx.secureTransport === true ? 'true' : 'false';
  }
  if (domain !== undefined && policies.usesKeyPrefix('aws:ResourceTag/')) {
    const record = await s.store.getDomain(domain);
    for (const t of record?.tags ?? []) keys[`aws:ResourceTag/${t.key}`] = t.value ?? '';
  }
  return keys;
}

/**
 * Judges one call; throws OperationNotPermittedFault when the caller's policies do not allow
 * it. Does nothing when authentication is off.
 */
export async function authorizeCall<K extends OperationName>(operation: K, input: OperationShapes[K]['input'], s: Services, ctx: RequestContext): Promise<void> {
  const { caller, policies } = ctx;
  if (caller === undefined || policies === undefined) return;
  const target = await (rules[operation] as Rule<K>)(input, s);
  if (target === undefined) return;
  const domain = target.domain ?? (target.resourceArn !== undefined ? domainOfAnyArn(target.resourceArn) : undefined);
  const resource =
    target.resourceArn ?? (target.domain !== undefined ? callerDomainArn(s, ctx, target.domain) : `arn:aws:swf:${ctx.region ?? s.settings.region}:${caller.accountId}:/domain/*`);
  const context: ConditionContext = { ...(await commonKeys(s, ctx, policies, domain)), ...target.keys };
  const action = `swf:${operation}`;
  // ListDomains: the API reference spells its resource arn:aws:swf::<account>:domain/*; a
  // policy written either way is honoured.
  const resources = target.domain === undefined && target.resourceArn === undefined ? [resource, `arn:aws:swf::${caller.accountId}:domain/*`] : resource;
  if (policies.evaluate({ action, resource: resources, context }) !== 'Allow') throw notPermitted(caller, action, resource);
}

/**
 * The decider's permission for each decision of one answer, as the pure function the engine
 * takes (DecisionEnv.permitted); undefined when authentication is off.
 */
export async function decisionPermission(
  s: Services,
  ctx: RequestContext,
  domain: string,
): Promise<((decision: DecisionType, keys: DecisionConditionKeys) => boolean) | undefined> {
  const { policies } = ctx;
  if (ctx.caller === undefined || policies === undefined) return undefined;
  const resource = callerDomainArn(s, ctx, domain);
  const common = await commonKeys(s, ctx, policies, domain);
  return (decision, keys) => policies.evaluate({ action: `swf:${decision}`, resource, context: { ...common, ...keys } }) === 'Allow';
}
