/**
 * RespondDecisionTaskCompleted: the decider's answer. The whole answer is checked first (a
 * close decision must be last; each decision carries its attributes), then applied in one
 * transaction: DecisionTaskCompleted, each decision's events in order, and what they cause.
 */
import type { ActivityType, ActivityTypeConfiguration, Decision, DecisionType, WorkflowType, WorkflowTypeConfiguration } from '../model/shapes.js';
import type { Handler } from './context.js';
import type { StoreTx } from '../store/types.js';
import { completeDecisionTask, decisionAttributeKey, type DecisionEnv, type TypeInfo } from '../engine/index.js';
import { SwfFault } from '../faults.js';
import { requireStartedTask, unknownTask } from './task-token.js';
import { checkExecutionTimeout } from './start-workflow-execution.js';
import { decisionPermission, taskTokenDomain } from './access.js';

const CLOSE_DECISIONS: ReadonlySet<DecisionType> = new Set([
  'CompleteWorkflowExecution',
  'FailWorkflowExecution',
  'CancelWorkflowExecution',
  'ContinueAsNewWorkflowExecution',
]);

/** Decision types whose attributes have required members, so the attributes are required too. */
const ATTRIBUTES_REQUIRED: ReadonlySet<DecisionType> = new Set([
  'ScheduleActivityTask',
  'RequestCancelActivityTask',
  'RecordMarker',
  'StartTimer',
  'CancelTimer',
  'SignalExternalWorkflowExecution',
  'RequestCancelExternalWorkflowExecution',
  'StartChildWorkflowExecution',
  'ScheduleLambdaFunction',
]);

export function checkDecisions(decisions: readonly Decision[]): void {
  decisions.forEach((d, i) => {
    const key = decisionAttributeKey(d.decisionType);
    if (ATTRIBUTES_REQUIRED.has(d.decisionType) && (d as unknown as Record<string, unknown>)[key] === undefined) {
      throw new SwfFault(
        'ValidationException',
        `1 validation error detected: Value null at 'decisions.${i + 1}.member.${key}' failed to satisfy constraint: Member must not be null`,
      );
    }
    // SWF rejects the whole answer when anything follows a close decision.
    if (CLOSE_DECISIONS.has(d.decisionType) && i !== decisions.length - 1) {
      throw new SwfFault('ValidationException', 'Close must be last decision in list');
    }
    const cont = d.continueAsNewWorkflowExecutionDecisionAttributes;
    if (d.decisionType === 'ContinueAsNewWorkflowExecution' && cont?.executionStartToCloseTimeout !== undefined) {
      checkExecutionTimeout(
        cont.executionStartToCloseTimeout,
        `decisions.${i + 1}.member.continueAsNewWorkflowExecutionDecisionAttributes.executionStartToCloseTimeout`,
        { allowNone: true },
      );
    }
  });
}

/** Loads every type the decisions name, so the pure engine can judge them. */
async function decisionEnv(tx: StoreTx, domain: string, decisions: readonly Decision[], base: Pick<DecisionEnv, 'limits' | 'lambdaFunctionKnown' | 'permitted'>, currentType: WorkflowType): Promise<DecisionEnv> {
  const activityTypes = new Map<string, TypeInfo<ActivityTypeConfiguration>>();
  const workflowTypes = new Map<string, TypeInfo<WorkflowTypeConfiguration>>();
  const key = (t: { name: string; version: string }) => `${t.name}\u0000${t.version}`;
  const loadWorkflowType = async (t: WorkflowType) => {
    const r = await tx.getType(domain, 'workflow', t.name, t.version);
    if (r) workflowTypes.set(key(t), { status: r.status, configuration: r.configuration as WorkflowTypeConfiguration });
  };
  for (const d of decisions) {
    const schedule = d.scheduleActivityTaskDecisionAttributes;
    if (d.decisionType === 'ScheduleActivityTask' && schedule) {
      const r = await tx.getType(domain, 'activity', schedule.activityType.name, schedule.activityType.version);
      if (r) activityTypes.set(key(schedule.activityType), { status: r.status, configuration: r.configuration as ActivityTypeConfiguration });
    }
    const child = d.startChildWorkflowExecutionDecisionAttributes;
    if (d.decisionType === 'StartChildWorkflowExecution' && child) await loadWorkflowType(child.workflowType);
    if (d.decisionType === 'ContinueAsNewWorkflowExecution') {
      const version = d.continueAsNewWorkflowExecutionDecisionAttributes?.workflowTypeVersion ?? currentType.version;
      await loadWorkflowType({ name: currentType.name, version });
    }
  }
  // Counting a domain's open runs is not free: only answers that start children need it.
  const startsChildren = decisions.some((d) => d.decisionType === 'StartChildWorkflowExecution');
  return {
    ...base,
    openExecutionsInDomain: startsChildren ? await tx.countOpenExecutions(domain) : 0,
    activityType: (t: ActivityType) => activityTypes.get(key(t)),
    workflowType: (t: WorkflowType) => workflowTypes.get(key(t)),
  };
}

export const respondDecisionTaskCompleted: Handler<'RespondDecisionTaskCompleted'> = async (input, s, request) => {
  const decisions = input.decisions ?? [];
  checkDecisions(decisions);
  // The decider's policies, read before the transaction (they need the domain's tags, and a
  // store read cannot nest in a write transaction); the token's run cannot change domain.
  const tokenDomain = request.policies !== undefined ? await taskTokenDomain(s, input.taskToken) : undefined;
  const permitted = tokenDomain !== undefined ? await decisionPermission(s, request, tokenDomain) : undefined;
  await s.store.transaction(async (tx) => {
    const { task, state } = await requireStartedTask(tx, input.taskToken, 'decision');
    if (state.decision.started?.token !== input.taskToken) throw unknownTask('decision', task.scheduledEventId);
    // With authentication on, decisions are judged on the run's domain (the token's), never on none.
    if (request.policies !== undefined && tokenDomain !== state.domain) throw unknownTask('decision', task.scheduledEventId);
    const env = await decisionEnv(
      tx,
      state.domain,
      decisions,
      { limits: s.settings.limits, lambdaFunctionKnown: s.lambdaFunctionKnown, ...(permitted !== undefined ? { permitted } : {}) },
      state.workflowType,
    );
    const t = s.executor.begin(state);
    completeDecisionTask(
      t,
      {
        decisions,
        ...(input.executionContext !== undefined ? { executionContext: input.executionContext } : {}),
        ...(input.taskList !== undefined ? { taskList: input.taskList } : {}),
        ...(input.taskListScheduleToStartTimeout !== undefined ? { taskListScheduleToStartTimeout: input.taskListScheduleToStartTimeout } : {}),
      },
      env,
    );
    await s.executor.persist(tx, t);
  });
};
