/**
 * One handler per decision type. The mapped type `DecisionHandlers` makes a new decision type
 * fail to compile until it is handled here.
 */
import type {
  ActivityType,
  ActivityTypeConfiguration,
  Decision,
  DecisionType,
  RegistrationStatus,
  WorkflowType,
  WorkflowTypeConfiguration,
} from '../model/shapes.js';
import type { Limits } from './limits.js';
import type { Transition } from './transition.js';
import { closeRun } from './workflow.js';
import { cancelActivity } from './activity.js';
import { isOpen, executionOf } from './state.js';
import { priorityOf } from './durations.js';
import { resolveRunConfig } from './run-config.js';
import { decisionPermitted, type DecisionConditionKeys } from './decision-access.js';

export interface TypeInfo<C> {
  status: RegistrationStatus;
  configuration: C;
}

/** What decisions need to know beyond the run itself; the executor looks it up beforehand. */
export interface DecisionEnv {
  activityType(type: ActivityType): TypeInfo<ActivityTypeConfiguration> | undefined;
  workflowType(type: WorkflowType): TypeInfo<WorkflowTypeConfiguration> | undefined;
  /** Whether the operator mapped a Lambda function of that name to an endpoint. */
  lambdaFunctionKnown(name: string): boolean;
  limits: Limits;
  /** Open runs in the domain before this answer (only needed when it starts children). */
  openExecutionsInDomain: number;
  /**
   * Whether the decider may make this decision, judged by its IAM policies on the run's
   * domain with the decision's condition keys (decision-access.ts). Absent: every decision is
   * permitted (authentication off).
   */
  permitted?: (decision: DecisionType, keys: DecisionConditionKeys) => boolean;
}

export interface DecisionScope extends DecisionEnv {
  completedEventId: number;
  /** Events arrived while the decider worked: close decisions fail with UNHANDLED_DECISION. */
  unhandledEvents: boolean;
}

type AttributeKey<K extends DecisionType> = `${Uncapitalize<K>}DecisionAttributes`;
export type DecisionAttributes<K extends DecisionType> =
  AttributeKey<K> extends keyof Decision ? NonNullable<Decision[AttributeKey<K>]> : never;

export function decisionAttributeKey<K extends DecisionType>(type: K): AttributeKey<K> {
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}DecisionAttributes` as AttributeKey<K>;
}

type DecisionHandlers = {
  [K in DecisionType]: (t: Transition, attributes: DecisionAttributes<K>, scope: DecisionScope) => void;
};

/**
 * Applies decisions in order, all in the caller's one transaction. A close decision (Complete,
 * Fail, Cancel, ContinueAsNew) must be the last one. The developer guide says only that
 * decisions after a close are not valid; the live service rejects the whole answer with
 * ValidationException "Close must be last decision in list" and applies none of it (as a
 * public test suite run against SWF records, ContinueAsNew included). The API layer checks
 * this before the engine runs (checkDecisions), so once the run is closed nothing is left.
 */
export function applyDecisions(t: Transition, decisions: readonly Decision[], scope: DecisionScope): void {
  for (const decision of decisions) {
    if (!isOpen(t.state)) break;
    applyOne(t, decision, scope);
  }
}

function applyOne<K extends DecisionType>(t: Transition, decision: Decision & { decisionType: K }, scope: DecisionScope): void {
  const attributes = (decision as unknown as Record<string, unknown>)[decisionAttributeKey(decision.decisionType)] as DecisionAttributes<K>;
  // Permission comes first: a decision the decider may not make is not judged further.
  if (!decisionPermitted(t, decision.decisionType, attributes, scope)) return;
  const handler = handlers[decision.decisionType] as (t: Transition, a: DecisionAttributes<K>, s: DecisionScope) => void;
  handler(t, attributes, scope);
}

const handlers: DecisionHandlers = {
  ScheduleActivityTask(t, a, scope) {
    const { state } = t;
    const fail = (cause: Parameters<typeof failSchedule>[2]) => failSchedule(t, a, cause, scope.completedEventId);
    const type = scope.activityType(a.activityType);
    if (!type) return fail('ACTIVITY_TYPE_DOES_NOT_EXIST');
    if (type.status === 'DEPRECATED') return fail('ACTIVITY_TYPE_DEPRECATED');
    if (state.activities[a.activityId]) return fail('ACTIVITY_ID_ALREADY_IN_USE');
    if (Object.keys(state.activities).length >= scope.limits.maxOpenActivities) return fail('OPEN_ACTIVITIES_LIMIT_EXCEEDED');
    const c = type.configuration;
    const taskList = a.taskList?.name ?? c.defaultTaskList?.name;
    if (taskList === undefined) return fail('DEFAULT_TASK_LIST_UNDEFINED');
    const scheduleToStartTimeout = a.scheduleToStartTimeout ?? c.defaultTaskScheduleToStartTimeout;
    if (scheduleToStartTimeout === undefined) return fail('DEFAULT_SCHEDULE_TO_START_TIMEOUT_UNDEFINED');
    const scheduleToCloseTimeout = a.scheduleToCloseTimeout ?? c.defaultTaskScheduleToCloseTimeout;
    if (scheduleToCloseTimeout === undefined) return fail('DEFAULT_SCHEDULE_TO_CLOSE_TIMEOUT_UNDEFINED');
    const startToCloseTimeout = a.startToCloseTimeout ?? c.defaultTaskStartToCloseTimeout;
    if (startToCloseTimeout === undefined) return fail('DEFAULT_START_TO_CLOSE_TIMEOUT_UNDEFINED');
    const heartbeatTimeout = a.heartbeatTimeout ?? c.defaultTaskHeartbeatTimeout;
    if (heartbeatTimeout === undefined) return fail('DEFAULT_HEARTBEAT_TIMEOUT_UNDEFINED');
    const taskPriority = a.taskPriority ?? c.defaultTaskPriority;

    const scheduledEventId = t.record('ActivityTaskScheduled', {
      activityType: a.activityType,
      activityId: a.activityId,
      ...(a.input !== undefined ? { input: a.input } : {}),
      ...(a.control !== undefined ? { control: a.control } : {}),
      scheduleToStartTimeout,
      scheduleToCloseTimeout,
      startToCloseTimeout,
      taskList: { name: taskList },
      ...(taskPriority !== undefined ? { taskPriority } : {}),
      decisionTaskCompletedEventId: scope.completedEventId,
      heartbeatTimeout,
    });
    const token = t.ctx.newTaskToken({ kind: 'activity', domain: state.domain, workflowId: state.workflowId, runId: state.runId, scheduledEventId });
    state.activities[a.activityId] = {
      activityId: a.activityId,
      activityType: a.activityType,
      scheduledEventId,
      token,
      taskList,
      ...(taskPriority !== undefined ? { taskPriority } : {}),
      ...(a.input !== undefined ? { input: a.input } : {}),
      scheduleToStartTimeout,
      scheduleToCloseTimeout,
      startToCloseTimeout,
      heartbeatTimeout,
    };
    state.latestActivityTaskTimestamp = t.now;
    t.effect({
      type: 'enqueueTask',
      task: { token, kind: 'activity', domain: state.domain, taskList, priority: priorityOf(taskPriority), runId: state.runId, scheduledEventId },
    });
    t.armTimeout('activityScheduleToStart', scheduledEventId, scheduleToStartTimeout);
    t.armTimeout('activityScheduleToClose', scheduledEventId, scheduleToCloseTimeout);
  },

  RequestCancelActivityTask(t, a, scope) {
    const activity = t.state.activities[a.activityId];
    if (!activity) {
      t.record('RequestCancelActivityTaskFailed', {
        activityId: a.activityId,
        cause: 'ACTIVITY_ID_UNKNOWN',
        decisionTaskCompletedEventId: scope.completedEventId,
      });
      t.wantDecision();
      return;
    }
    activity.latestCancelRequestedEventId = t.record('ActivityTaskCancelRequested', {
      decisionTaskCompletedEventId: scope.completedEventId,
      activityId: a.activityId,
    });
    // A task no worker holds yet is canceled at once; a started one learns of the request
    // from its next heartbeat and answers RespondActivityTaskCanceled.
    if (activity.startedEventId === undefined) cancelActivity(t, activity, undefined);
  },

  CompleteWorkflowExecution(t, a, scope) {
    if (scope.unhandledEvents) {
      t.record('CompleteWorkflowExecutionFailed', { cause: 'UNHANDLED_DECISION', decisionTaskCompletedEventId: scope.completedEventId });
      t.wantDecision();
      return;
    }
    t.record('WorkflowExecutionCompleted', {
      ...(a?.result !== undefined ? { result: a.result } : {}),
      decisionTaskCompletedEventId: scope.completedEventId,
    });
    closeRun(t, { status: 'COMPLETED', ...(a?.result !== undefined ? { result: a.result } : {}) });
  },

  FailWorkflowExecution(t, a, scope) {
    if (scope.unhandledEvents) {
      t.record('FailWorkflowExecutionFailed', { cause: 'UNHANDLED_DECISION', decisionTaskCompletedEventId: scope.completedEventId });
      t.wantDecision();
      return;
    }
    const reason = a?.reason;
    const details = a?.details;
    t.record('WorkflowExecutionFailed', {
      ...(reason !== undefined ? { reason } : {}),
      ...(details !== undefined ? { details } : {}),
      decisionTaskCompletedEventId: scope.completedEventId,
    });
    closeRun(t, { status: 'FAILED', ...(reason !== undefined ? { reason } : {}), ...(details !== undefined ? { details } : {}) });
  },

  CancelWorkflowExecution(t, a, scope) {
    if (scope.unhandledEvents) {
      t.record('CancelWorkflowExecutionFailed', { cause: 'UNHANDLED_DECISION', decisionTaskCompletedEventId: scope.completedEventId });
      t.wantDecision();
      return;
    }
    const details = a?.details;
    t.record('WorkflowExecutionCanceled', {
      ...(details !== undefined ? { details } : {}),
      decisionTaskCompletedEventId: scope.completedEventId,
    });
    closeRun(t, { status: 'CANCELED', ...(details !== undefined ? { details } : {}) });
  },

  ContinueAsNewWorkflowExecution(t, a, scope) {
    const attrs = a ?? {};
    const fail = (cause: 'UNHANDLED_DECISION' | ContinueAsNewCause) => {
      t.record('ContinueAsNewWorkflowExecutionFailed', { cause, decisionTaskCompletedEventId: scope.completedEventId });
      t.wantDecision();
    };
    if (scope.unhandledEvents) return fail('UNHANDLED_DECISION');
    const { state } = t;
    const workflowType = { name: state.workflowType.name, version: attrs.workflowTypeVersion ?? state.workflowType.version };
    const type = scope.workflowType(workflowType);
    if (!type) return fail('WORKFLOW_TYPE_DOES_NOT_EXIST');
    if (type.status === 'DEPRECATED') return fail('WORKFLOW_TYPE_DEPRECATED');
    const resolved = resolveRunConfig(attrs, type.configuration);
    if (!resolved.ok) return fail(resolved.cause);
    const config = resolved.config;
    const newRunId = t.ctx.newId();
    t.record('WorkflowExecutionContinuedAsNew', {
      ...(attrs.input !== undefined ? { input: attrs.input } : {}),
      decisionTaskCompletedEventId: scope.completedEventId,
      newExecutionRunId: newRunId,
      executionStartToCloseTimeout: config.executionStartToCloseTimeout,
      taskList: config.taskList,
      ...(config.taskPriority !== undefined ? { taskPriority: config.taskPriority } : {}),
      taskStartToCloseTimeout: config.taskStartToCloseTimeout,
      childPolicy: config.childPolicy,
      ...(attrs.tagList !== undefined && attrs.tagList.length > 0 ? { tagList: attrs.tagList } : {}),
      workflowType,
      ...(config.lambdaRole !== undefined ? { lambdaRole: config.lambdaRole } : {}),
    });
    closeRun(t, { status: 'CONTINUED_AS_NEW', newRunId });
    t.effect({
      type: 'continueAsNew',
      domain: state.domain,
      previous: executionOf(state),
      newRunId,
      workflowType,
      config,
      ...(attrs.input !== undefined ? { input: attrs.input } : {}),
      tagList: attrs.tagList ?? [],
      ...(state.parent ? { parent: state.parent } : {}),
    });
  },

  RecordMarker(t, a, scope) {
    t.record('MarkerRecorded', {
      markerName: a.markerName,
      ...(a.details !== undefined ? { details: a.details } : {}),
      decisionTaskCompletedEventId: scope.completedEventId,
    });
  },

  StartTimer(t, a, scope) {
    const { state } = t;
    const fail = (cause: 'TIMER_ID_ALREADY_IN_USE' | 'OPEN_TIMERS_LIMIT_EXCEEDED') => {
      t.record('StartTimerFailed', { timerId: a.timerId, cause, decisionTaskCompletedEventId: scope.completedEventId });
      t.wantDecision();
    };
    if (state.timers[a.timerId]) return fail('TIMER_ID_ALREADY_IN_USE');
    if (Object.keys(state.timers).length >= scope.limits.maxOpenTimers) return fail('OPEN_TIMERS_LIMIT_EXCEEDED');
    const startedEventId = t.record('TimerStarted', {
      timerId: a.timerId,
      ...(a.control !== undefined ? { control: a.control } : {}),
      startToFireTimeout: a.startToFireTimeout,
      decisionTaskCompletedEventId: scope.completedEventId,
    });
    state.timers[a.timerId] = { timerId: a.timerId, startedEventId, ...(a.control !== undefined ? { control: a.control } : {}) };
    t.armTimeout('timer', startedEventId, a.startToFireTimeout);
  },

  CancelTimer(t, a, scope) {
    const timer = t.state.timers[a.timerId];
    if (!timer) {
      t.record('CancelTimerFailed', { timerId: a.timerId, cause: 'TIMER_ID_UNKNOWN', decisionTaskCompletedEventId: scope.completedEventId });
      t.wantDecision();
      return;
    }
    delete t.state.timers[a.timerId];
    t.disarm('timer', timer.startedEventId);
    t.record('TimerCanceled', { timerId: a.timerId, startedEventId: timer.startedEventId, decisionTaskCompletedEventId: scope.completedEventId });
  },

  SignalExternalWorkflowExecution(t, a, scope) {
    const initiatedEventId = t.record('SignalExternalWorkflowExecutionInitiated', {
      workflowId: a.workflowId,
      ...(a.runId !== undefined ? { runId: a.runId } : {}),
      signalName: a.signalName,
      ...(a.input !== undefined ? { input: a.input } : {}),
      decisionTaskCompletedEventId: scope.completedEventId,
      ...(a.control !== undefined ? { control: a.control } : {}),
    });
    t.effect({
      type: 'signalExternal',
      source: executionOf(t.state),
      domain: t.state.domain,
      initiatedEventId,
      decisionTaskCompletedEventId: scope.completedEventId,
      workflowId: a.workflowId,
      ...(a.runId !== undefined ? { runId: a.runId } : {}),
      signalName: a.signalName,
      ...(a.input !== undefined ? { input: a.input } : {}),
      ...(a.control !== undefined ? { control: a.control } : {}),
    });
  },

  RequestCancelExternalWorkflowExecution(t, a, scope) {
    const initiatedEventId = t.record('RequestCancelExternalWorkflowExecutionInitiated', {
      workflowId: a.workflowId,
      ...(a.runId !== undefined ? { runId: a.runId } : {}),
      decisionTaskCompletedEventId: scope.completedEventId,
      ...(a.control !== undefined ? { control: a.control } : {}),
    });
    t.effect({
      type: 'requestCancelExternal',
      source: executionOf(t.state),
      domain: t.state.domain,
      initiatedEventId,
      decisionTaskCompletedEventId: scope.completedEventId,
      workflowId: a.workflowId,
      ...(a.runId !== undefined ? { runId: a.runId } : {}),
      ...(a.control !== undefined ? { control: a.control } : {}),
    });
  },

  StartChildWorkflowExecution(t, a, scope) {
    const { state } = t;
    const fail = (cause: StartChildCause) => {
      t.record('StartChildWorkflowExecutionFailed', {
        workflowType: a.workflowType,
        cause,
        workflowId: a.workflowId,
        initiatedEventId: 0,
        decisionTaskCompletedEventId: scope.completedEventId,
        ...(a.control !== undefined ? { control: a.control } : {}),
      });
      t.wantDecision();
    };
    const type = scope.workflowType(a.workflowType);
    if (!type) return fail('WORKFLOW_TYPE_DOES_NOT_EXIST');
    if (type.status === 'DEPRECATED') return fail('WORKFLOW_TYPE_DEPRECATED');
    if (Object.keys(state.children).length >= scope.limits.maxOpenChildren) return fail('OPEN_CHILDREN_LIMIT_EXCEEDED');
    // The API reference: initiatedEventId is 0 for every cause but WORKFLOW_ALREADY_RUNNING,
    // because no Initiated event exists; so the domain's limit is judged here, counting the
    // children this answer already started.
    const startedInThisAnswer = t.events.filter((e) => e.eventType === 'StartChildWorkflowExecutionInitiated').length;
    if (scope.openExecutionsInDomain + startedInThisAnswer >= scope.limits.maxOpenExecutionsPerDomain) {
      return fail('OPEN_WORKFLOWS_LIMIT_EXCEEDED');
    }
    const resolved = resolveRunConfig(a, type.configuration);
    if (!resolved.ok) return fail(resolved.cause);
    const config = resolved.config;
    const initiatedEventId = t.record('StartChildWorkflowExecutionInitiated', {
      workflowId: a.workflowId,
      workflowType: a.workflowType,
      ...(a.control !== undefined ? { control: a.control } : {}),
      ...(a.input !== undefined ? { input: a.input } : {}),
      executionStartToCloseTimeout: config.executionStartToCloseTimeout,
      taskList: config.taskList,
      ...(config.taskPriority !== undefined ? { taskPriority: config.taskPriority } : {}),
      decisionTaskCompletedEventId: scope.completedEventId,
      childPolicy: config.childPolicy,
      taskStartToCloseTimeout: config.taskStartToCloseTimeout,
      ...(a.tagList !== undefined && a.tagList.length > 0 ? { tagList: a.tagList } : {}),
      ...(config.lambdaRole !== undefined ? { lambdaRole: config.lambdaRole } : {}),
    });
    state.children[String(initiatedEventId)] = { initiatedEventId, workflowId: a.workflowId, workflowType: a.workflowType };
    t.effect({
      type: 'startChild',
      parent: executionOf(state),
      domain: state.domain,
      initiatedEventId,
      decisionTaskCompletedEventId: scope.completedEventId,
      workflowId: a.workflowId,
      workflowType: a.workflowType,
      config,
      ...(a.input !== undefined ? { input: a.input } : {}),
      ...(a.control !== undefined ? { control: a.control } : {}),
      tagList: a.tagList ?? [],
    });
  },

  ScheduleLambdaFunction(t, a, scope) {
    const { state } = t;
    const fail = (cause: 'ID_ALREADY_IN_USE' | 'OPEN_LAMBDA_FUNCTIONS_LIMIT_EXCEEDED' | 'LAMBDA_SERVICE_NOT_AVAILABLE_IN_REGION') => {
      t.record('ScheduleLambdaFunctionFailed', {
        id: a.id,
        name: a.name,
        cause,
        decisionTaskCompletedEventId: scope.completedEventId,
      });
      t.wantDecision();
    };
    if (state.lambdas[a.id]) return fail('ID_ALREADY_IN_USE');
    if (Object.keys(state.lambdas).length >= scope.limits.maxOpenLambdas) return fail('OPEN_LAMBDA_FUNCTIONS_LIMIT_EXCEEDED');
    // No Lambda service here: a function the operator did not map to an endpoint is as
    // unavailable as Lambda in a region without it.
    if (!scope.lambdaFunctionKnown(a.name)) return fail('LAMBDA_SERVICE_NOT_AVAILABLE_IN_REGION');
    // lambdaRole is not required. SWF fails the decision when the run has no IAM role, but
    // with which cause is undocumented (none of the four fits), and OpenSWF has no IAM: the
    // operator's mapping is the permission. An application that works on SWF has a role set
    // anyway, so accepting runs without one never changes what such an application sees.
    const startToCloseTimeout = a.startToCloseTimeout ?? DEFAULT_LAMBDA_TIMEOUT;
    const scheduledEventId = t.record('LambdaFunctionScheduled', {
      id: a.id,
      name: a.name,
      ...(a.control !== undefined ? { control: a.control } : {}),
      ...(a.input !== undefined ? { input: a.input } : {}),
      startToCloseTimeout,
      decisionTaskCompletedEventId: scope.completedEventId,
    });
    state.lambdas[a.id] = { id: a.id, name: a.name, scheduledEventId, ...(a.input !== undefined ? { input: a.input } : {}), startToCloseTimeout };
    // The server starts the call right after this commits (startLambda re-arms this deadline
    // from that moment). Armed now too, as a safety net: a task whose start was lost (the
    // process died in between) still times out instead of hanging the run.
    t.armTimeout('lambdaStartToClose', scheduledEventId, startToCloseTimeout);
    t.effect({ type: 'invokeLambda', runId: state.runId, scheduledEventId, id: a.id, name: a.name, ...(a.input !== undefined ? { input: a.input } : {}) });
  },
};

/** ScheduleLambdaFunction's startToCloseTimeout defaults to 900 s (the API reference). */
const DEFAULT_LAMBDA_TIMEOUT = '900';

type ScheduleActivityCause = NonNullable<import('../model/shapes.js').ScheduleActivityTaskFailedEventAttributes['cause']>;
type ContinueAsNewCause = Exclude<import('../model/shapes.js').ContinueAsNewWorkflowExecutionFailedCause, 'UNHANDLED_DECISION'>;
type StartChildCause = import('../model/shapes.js').StartChildWorkflowExecutionFailedCause;

function failSchedule(t: Transition, a: DecisionAttributes<'ScheduleActivityTask'>, cause: ScheduleActivityCause, completedEventId: number): void {
  t.record('ScheduleActivityTaskFailed', {
    activityType: a.activityType,
    activityId: a.activityId,
    cause,
    decisionTaskCompletedEventId: completedEventId,
  });
  t.wantDecision();
}
