/**
 * PollForDecisionTask: a long poll that hands the next decision task of a task list to one
 * decider, with the run's history up to the task's DecisionTaskStarted event, paged.
 * A poll with nextPageToken returns the next page of that task's history, not a new task.
 */
import type { EmptyPolls, Handler, Services } from './context.js';
import type { RequestContext } from './context.js';
import { startDecisionTask, isOpen } from '../engine/index.js';
import { decodeCursor, encodeCursor, isEventId } from '../store/cursor.js';
import { requireDomain } from './common.js';
import { historyPage } from './history-page.js';
import { ClientGone } from './client-gone.js';
import { SwfFault } from '../faults.js';

/**
 * Where the next page of a decision task's history starts. It names the run, not the workflow
 * (the run gives the rest), so it stays well under the 2048 characters a page token may have.
 * Its fields differ from GetWorkflowExecutionHistory's cursor, so neither accepts the other's.
 */
interface DecisionTaskCursor {
  d: string; // task token
  r: string; // runId
  s: number; // startedEventId
  p: number; // previousStartedEventId
  e: number; // last event id returned
}
const isDecisionTaskCursor = (v: unknown): v is DecisionTaskCursor => {
  const c = v as DecisionTaskCursor;
  return typeof v === 'object' && v !== null && typeof c.d === 'string' && typeof c.r === 'string' && [c.s, c.p, c.e].every(isEventId);
};

const EMPTY: EmptyPolls['PollForDecisionTask'] = { previousStartedEventId: 0, startedEventId: 0 };

interface ClaimedDecisionTask {
  token: string;
  runId: string;
  workflowId: string;
  workflowType: { name: string; version: string };
  startedEventId: number;
  previousStartedEventId: number;
}

async function claimDecisionTask(s: Services, domain: string, taskList: string, identity: string | undefined, request: RequestContext): Promise<ClaimedDecisionTask | undefined> {
  return s.store.transaction(async (tx) => {
    for (;;) {
      const task = await tx.claimTask(domain, 'decision', taskList);
      if (!task) return undefined;
      const state = await tx.getExecution(task.runId);
      if (!state || !isOpen(state) || state.decision.scheduled?.token !== task.token) {
        await tx.removeTask(task.token); // a leftover of a closed run; never hand it out
        continue;
      }
      const t = s.executor.begin(state);
      const startedEventId = startDecisionTask(t, identity);
      await s.executor.persist(tx, t);
      // The client hung up while we waited: roll back so the task stays scheduled.
      if (request.clientGone()) throw new ClientGone();
      return {
        token: task.token,
        runId: state.runId,
        workflowId: state.workflowId,
        workflowType: state.workflowType,
        startedEventId,
        previousStartedEventId: state.decision.previousStartedEventId,
      };
    }
  });
}

export const pollForDecisionTask: Handler<'PollForDecisionTask'> = async (input, s, request) => {
  const reverse = input.reverseOrder === true;
  let claimed: ClaimedDecisionTask | undefined;
  let after: number | undefined;
  if (input.nextPageToken !== undefined) {
    await requireDomain(s.store, input.domain);
    const c = decodeCursor(input.nextPageToken, isDecisionTaskCursor);
    // A token only reads runs of the domain it is presented with.
    const state = await s.store.getExecutionKey(c.r);
    if (!state || state.domain !== input.domain) throw new SwfFault('ValidationException', 'Invalid nextPageToken');
    claimed = { token: c.d, runId: c.r, workflowId: state.workflowId, workflowType: state.workflowType, startedEventId: c.s, previousStartedEventId: c.p };
    after = c.e;
  } else {
    const key = { domain: input.domain, kind: 'decision' as const, taskList: input.taskList.name };
    try {
      // The domain is read only when no task is there at once (see PollForActivityTask).
      claimed = await s.dispatcher.poll(key, s.settings.pollTimeoutMs, request.signal, () => claimDecisionTask(s, input.domain, input.taskList.name, input.identity, request), {
        whenEmpty: async () => void (await requireDomain(s.store, input.domain)),
      });
    } catch (err) {
      if (err instanceof ClientGone) return EMPTY;
      throw err;
    }
    if (!claimed) return EMPTY;
    if (input.startAtPreviousStartedEvent === true && claimed.previousStartedEventId > 0 && !reverse) {
      after = claimed.previousStartedEventId - 1;
    }
  }
  const page = await historyPage(s.store, {
    runId: claimed.runId,
    ...(after !== undefined ? { after } : {}),
    upTo: claimed.startedEventId,
    reverse,
    ...(input.maximumPageSize !== undefined ? { maximumPageSize: input.maximumPageSize } : {}),
  });
  const cursor: DecisionTaskCursor | undefined =
    page.more && page.last !== undefined
      ? { d: claimed.token, r: claimed.runId, s: claimed.startedEventId, p: claimed.previousStartedEventId, e: page.last }
      : undefined;
  return {
    taskToken: claimed.token,
    startedEventId: claimed.startedEventId,
    previousStartedEventId: claimed.previousStartedEventId,
    workflowExecution: { workflowId: claimed.workflowId, runId: claimed.runId },
    workflowType: claimed.workflowType,
    events: page.events,
    ...(cursor ? { nextPageToken: encodeCursor(cursor) } : {}),
  };
};
