import type { Handler } from './context.js';
import { decodeCursor, encodeCursor } from '../store/cursor.js';
import { requireDomain, requireExecution } from './common.js';
import { historyPage } from './history-page.js';

interface HistoryCursor {
  r: string;
  e: number;
}
const isHistoryCursor = (v: unknown): v is HistoryCursor =>
  typeof v === 'object' && v !== null && typeof (v as HistoryCursor).r === 'string' && typeof (v as HistoryCursor).e === 'number';

export const getWorkflowExecutionHistory: Handler<'GetWorkflowExecutionHistory'> = async (input, { store }) => {
  await requireDomain(store, input.domain);
  const state = await requireExecution(store, input.domain, input.execution.workflowId, input.execution.runId);
  const cursor = input.nextPageToken !== undefined ? decodeCursor(input.nextPageToken, isHistoryCursor) : undefined;
  const page = await historyPage(store, {
    runId: state.runId,
    ...(cursor && cursor.r === state.runId ? { after: cursor.e } : {}),
    reverse: input.reverseOrder === true,
    ...(input.maximumPageSize !== undefined ? { maximumPageSize: input.maximumPageSize } : {}),
  });
  return {
    events: page.events,
    ...(page.more && page.last !== undefined ? { nextPageToken: encodeCursor({ r: state.runId, e: page.last }) } : {}),
  };
};
