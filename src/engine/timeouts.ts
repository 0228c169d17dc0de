/**
 * A deadline fell due. Deadlines are rows the executor keeps in the store; one may outlive
 * the object it guards (the activity closed a moment earlier), so each handler checks that
 * its object is still there and ignores the deadline otherwise.
 */
import type { TimerKind } from './effects.js';
import type { Transition } from './transition.js';
import { isOpen } from './state.js';
import { findActivityByScheduledId, timeOutActivity } from './activity.js';
import { timeOutScheduledDecisionTask, timeOutStartedDecisionTask } from './decision-task.js';
import { timeOutRun } from './workflow.js';

type TimeoutHandlers = { [K in Exclude<TimerKind, 'retention'>]: (t: Transition, ref: string) => void };

const handlers: TimeoutHandlers = {
  workflowStartToClose: (t) => timeOutRun(t),
  decisionStartToClose(t, ref) {
    if (t.state.decision.started?.scheduledEventId === Number(ref)) timeOutStartedDecisionTask(t);
  },
  decisionScheduleToStart(t, ref) {
    if (t.state.decision.scheduled?.eventId === Number(ref)) timeOutScheduledDecisionTask(t);
  },
  activityScheduleToStart(t, ref) {
    const activity = findActivityByScheduledId(t, Number(ref));
    if (activity && activity.startedEventId === undefined) timeOutActivity(t, activity, 'SCHEDULE_TO_START');
  },
  activityScheduleToClose(t, ref) {
    const activity = findActivityByScheduledId(t, Number(ref));
    if (activity) timeOutActivity(t, activity, 'SCHEDULE_TO_CLOSE');
  },
  activityStartToClose(t, ref) {
    const activity = findActivityByScheduledId(t, Number(ref));
    if (activity?.startedEventId !== undefined) timeOutActivity(t, activity, 'START_TO_CLOSE');
  },
  activityHeartbeat(t, ref) {
    const activity = findActivityByScheduledId(t, Number(ref));
    if (activity?.startedEventId !== undefined) timeOutActivity(t, activity, 'HEARTBEAT');
  },
  timer(t, ref) {
    const timer = Object.values(t.state.timers).find((x) => x.startedEventId === Number(ref));
    if (!timer) return;
    delete t.state.timers[timer.timerId];
    t.record('TimerFired', { timerId: timer.timerId, startedEventId: timer.startedEventId });
    t.wantDecision();
  },
  lambdaStartToClose(t, ref) {
    const lambda = Object.values(t.state.lambdas).find((l) => l.scheduledEventId === Number(ref));
    if (!lambda) return;
    delete t.state.lambdas[lambda.id];
    t.record('LambdaFunctionTimedOut', {
      scheduledEventId: lambda.scheduledEventId,
      startedEventId: lambda.startedEventId ?? 0,
      timeoutType: 'START_TO_CLOSE',
    });
    t.wantDecision();
  },
};

export function fireTimeout(t: Transition, kind: Exclude<TimerKind, 'retention'>, ref: string): void {
  if (!isOpen(t.state)) return;
  handlers[kind](t, ref);
  t.finish();
}
