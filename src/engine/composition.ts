/**
 * What a run records when another run answers its decisions: children started or failed
 * to start, children closed, external signals and cancel requests delivered or not.
 */
import type {
  RequestCancelExternalWorkflowExecutionFailedCause,
  SignalExternalWorkflowExecutionFailedCause,
  StartChildWorkflowExecutionFailedCause,
  WorkflowExecution,
  WorkflowType,
} from '../model/shapes.js';
import type { CloseOutcome } from './effects.js';
import type { Transition } from './transition.js';

export function childStarted(t: Transition, initiatedEventId: number, child: WorkflowExecution, workflowType: WorkflowType): void {
  const entry = t.state.children[String(initiatedEventId)];
  const startedEventId = t.record('ChildWorkflowExecutionStarted', { workflowExecution: child, workflowType, initiatedEventId });
  if (entry) {
    entry.runId = child.runId;
    entry.startedEventId = startedEventId;
  }
  t.wantDecision();
}

export function childStartFailed(
  t: Transition,
  initiatedEventId: number,
  decisionTaskCompletedEventId: number,
  workflowId: string,
  workflowType: WorkflowType,
  cause: StartChildWorkflowExecutionFailedCause,
  control: string | undefined,
): void {
  delete t.state.children[String(initiatedEventId)];
  t.record('StartChildWorkflowExecutionFailed', {
    workflowType,
    cause,
    workflowId,
    initiatedEventId,
    decisionTaskCompletedEventId,
    ...(control !== undefined ? { control } : {}),
  });
  t.wantDecision();
}

/**
 * A child continued as new: the chain goes on under the same workflowId, so the parent records
 * nothing and keeps waiting for the chain's end. It follows the child's current run, so that a
 * child policy reaches the run that is open, not the one that closed.
 */
export function childContinuedAsNew(t: Transition, initiatedEventId: number, newRunId: string): void {
  const entry = t.state.children[String(initiatedEventId)];
  if (entry) entry.runId = newRunId;
}

/** A child closed: the parent records how, and gets a decision task. */
export function childClosed(t: Transition, initiatedEventId: number, child: WorkflowExecution, workflowType: WorkflowType, outcome: CloseOutcome): void {
  const entry = t.state.children[String(initiatedEventId)];
  if (!entry) return; // not (or no longer) a child of this run
  if (outcome.status === 'CONTINUED_AS_NEW') return childContinuedAsNew(t, initiatedEventId, outcome.newRunId);
  delete t.state.children[String(initiatedEventId)];
  const common = { workflowExecution: child, workflowType, initiatedEventId, startedEventId: entry.startedEventId ?? 0 };
  switch (outcome.status) {
    case 'COMPLETED':
      t.record('ChildWorkflowExecutionCompleted', { ...common, ...(outcome.result !== undefined ? { result: outcome.result } : {}) });
      break;
    case 'FAILED':
      t.record('ChildWorkflowExecutionFailed', {
        ...common,
        ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}),
        ...(outcome.details !== undefined ? { details: outcome.details } : {}),
      });
      break;
    case 'CANCELED':
      t.record('ChildWorkflowExecutionCanceled', { ...common, ...(outcome.details !== undefined ? { details: outcome.details } : {}) });
      break;
    case 'TERMINATED':
      t.record('ChildWorkflowExecutionTerminated', common);
      break;
    case 'TIMED_OUT':
      t.record('ChildWorkflowExecutionTimedOut', { ...common, timeoutType: outcome.timeoutType });
      break;
    default: {
      const never: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(never)}`);
    }
  }
  t.wantDecision();
}

export function externalSignaled(t: Transition, initiatedEventId: number, target: WorkflowExecution): void {
  t.record('ExternalWorkflowExecutionSignaled', { workflowExecution: target, initiatedEventId });
  t.wantDecision();
}

export function signalExternalFailed(
  t: Transition,
  fields: { workflowId: string; runId?: string; initiatedEventId: number; decisionTaskCompletedEventId: number; control?: string },
  cause: SignalExternalWorkflowExecutionFailedCause,
): void {
  t.record('SignalExternalWorkflowExecutionFailed', {
    workflowId: fields.workflowId,
    ...(fields.runId !== undefined ? { runId: fields.runId } : {}),
    cause,
    initiatedEventId: fields.initiatedEventId,
    decisionTaskCompletedEventId: fields.decisionTaskCompletedEventId,
    ...(fields.control !== undefined ? { control: fields.control } : {}),
  });
  t.wantDecision();
}

export function externalCancelRequested(t: Transition, initiatedEventId: number, target: WorkflowExecution): void {
  t.record('ExternalWorkflowExecutionCancelRequested', { workflowExecution: target, initiatedEventId });
  t.wantDecision();
}

export function requestCancelExternalFailed(
  t: Transition,
  fields: { workflowId: string; runId?: string; initiatedEventId: number; decisionTaskCompletedEventId: number; control?: string },
  cause: RequestCancelExternalWorkflowExecutionFailedCause,
): void {
  t.record('RequestCancelExternalWorkflowExecutionFailed', {
    workflowId: fields.workflowId,
    ...(fields.runId !== undefined ? { runId: fields.runId } : {}),
    cause,
    initiatedEventId: fields.initiatedEventId,
    decisionTaskCompletedEventId: fields.decisionTaskCompletedEventId,
    ...(fields.control !== undefined ? { control: fields.control } : {}),
  });
  t.wantDecision();
}
