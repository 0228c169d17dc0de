/**
 * What a worker says about its activity task: heartbeat, completed, failed, canceled. A token
 * of a task that closed or timed out, or of a closed run, is unknown.
 */
import type { ActivityState, Transition } from '../engine/index.js';
import { cancelActivity, completeActivity, failActivity, heartbeat } from '../engine/index.js';
import type { Handler, Services } from './context.js';
import { requireStartedTask, unknownTask } from './task-token.js';

async function withActivity<T>(s: Services, token: string, change: (t: Transition, activity: ActivityState) => T): Promise<T> {
  return s.store.transaction(async (tx) => {
    const { task, state } = await requireStartedTask(tx, token, 'activity');
    const activity = Object.values(state.activities).find((a) => a.token === token);
    if (!activity) throw unknownTask('activity', task.scheduledEventId);
    const t = s.executor.begin(state);
    const result = change(t, activity);
    await s.executor.persist(tx, t);
    return result;
  });
}

export const recordActivityTaskHeartbeat: Handler<'RecordActivityTaskHeartbeat'> = (input, s) =>
  withActivity(s, input.taskToken, (t, a) => heartbeat(t, a, input.details));

export const respondActivityTaskCompleted: Handler<'RespondActivityTaskCompleted'> = (input, s) =>
  withActivity(s, input.taskToken, (t, a) => completeActivity(t, a, input.result));

export const respondActivityTaskFailed: Handler<'RespondActivityTaskFailed'> = (input, s) =>
  withActivity(s, input.taskToken, (t, a) => failActivity(t, a, input.reason, input.details));

export const respondActivityTaskCanceled: Handler<'RespondActivityTaskCanceled'> = (input, s) =>
  withActivity(s, input.taskToken, (t, a) => cancelActivity(t, a, input.details));
