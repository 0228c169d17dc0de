import type { Handler } from './context.js';
import { requireDomain } from './common.js';

export const countPendingDecisionTasks: Handler<'CountPendingDecisionTasks'> = async (input, { store }) => {
  await requireDomain(store, input.domain);
  return { count: await store.countPendingTasks(input.domain, 'decision', input.taskList.name), truncated: false };
};

export const countPendingActivityTasks: Handler<'CountPendingActivityTasks'> = async (input, { store }) => {
  await requireDomain(store, input.domain);
  return { count: await store.countPendingTasks(input.domain, 'activity', input.taskList.name), truncated: false };
};
