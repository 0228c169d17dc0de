/** Pages of a run's history, for GetWorkflowExecutionHistory and decision tasks alike. */
import type { HistoryEvent } from '../model/shapes.js';
import type { StoreReader } from '../store/types.js';
import { pageSize } from './common.js';

export interface HistoryPageRequest {
  runId: string;
  /** Last event id the previous page returned (exclusive bound), if any. */
  after?: number;
  /** Events above this id are not part of the view (a decision task sees up to its start). */
  upTo?: number;
  reverse: boolean;
  maximumPageSize?: number;
}

export async function historyPage(store: StoreReader, req: HistoryPageRequest): Promise<{ events: HistoryEvent[]; last?: number; more: boolean }> {
  const size = pageSize(req.maximumPageSize);
  const after = req.reverse ? (req.after ?? (req.upTo !== undefined ? req.upTo + 1 : undefined)) : req.after;
  // One extra row tells whether another page exists.
  let events = await store.getHistory(req.runId, { ...(after !== undefined ? { after } : {}), limit: size + 1, reverse: req.reverse });
  if (req.upTo !== undefined && !req.reverse) events = events.filter((e) => e.eventId <= (req.upTo as number));
  const more = events.length > size;
  const page = events.slice(0, size);
  const last = page[page.length - 1]?.eventId;
  return { events: page, ...(last !== undefined ? { last } : {}), more };
}
