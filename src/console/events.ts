/** Reading history events: their attributes member, a one-line summary, and loading a run's history. */
import type { History, HistoryEvent, WorkflowExecution } from '../model/shapes.js';
import type { Api } from './api.js';

/** The `<eventType>EventAttributes` member of an event. */
export function attributesOf(e: HistoryEvent): Record<string, unknown> {
  const key = `${e.eventType.charAt(0).toLowerCase()}${e.eventType.slice(1)}EventAttributes`;
  const value = (e as unknown as Record<string, unknown>)[key];
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** Members worth a glance in the table, in this order; ids that only point at other events come last. */
const SUMMARY_KEYS = [
  'activityId',
  'activityType',
  'timerId',
  'workflowId',
  'workflowType',
  'signalName',
  'markerName',
  'name',
  'id',
  'cause',
  'reason',
  'timeoutType',
  'result',
  'details',
  'input',
  'identity',
  'startToFireTimeout',
  'taskList',
  'scheduledEventId',
  'startedEventId',
  'initiatedEventId',
];

function short(value: unknown): string {
  if (typeof value === 'string') return value.length > 60 ? `${value.slice(0, 59)}…` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    if (typeof o.name === 'string' && typeof o.version === 'string') return `${o.name} v${o.version}`;
    if (typeof o.name === 'string') return o.name;
    if (typeof o.workflowId === 'string') return o.workflowId;
  }
  return JSON.stringify(value);
}

export function summarize(e: HistoryEvent): string {
  const attrs = attributesOf(e);
  const parts: string[] = [];
  for (const key of SUMMARY_KEYS) {
    if (attrs[key] === undefined) continue;
    if (key === 'workflowExecution') continue;
    parts.push(`${key}: ${short(attrs[key])}`);
    if (parts.length === 4) break;
  }
  return parts.join(' · ');
}

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
