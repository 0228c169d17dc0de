/** Reading history events: their attributes member and a one-line summary. Pure (the timeline's unit test compiles it without the DOM). */
import type { HistoryEvent } from '../model/shapes.js';

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
