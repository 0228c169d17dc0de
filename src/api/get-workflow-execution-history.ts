import type { Handler } from './context.js';
import { decodeCursor, encodeCursor, isEventId } from '../store/cursor.js';
import { requireDomain, requireExecutionKey } from './common.js';
import { historyPage } from './history-page.js';
import { SwfFault } from '../faults.js';

/** The run and the last event id returned. PollForDecisionTask's cursor has other fields. */
interface HistoryCursor {
  h: string;
  e: number;
}
const isHistoryCursor = (v: unknown): v is HistoryCursor =>
  typeof v === 'object' && v !== null && typeof (v as HistoryCursor).h === 'string' && isEventId((v as HistoryCursor).e);

export const getWorkflowExecutionHistory: Handler<'GetWorkflowExecutionHistory'> = async (input, { store }) => {
  await requireDomain(store, input.domain);
  const state = await requireExecutionKey(store, input.domain, input.execution.workflowId, input.execution.runId);
  const cursor = input.nextPageToken !== undefined ? decodeCursor(input.nextPageToken, isHistoryCursor) : undefined;
  // A token of another run would silently restart this one from its first event.
  if (cursor && cursor.h !== state.runId) throw new SwfFault('ValidationException', 'Invalid nextPageToken');
  const page = await historyPage(store, {
    runId: state.runId,
    ...(cursor ? { after: cursor.e } : {}),
    reverse: input.reverseOrder === true,
    ...(input.maximumPageSize !== undefined ? { maximumPageSize: input.maximumPageSize } : {}),
  });
  return {
    events: page.events,
    ...(page.more && page.last !== undefined ? { nextPageToken: encodeCursor({ h: state.runId, e: page.last } satisfies HistoryCursor) } : {}),
  };
};
