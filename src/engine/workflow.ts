/** Run-level transitions: start, signal, cancel request, terminate, time out, close. */
import type { ChildPolicy, WorkflowExecution, WorkflowExecutionCancelRequestedCause, WorkflowExecutionTerminatedCause, WorkflowType } from '../model/shapes.js';
import type { CloseOutcome } from './effects.js';
import type { ExecutionConfig, ExecutionState } from './state.js';
import { executionOf } from './state.js';
import { Transition, type EngineContext } from './transition.js';
import { MAX_EXECUTION_SECONDS, NONE } from './durations.js';

export interface StartRunInput {
  domain: string;
  workflowId: string;
  runId: string;
  workflowType: WorkflowType;
  config: ExecutionConfig;
  input?: string;
  tagList?: string[];
  parent?: ExecutionState['parent'];
  continuedExecutionRunId?: string;
}

/** A new run: WorkflowExecutionStarted, its first decision task and its deadline. */
export function startRun(run: StartRunInput, ctx: EngineContext): Transition {
  const state: ExecutionState = {
    domain: run.domain,
    workflowId: run.workflowId,
    runId: run.runId,
    workflowType: run.workflowType,
    config: run.config,
    ...(run.input !== undefined ? { input: run.input } : {}),
    tagList: run.tagList ?? [],
    startTimestamp: ctx.now,
    cancelRequested: false,
    ...(run.parent ? { parent: run.parent } : {}),
    nextEventId: 1,
    decision: { previousStartedEventId: 0, pendingWhileStarted: false },
    activities: {},
    timers: {},
    children: {},
    lambdas: {},
  };
  const t = new Transition(state, ctx);
  const { config } = run;
  t.record('WorkflowExecutionStarted', {
    ...(run.input !== undefined ? { input: run.input } : {}),
    executionStartToCloseTimeout: config.executionStartToCloseTimeout,
    taskStartToCloseTimeout: config.taskStartToCloseTimeout,
    childPolicy: config.childPolicy,
    taskList: config.taskList,
    ...(config.taskPriority !== undefined ? { taskPriority: config.taskPriority } : {}),
    workflowType: run.workflowType,
    ...(run.tagList && run.tagList.length > 0 ? { tagList: run.tagList } : {}),
    ...(run.continuedExecutionRunId !== undefined ? { continuedExecutionRunId: run.continuedExecutionRunId } : {}),
    ...(run.parent ? { parentWorkflowExecution: run.parent.execution, parentInitiatedEventId: run.parent.initiatedEventId } : {}),
    ...(config.lambdaRole !== undefined ? { lambdaRole: config.lambdaRole } : {}),
  });
  // NONE still ends at SWF's one-year cap on any execution.
  const requested = config.executionStartToCloseTimeout === NONE ? MAX_EXECUTION_SECONDS : Number(config.executionStartToCloseTimeout);
  t.armTimeout('workflowStartToClose', '', String(Math.min(requested, MAX_EXECUTION_SECONDS)));
  t.wantDecision();
  return t.finish();
}

/**
 * Another run behind a signal or cancel request: a decision of that run (whose initiating
 * event is named), or a closing parent applying its child policy (no initiating event).
 */
export interface ExternalSource {
  execution: WorkflowExecution;
  initiatedEventId?: number;
}

function externalAttributes(source: ExternalSource | undefined): { externalWorkflowExecution?: WorkflowExecution; externalInitiatedEventId?: number } {
  if (!source) return {};
  return {
    externalWorkflowExecution: source.execution,
    ...(source.initiatedEventId !== undefined ? { externalInitiatedEventId: source.initiatedEventId } : {}),
  };
}

/** WorkflowExecutionSignaled, and a decision task so the decider sees it. */
export function signal(t: Transition, signalName: string, input: string | undefined, source?: ExternalSource): number {
  const id = t.record('WorkflowExecutionSignaled', {
    signalName,
    ...(input !== undefined ? { input } : {}),
    ...externalAttributes(source),
  });
  t.wantDecision();
  return id;
}

/**
 * WorkflowExecutionCancelRequested: the run is only asked to cancel; its decider decides
 * (CancelWorkflowExecution closes it). A parent's child policy sets `cause`; real SWF histories
 * then name the parent as the external execution, without an initiating event.
 */
export function requestCancel(
  t: Transition,
  source?: ExternalSource,
  cause?: WorkflowExecutionCancelRequestedCause,
): number {
  const id = t.record('WorkflowExecutionCancelRequested', {
    ...externalAttributes(source),
    ...(cause !== undefined ? { cause } : {}),
  });
  t.state.cancelRequested = true;
  t.wantDecision();
  return id;
}

export interface TerminateInput {
  reason?: string;
  details?: string;
  childPolicy?: ChildPolicy;
  cause?: WorkflowExecutionTerminatedCause;
}

export function terminate(t: Transition, input: TerminateInput): void {
  const childPolicy = input.childPolicy ?? t.state.config.childPolicy;
  t.record('WorkflowExecutionTerminated', {
    ...(input.reason !== undefined ? { reason: input.reason } : {}),
    ...(input.details !== undefined ? { details: input.details } : {}),
    childPolicy,
    ...(input.cause !== undefined ? { cause: input.cause } : {}),
  });
  applyChildPolicy(t, childPolicy);
  closeRun(t, { status: 'TERMINATED' });
}

export function timeOutRun(t: Transition): void {
  const childPolicy = t.state.config.childPolicy;
  t.record('WorkflowExecutionTimedOut', { timeoutType: 'START_TO_CLOSE', childPolicy });
  applyChildPolicy(t, childPolicy);
  closeRun(t, { status: 'TIMED_OUT', timeoutType: 'START_TO_CLOSE' });
}

function applyChildPolicy(t: Transition, policy: ChildPolicy): void {
  const children = Object.values(t.state.children)
    .filter((c) => c.runId !== undefined)
    .map((c) => ({ workflowId: c.workflowId, runId: c.runId as string }));
  if (policy === 'ABANDON' || children.length === 0) return;
  t.effect({ type: 'applyChildPolicy', domain: t.state.domain, parent: executionOf(t.state), policy, children });
}

/**
 * Marks the run closed. Its tasks and deadlines die with it (the executor drops them), and a
 * parent hears how it ended.
 */
export function closeRun(t: Transition, outcome: CloseOutcome): void {
  const { state } = t;
  state.closeStatus = outcome.status;
  state.closeTimestamp = t.now;
  state.decision = { previousStartedEventId: state.decision.previousStartedEventId, pendingWhileStarted: false };
  state.activities = {};
  state.timers = {};
  state.lambdas = {};
  // A closed run tracks no children: its child policy (if any) was applied before this.
  state.children = {};
  t.effect({ type: 'closed', runId: state.runId });
  // A run that continues as new hands its parent to the new run; the parent hears of the chain's end.
  if (state.parent && outcome.status !== 'CONTINUED_AS_NEW') {
    t.effect({
      type: 'notifyParent',
      domain: state.parent.domain,
      parent: state.parent.execution,
      initiatedEventId: state.parent.initiatedEventId,
      child: executionOf(state),
      workflowType: state.workflowType,
      outcome,
    });
  }
}
