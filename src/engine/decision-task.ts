/** The decision task's life: started by a poll, completed by the decider, or timed out. */
import type { Decision } from '../model/shapes.js';
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

/**
 * The decider did not answer within the task's start-to-close timeout. A new decision task
 * follows. If the task came from a temporary task-list override (one set with
 * taskListScheduleToStartTimeout), the override is reverted, so the new task goes to the
 * execution's own task list, as the API reference says. Any task scheduled while an override
 * stands is on the override list: the override is set when a decision task completes, before
 * the next one is scheduled.
 */
export function timeOutStartedDecisionTask(t: Transition): void {
  const { decision } = t.state;
  const started = decision.started;
  if (!started) return;
  t.record('DecisionTaskTimedOut', {
    timeoutType: 'START_TO_CLOSE',
    scheduledEventId: started.scheduledEventId,
    startedEventId: started.startedEventId,
  });
  endStartedDecisionTask(t);
  if (decision.taskListOverride?.scheduleToStartTimeout !== undefined) decision.taskListOverride = undefined;
  t.wantDecision();
  t.finish();
}

/**
 * A decision task scheduled on a temporarily overridden task list that no decider started
 * within the override's schedule-to-start timeout. The override is reverted, and a new task
 * is scheduled on the execution's own task list. (Only override tasks have this deadline.)
 */
export function timeOutScheduledDecisionTask(t: Transition): void {
  const { decision } = t.state;
  const scheduled = decision.scheduled;
  if (!scheduled) return;
  t.record('DecisionTaskTimedOut', { timeoutType: 'SCHEDULE_TO_START', scheduledEventId: scheduled.eventId, startedEventId: 0 });
  t.effect({ type: 'removeTask', token: scheduled.token });
  decision.scheduled = undefined;
  decision.taskListOverride = undefined;
  t.wantDecision();
  t.finish();
}
