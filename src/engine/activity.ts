/** Activity task transitions after scheduling: start, heartbeat, complete, fail, cancel, time out. */
import type { ActivityTaskTimeoutType } from '../model/shapes.js';
import type { TimerKind } from './effects.js';
import type { ActivityState } from './state.js';
import type { Transition } from './transition.js';

const ACTIVITY_TIMERS: readonly TimerKind[] = [
  'activityScheduleToStart',
  'activityScheduleToClose',
  'activityStartToClose',
  'activityHeartbeat',
];

export function findActivityByScheduledId(t: Transition, scheduledEventId: number): ActivityState | undefined {
  return Object.values(t.state.activities).find((a) => a.scheduledEventId === scheduledEventId);
}

/** A worker took the task: ActivityTaskStarted and the clocks that run while it works. */
export function startActivity(t: Transition, activity: ActivityState, identity: string | undefined): number {
  const startedEventId = t.record('ActivityTaskStarted', {
    ...(identity !== undefined ? { identity } : {}),
    scheduledEventId: activity.scheduledEventId,
  });
  activity.startedEventId = startedEventId;
  t.disarm('activityScheduleToStart', activity.scheduledEventId);
  t.armTimeout('activityStartToClose', activity.scheduledEventId, activity.startToCloseTimeout);
  t.armTimeout('activityHeartbeat', activity.scheduledEventId, activity.heartbeatTimeout);
  return startedEventId;
}

/** A heartbeat resets only the heartbeat clock and adds no event. */
export function heartbeat(t: Transition, activity: ActivityState, details: string | undefined): { cancelRequested: boolean } {
  if (details !== undefined) activity.heartbeatDetails = details;
  t.armTimeout('activityHeartbeat', activity.scheduledEventId, activity.heartbeatTimeout);
  return { cancelRequested: activity.latestCancelRequestedEventId !== undefined };
}

/** Drops an activity from the run: its task row and its deadlines. */
function closeActivity(t: Transition, activity: ActivityState): void {
  delete t.state.activities[activity.activityId];
  t.effect({ type: 'removeTask', token: activity.token });
  for (const kind of ACTIVITY_TIMERS) t.disarm(kind, activity.scheduledEventId);
  t.wantDecision();
}

export function completeActivity(t: Transition, activity: ActivityState, result: string | undefined): void {
  t.record('ActivityTaskCompleted', {
    ...(result !== undefined ? { result } : {}),
    scheduledEventId: activity.scheduledEventId,
    startedEventId: activity.startedEventId ?? 0,
  });
  closeActivity(t, activity);
}

export function failActivity(t: Transition, activity: ActivityState, reason: string | undefined, details: string | undefined): void {
  t.record('ActivityTaskFailed', {
    ...(reason !== undefined ? { reason } : {}),
    ...(details !== undefined ? { details } : {}),
    scheduledEventId: activity.scheduledEventId,
    startedEventId: activity.startedEventId ?? 0,
  });
  closeActivity(t, activity);
}

export function cancelActivity(t: Transition, activity: ActivityState, details: string | undefined): void {
  t.record('ActivityTaskCanceled', {
    ...(details !== undefined ? { details } : {}),
    scheduledEventId: activity.scheduledEventId,
    startedEventId: activity.startedEventId ?? 0,
    ...(activity.latestCancelRequestedEventId !== undefined
      ? { latestCancelRequestedEventId: activity.latestCancelRequestedEventId }
      : {}),
  });
  closeActivity(t, activity);
}

export function timeOutActivity(t: Transition, activity: ActivityState, timeoutType: ActivityTaskTimeoutType): void {
  t.record('ActivityTaskTimedOut', {
    timeoutType,
    scheduledEventId: activity.scheduledEventId,
    startedEventId: activity.startedEventId ?? 0,
    ...(activity.heartbeatDetails !== undefined ? { details: activity.heartbeatDetails } : {}),
  });
  closeActivity(t, activity);
}
