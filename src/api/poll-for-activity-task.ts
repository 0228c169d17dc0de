/** PollForActivityTask: a long poll that hands the next activity task of a task list to one worker. */
import type { ActivityTask } from '../model/shapes.js';
import type { EmptyPolls, Handler, Services } from './context.js';
import type { RequestContext } from './context.js';
import { isOpen, startActivity } from '../engine/index.js';
import { requireDomain } from './common.js';
import { ClientGone } from './client-gone.js';

const EMPTY: EmptyPolls['PollForActivityTask'] = { startedEventId: 0 };

async function claimActivityTask(s: Services, domain: string, taskList: string, identity: string | undefined, request: RequestContext): Promise<ActivityTask | undefined> {
  return s.store.transaction(async (tx) => {
    for (;;) {
      const task = await tx.claimTask(domain, 'activity', taskList);
      if (!task) return undefined;
      const state = await tx.getExecution(task.runId);
      const activity = state && isOpen(state) ? Object.values(state.activities).find((a) => a.token === task.token) : undefined;
      if (!state || !activity) {
        await tx.removeTask(task.token);
        continue;
      }
      const t = s.executor.begin(state);
      const startedEventId = startActivity(t, activity, identity);
      await s.executor.persist(tx, t);
      if (request.clientGone()) throw new ClientGone();
      return {
        taskToken: task.token,
        activityId: activity.activityId,
        startedEventId,
        workflowExecution: { workflowId: state.workflowId, runId: state.runId },
        activityType: activity.activityType,
        ...(activity.input !== undefined ? { input: activity.input } : {}),
      };
    }
  });
}

export const pollForActivityTask: Handler<'PollForActivityTask'> = async (input, s, request) => {
  const key = { domain: input.domain, kind: 'activity' as const, taskList: input.taskList.name };
  try {
    // A task handed out proves its domain exists (domains are never deleted), so the domain is
    // read only when there is none: one read fewer for every poll that gets a task at once.
    const task = await s.dispatcher.poll(key, s.settings.pollTimeoutMs, request.signal, () => claimActivityTask(s, input.domain, input.taskList.name, input.identity, request), {
      whenEmpty: async () => void (await requireDomain(s.store, input.domain)),
    });
    return task ?? EMPTY;
  } catch (err) {
    if (err instanceof ClientGone) return EMPTY;
    throw err;
  }
};
