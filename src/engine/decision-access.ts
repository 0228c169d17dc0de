/**
 * The decision pseudo-API of SWF's IAM: each decision is judged as its own action
 * (`swf:ScheduleActivityTask`, ...) with the condition keys the guide lists for it, and a
 * denied one records its `*Failed` event with cause OPERATION_NOT_PERMITTED, like any other
 * failure cause; the rest of the answer goes on.
 *
 * The engine stays pure: whether the decider may make a decision arrives as a function in the
 * decision environment (`DecisionEnv.permitted`). The keys are computed here because a
 * parameter the decision omits is judged on the default its type supplies, and the types are
 * what the environment already holds.
 */
import type { DecisionType, ScheduleLambdaFunctionFailedCause } from '../model/shapes.js';
import type { DecisionAttributes, DecisionScope } from './decisions.js';
import type { Transition } from './transition.js';
import type { ExecutionState } from './state.js';

/** Condition keys of one decision (`swf:taskList.name` → value); absent keys are left out. */
export type DecisionConditionKeys = Record<string, string>;

const CAUSE = 'OPERATION_NOT_PERMITTED';

type KeyBuilders = {
  [K in DecisionType]: (a: DecisionAttributes<K>, state: ExecutionState, scope: DecisionScope) => DecisionConditionKeys;
};

const none = (): DecisionConditionKeys => ({});

function tagKeys(tags: readonly string[] | undefined, keys: DecisionConditionKeys): DecisionConditionKeys {
  (tags ?? []).slice(0, 5).forEach((tag, i) => (keys[`swf:tagList.member.${i}`] = tag));
  return keys;
}

function put(keys: DecisionConditionKeys, key: string, value: string | undefined): DecisionConditionKeys {
  if (value !== undefined) keys[key] = value;
  return keys;
}

const keyBuilders: KeyBuilders = {
  ScheduleActivityTask(a, _state, scope) {
    const type = scope.activityType(a.activityType);
    const keys: DecisionConditionKeys = { 'swf:activityType.name': a.activityType.name, 'swf:activityType.version': a.activityType.version };
    return put(keys, 'swf:taskList.name', a.taskList?.name ?? type?.configuration.defaultTaskList?.name);
  },
  StartChildWorkflowExecution(a, _state, scope) {
    const type = scope.workflowType(a.workflowType);
    const keys: DecisionConditionKeys = { 'swf:workflowType.name': a.workflowType.name, 'swf:workflowType.version': a.workflowType.version };
    put(keys, 'swf:taskList.name', a.taskList?.name ?? type?.configuration.defaultTaskList?.name);
    // The API reference spells this decision's tag keys "swf:tagList.N"; both spellings count.
    (a.tagList ?? []).slice(0, 5).forEach((tag, i) => (keys[`swf:tagList.${i}`] = tag));
    return tagKeys(a.tagList, keys);
  },
  ContinueAsNewWorkflowExecution(a, state, scope) {
    const version = a?.workflowTypeVersion ?? state.workflowType.version;
    const type = scope.workflowType({ name: state.workflowType.name, version });
    const keys: DecisionConditionKeys = { 'swf:workflowType.version': version };
    put(keys, 'swf:taskList.name', a?.taskList?.name ?? type?.configuration.defaultTaskList?.name);
    return tagKeys(a?.tagList, keys);
  },
  RequestCancelActivityTask: none,
  CompleteWorkflowExecution: none,
  FailWorkflowExecution: none,
  CancelWorkflowExecution: none,
  RecordMarker: none,
  StartTimer: none,
  CancelTimer: none,
  SignalExternalWorkflowExecution: none,
  RequestCancelExternalWorkflowExecution: none,
  ScheduleLambdaFunction: none,
};

export function decisionConditionKeys<K extends DecisionType>(type: K, a: DecisionAttributes<K>, state: ExecutionState, scope: DecisionScope): DecisionConditionKeys {
  return (keyBuilders[type] as (a: DecisionAttributes<K>, s: ExecutionState, sc: DecisionScope) => DecisionConditionKeys)(a, state, scope);
}

type FailureRecorders = {
  [K in DecisionType]: (t: Transition, a: DecisionAttributes<K>, completedEventId: number) => void;
};

/** Each decision's *Failed event with cause OPERATION_NOT_PERMITTED. */
const failures: FailureRecorders = {
  ScheduleActivityTask(t, a, id) {
    t.record('ScheduleActivityTaskFailed', { activityType: a.activityType, activityId: a.activityId, cause: CAUSE, decisionTaskCompletedEventId: id });
  },
  RequestCancelActivityTask(t, a, id) {
    t.record('RequestCancelActivityTaskFailed', { activityId: a.activityId, cause: CAUSE, decisionTaskCompletedEventId: id });
  },
  CompleteWorkflowExecution(t, _a, id) {
    t.record('CompleteWorkflowExecutionFailed', { cause: CAUSE, decisionTaskCompletedEventId: id });
  },
  FailWorkflowExecution(t, _a, id) {
    t.record('FailWorkflowExecutionFailed', { cause: CAUSE, decisionTaskCompletedEventId: id });
  },
  CancelWorkflowExecution(t, _a, id) {
    t.record('CancelWorkflowExecutionFailed', { cause: CAUSE, decisionTaskCompletedEventId: id });
  },
  ContinueAsNewWorkflowExecution(t, _a, id) {
    t.record('ContinueAsNewWorkflowExecutionFailed', { cause: CAUSE, decisionTaskCompletedEventId: id });
  },
  RecordMarker(t, a, id) {
    t.record('RecordMarkerFailed', { markerName: a.markerName, cause: CAUSE, decisionTaskCompletedEventId: id });
  },
  StartTimer(t, a, id) {
    t.record('StartTimerFailed', { timerId: a.timerId, cause: CAUSE, decisionTaskCompletedEventId: id });
  },
  CancelTimer(t, a, id) {
    t.record('CancelTimerFailed', { timerId: a.timerId, cause: CAUSE, decisionTaskCompletedEventId: id });
  },
  SignalExternalWorkflowExecution(t, a, id) {
    t.record('SignalExternalWorkflowExecutionFailed', {
      workflowId: a.workflowId,
      ...(a.runId !== undefined ? { runId: a.runId } : {}),
      cause: CAUSE,
      initiatedEventId: 0, // no Initiated event exists for a decision refused outright
      decisionTaskCompletedEventId: id,
      ...(a.control !== undefined ? { control: a.control } : {}),
    });
  },
  RequestCancelExternalWorkflowExecution(t, a, id) {
    t.record('RequestCancelExternalWorkflowExecutionFailed', {
      workflowId: a.workflowId,
      ...(a.runId !== undefined ? { runId: a.runId } : {}),
      cause: CAUSE,
      initiatedEventId: 0,
      decisionTaskCompletedEventId: id,
      ...(a.control !== undefined ? { control: a.control } : {}),
    });
  },
  StartChildWorkflowExecution(t, a, id) {
    t.record('StartChildWorkflowExecutionFailed', {
      workflowType: a.workflowType,
      cause: CAUSE,
      workflowId: a.workflowId,
      initiatedEventId: 0,
      decisionTaskCompletedEventId: id,
      ...(a.control !== undefined ? { control: a.control } : {}),
    });
  },
  ScheduleLambdaFunction(t, a, id) {
    // The model's ScheduleLambdaFunctionFailedCause lacks OPERATION_NOT_PERMITTED, though the
    // API reference's access-control text for the decision names it; the SDKs read an enum
    // value they do not know as a plain string, so the one cause that says what happened wins.
    t.record('ScheduleLambdaFunctionFailed', { id: a.id, name: a.name, cause: CAUSE as unknown as ScheduleLambdaFunctionFailedCause, decisionTaskCompletedEventId: id });
  },
};

/**
 * Judges one decision; when the environment denies it, records its failure, asks for a new
 * decision task (as every failed decision does) and answers false.
 */
export function decisionPermitted<K extends DecisionType>(t: Transition, type: K, a: DecisionAttributes<K>, scope: DecisionScope): boolean {
  if (scope.permitted === undefined) return true;
  if (scope.permitted(type, decisionConditionKeys(type, a, t.state, scope))) return true;
  (failures[type] as (t: Transition, a: DecisionAttributes<K>, id: number) => void)(t, a, scope.completedEventId);
  t.wantDecision();
  return false;
}
