/** Loading a run's history through the API, all of it or only what is new. */
import type { History, HistoryEvent, WorkflowExecution } from '../model/shapes.js';
import type { Api } from './api.js';

const PAGE = 1000;

/**
 * A run's whole history, or — given the events already known — those plus any new ones,
 * read newest first until a known event shows up (one call per poll when little changed).
 * Resolves to `known` itself when nothing is new, so nothing re-renders.
 */
export async function loadHistory(api: Api, domain: string, execution: WorkflowExecution, known?: HistoryEvent[]): Promise<HistoryEvent[]> {
  if (known === undefined) {
    const events: HistoryEvent[] = [];
    let token: string | undefined;
    do {
      const page = await api.call<History>('GetWorkflowExecutionHistory', { domain, execution, maximumPageSize: PAGE, ...(token ? { nextPageToken: token } : {}) });
      events.push(...page.events);
      token = page.nextPageToken;
    } while (token);
    return events;
  }
  const lastId = known[known.length - 1]?.eventId ?? 0;
  const fresh: HistoryEvent[] = [];
  let token: string | undefined;
  let reachedKnown = false;
  do {
    const page = await api.call<History>('GetWorkflowExecutionHistory', { domain, execution, reverseOrder: true, maximumPageSize: 100, ...(token ? { nextPageToken: token } : {}) });
    for (const e of page.events) {
      if (e.eventId <= lastId) {
        reachedKnown = true;
        break;
      }
      fresh.push(e);
    }
    token = page.nextPageToken;
  } while (token && !reachedKnown);
  return fresh.length === 0 ? known : [...known, ...fresh.reverse()];
}

/** One page of a run's history, oldest first. */
export function historyPage(api: Api, domain: string, execution: WorkflowExecution, token: string | undefined): Promise<History> {
  return api.call<History>('GetWorkflowExecutionHistory', { domain, execution, maximumPageSize: PAGE, ...(token ? { nextPageToken: token } : {}) });
}
