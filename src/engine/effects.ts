/**
 * Effects are plain data the engine hands back with its events. The executor applies them
 * inside the same store transaction as the events (one state change = one transaction).
 */
import type { ChildPolicy, WorkflowExecution, WorkflowType } from '../model/shapes.js';
import type { ExecutionConfig, ExecutionState } from './state.js';

export type TaskKind = 'decision' | 'activity';

/**
 * What a task token names: the task's kind, its run and its ActivityTaskScheduled or
 * DecisionTaskScheduled event. A token carries these, so a call with the token of a task that
 * is gone can still be answered with the run or task it named.
 */
export interface TaskTokenClaims {
  kind: TaskKind;
  domain: string;
  workflowId: string;
  runId: string;
  scheduledEventId: number;
}

export interface TaskSpec {
  token: string;
  kind: TaskKind;
  domain: string;
  taskList: string;
  /** Higher runs first (SWF's taskPriority, an integer string, parsed). */
  priority: number;
  runId: string;
  scheduledEventId: number;
}

/** Every deadline the server enforces. `ref` tells which object in the run it belongs to. */
export type TimerKind =
  | 'workflowStartToClose'
  | 'decisionStartToClose'
  | 'decisionScheduleToStart'
  | 'activityScheduleToStart'
  | 'activityScheduleToClose'
  | 'activityStartToClose'
  | 'activityHeartbeat'
  | 'timer'
  | 'lambdaStartToClose'
  /** Not an SWF timeout: removes a closed run's record once the domain's retention passed. */
  | 'retention';

export interface TimerKey {
  runId: string;
  kind: TimerKind;
  ref: string;
}

/** How a child (or any run) closed, as its parent needs to hear it. */
export type CloseOutcome =
  | { status: 'COMPLETED'; result?: string }
  | { status: 'FAILED'; reason?: string; details?: string }
  | { status: 'CANCELED'; details?: string }
  | { status: 'TERMINATED' }
  | { status: 'TIMED_OUT'; timeoutType: 'START_TO_CLOSE' }
  | { status: 'CONTINUED_AS_NEW'; newRunId: string };

/** Work that concerns another execution; the executor routes it within the transaction. */
export type CrossExecutionEffect =
  | {
      type: 'startChild';
      parent: WorkflowExecution;
      domain: string;
      initiatedEventId: number;
      decisionTaskCompletedEventId: number;
      workflowId: string;
      workflowType: WorkflowType;
      config: ExecutionConfig;
      input?: string;
      control?: string;
      tagList: string[];
    }
  | {
      type: 'signalExternal';
      source: WorkflowExecution;
      domain: string;
      initiatedEventId: number;
      decisionTaskCompletedEventId: number;
      workflowId: string;
      runId?: string;
      signalName: string;
      input?: string;
      control?: string;
    }
  | {
      type: 'requestCancelExternal';
      source: WorkflowExecution;
      domain: string;
      initiatedEventId: number;
      decisionTaskCompletedEventId: number;
      workflowId: string;
      runId?: string;
      control?: string;
    }
  | {
      type: 'notifyParent';
      domain: string;
      parent: WorkflowExecution;
      initiatedEventId: number;
      child: WorkflowExecution;
      workflowType: WorkflowType;
      outcome: CloseOutcome;
    }
  | {
      type: 'applyChildPolicy';
      domain: string;
      /** The closing run whose policy it is: a cancel request names it as its source. */
      parent: WorkflowExecution;
      policy: ChildPolicy;
      children: WorkflowExecution[];
    }
  | {
      type: 'continueAsNew';
      domain: string;
      previous: WorkflowExecution;
      newRunId: string;
      workflowType: WorkflowType;
      config: ExecutionConfig;
      input?: string;
      tagList: string[];
      parent?: ExecutionState['parent'];
    }
  | {
      type: 'invokeLambda';
      runId: string;
      scheduledEventId: number;
      id: string;
      name: string;
      input?: string;
    };

export type Effect =
  | { type: 'enqueueTask'; task: TaskSpec }
  | { type: 'removeTask'; token: string }
  | { type: 'armTimer'; key: TimerKey; dueAt: number }
  | { type: 'disarmTimer'; key: TimerKey }
  /** The run closed: drop its tasks and deadlines, keep its record for the retention period. */
  | { type: 'closed'; runId: string }
  | CrossExecutionEffect;
