/** The decision task's life: started by a poll, completed by the decider, or timed out. */
import type { Decision, DecisionTaskTimeoutType } from '../model/shapes.js';
import type { Transition } from './transition.js';
import { applyDecisions, type DecisionEnv } from './decisions.js';

/** Moves the scheduled decision task to started; returns its startedEventId. */
export function startDecisionTask(t: Transition, identity: string | undefined): number {
  const { decision } = t.state;
  const scheduled = decision.scheduled;
  if (!scheduled) throw new Error('no decision task is scheduled');
  const startedEventId = t.record('DecisionTaskStarted', {
    ...(identity !== undefined ? { identity } : {}),
    scheduledEventId: scheduled.eventId,
  });
  decision.scheduled = undefined;
  decision.started = { scheduledEventId: scheduled.eventId, startedEventId, token: scheduled.token };
  t.disarm('decisionScheduleToStart', scheduled.eventId);
  t.armTimeout('decisionStartToClose', scheduled.eventId, t.state.config.taskStartToCloseTimeout);
  return startedEventId;
}

export interface DecisionTaskAnswer {
  decisions: Decision[];
  executionContext?: string;
  taskList?: { name: string };
  taskListScheduleToStartTimeout?: string;
}

/**
 * Records DecisionTaskCompleted and applies the decider's decisions in order. Events that
 * arrived while the decider worked make close decisions fail with UNHANDLED_DECISION, and
 * always earn a new decision task.
 */
export function completeDecisionTask(t: Transition, answer: DecisionTaskAnswer, env: DecisionEnv): void {
  const { state } = t;
  const started = state.decision.started;
  if (!started) throw new Error('no decision task is started');
  const unhandledEvents = state.decision.pendingWhileStarted;
  const completedEventId = t.record('DecisionTaskCompleted', {
    ...(answer.executionContext !== undefined ? { executionContext: answer.executionContext } : {}),
    scheduledEventId: started.scheduledEventId,
    startedEventId: started.startedEventId,
    ...(answer.taskList !== undefined ? { taskList: answer.taskList } : {}),
    ...(answer.taskListScheduleToStartTimeout !== undefined
      ? { taskListScheduleToStartTimeout: answer.taskListScheduleToStartTimeout }
      : {}),
  });
  endStartedDecisionTask(t);
  state.decision.previousStartedEventId = started.startedEventId;
  if (answer.executionContext !== undefined) state.latestExecutionContext = answer.executionContext;
  if (answer.taskList !== undefined) {
    state.decision.taskListOverride = {
      name: answer.taskList.name,
      ...(answer.taskListScheduleToStartTimeout !== undefined
        ? { scheduleToStartTimeout: answer.taskListScheduleToStartTimeout }
        : {}),
    };
  }
  if (unhandledEvents) t.wantDecision();
  applyDecisions(t, answer.decisions, { ...env, completedEventId, unhandledEvents });
  t.finish();
}

/** The started task is over (completed or timed out): forget it, its token and its deadline. */
function endStartedDecisionTask(t: Transition): void {
  const { decision } = t.state;
  const started = decision.started;
  if (!started) return;
  t.effect({ type: 'removeTask', token: started.token });
  t.disarm('decisionStartToClose', started.scheduledEventId);
  decision.started = undefined;
  decision.pendingWhileStarted = false;
}

export function timeOutStartedDecisionTask(t: Transition): void {
  const started = t.state.decision.started;
  if (!started) return;
  t.record('DecisionTaskTimedOut', {
    timeoutType: 'START_TO_CLOSE',
    scheduledEventId: started.scheduledEventId,
    startedEventId: started.startedEventId,
  });
  endStartedDecisionTask(t);
  t.wantDecision();
  t.finish();
}

/**
 * A decision task scheduled on an overridden task list that no decider picked up in time.
 * The override lapses, and a new task is scheduled on the execution's own task list.
 */
export function timeOutScheduledDecisionTask(t: Transition, timeoutType: DecisionTaskTimeoutType = 'SCHEDULE_TO_START'): void {
  const scheduled = t.state.decision.scheduled;
  if (!scheduled) return;
  t.record('DecisionTaskTimedOut', { timeoutType, scheduledEventId: scheduled.eventId, startedEventId: 0 });
  t.effect({ type: 'removeTask', token: scheduled.token });
  t.state.decision.scheduled = undefined;
  t.state.decision.taskListOverride = undefined;
  t.wantDecision();
  t.finish();
}
