/**
 * The state of one workflow execution (one run), as the engine sees it.
 *
 * Glossary (SWF terms used throughout the engine):
 * - execution / run: one run of a workflow, named by (domain, workflowId, runId).
 * - decision task: a unit of work for the decider; at most one is scheduled and one started
 *   per run at any time. The decider answers with a list of decisions.
 * - activity task: a unit of work for an activity worker, scheduled by a decision.
 * - history: the append-only list of events of a run; event ids start at 1.
 * - close decision: Complete/Fail/Cancel/ContinueAsNew; closes the run.
 * - child policy: what happens to open children when a parent is terminated or times out.
 * - task token: the opaque, unforgeable name of a task handed to a worker.
 *
 * Times are integer milliseconds since the epoch inside the engine and the store; the wire
 * shows epoch seconds. Durations keep their SWF form (a string of seconds or "NONE").
 */
import type { ChildPolicy, CloseStatus, TaskList, WorkflowExecution, WorkflowType, ActivityType } from '../model/shapes.js';

export interface ExecutionConfig {
  executionStartToCloseTimeout: string;
  taskStartToCloseTimeout: string;
  childPolicy: ChildPolicy;
  taskList: TaskList;
  taskPriority?: string;
  lambdaRole?: string;
}

export interface DecisionTaskState {
  /** Present while a decision task is scheduled and not yet started. */
  scheduled?: { eventId: number; token: string; taskList: string };
  /** Present while a decision task is started (handed to a decider). */
  started?: { scheduledEventId: number; startedEventId: number; token: string };
  /** The startedEventId of the last decision task that was completed. */
  previousStartedEventId: number;
  /**
   * True when an event that needs the decider's attention arrived while a decision task
   * was started: a new task is scheduled when that one closes, and close decisions in its
   * answer fail with UNHANDLED_DECISION.
   */
  pendingWhileStarted: boolean;
  /** The task-list override set by RespondDecisionTaskCompleted, if any. */
  taskListOverride?: { name: string; scheduleToStartTimeout?: string };
}

export interface ActivityState {
  activityId: string;
  activityType: ActivityType;
  scheduledEventId: number;
  startedEventId?: number;
  token: string;
  taskList: string;
  taskPriority?: string;
  input?: string;
  scheduleToStartTimeout: string;
  scheduleToCloseTimeout: string;
  startToCloseTimeout: string;
  heartbeatTimeout: string;
  /** Set once the decider asked to cancel: heartbeats answer cancelRequested. */
  latestCancelRequestedEventId?: number;
  heartbeatDetails?: string;
}

export interface TimerState {
  timerId: string;
  startedEventId: number;
  control?: string;
}

export interface ChildState {
  initiatedEventId: number;
  workflowId: string;
  workflowType: WorkflowType;
  /** Set once ChildWorkflowExecutionStarted was recorded. */
  runId?: string;
  startedEventId?: number;
}

export interface LambdaState {
  id: string;
  name: string;
  scheduledEventId: number;
  startedEventId?: number;
  input?: string;
  startToCloseTimeout: string;
}

export interface ExecutionState {
  domain: string;
  workflowId: string;
  runId: string;
  workflowType: WorkflowType;
  config: ExecutionConfig;
  input?: string;
  tagList: string[];
  startTimestamp: number;
  closeTimestamp?: number;
  closeStatus?: CloseStatus;
  cancelRequested: boolean;
  parent?: { execution: WorkflowExecution; initiatedEventId: number; domain: string };
  /** The id the next history event gets. */
  nextEventId: number;
  decision: DecisionTaskState;
  activities: Record<string, ActivityState>;
  timers: Record<string, TimerState>;
  /** Open children, keyed by the initiated event id (as a string). */
  children: Record<string, ChildState>;
  lambdas: Record<string, LambdaState>;
  latestActivityTaskTimestamp?: number;
  latestExecutionContext?: string;
}

export const isOpen = (state: ExecutionState): boolean => state.closeStatus === undefined;

export function executionOf(state: ExecutionState): WorkflowExecution {
  return { workflowId: state.workflowId, runId: state.runId };
}
