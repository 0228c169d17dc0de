/**
 * `executions history`: a run's events as a timeline, one line each — id, time, type (coloured
 * by what it means) and the attributes an operator looks for. `--follow` keeps reading new
 * events until the run closes; `--json` prints one event object per line (NDJSON), so a
 * script can read them as they come.
 */
import { GetWorkflowExecutionHistoryCommand, type HistoryEvent, type SWFClient } from '@aws-sdk/client-swf';
import { paint, useColour, when, type Colour } from './output.js';

const CLOSING = new Set([
  'WorkflowExecutionCompleted',
  'WorkflowExecutionFailed',
  'WorkflowExecutionTimedOut',
  'WorkflowExecutionCanceled',
  'WorkflowExecutionTerminated',
  'WorkflowExecutionContinuedAsNew',
]);

export const closesRun = (e: HistoryEvent): boolean => CLOSING.has(e.eventType ?? '');

function colourOf(type: string): Colour | undefined {
  if (/Failed|TimedOut|Terminated/.test(type)) return 'red';
  if (/Completed$/.test(type)) return 'green';
  if (/Cancel/.test(type)) return 'yellow';
  if (/Signal/.test(type)) return 'magenta';
  if (/Started$/.test(type)) return 'cyan';
  if (/Scheduled$|Initiated$/.test(type)) return 'blue';
  return undefined;
}

/** The `<eventType>EventAttributes` member of an event. */
function attributesOf(e: HistoryEvent): Record<string, unknown> {
  const type = e.eventType ?? '';
  const key = `${type.charAt(0).toLowerCase()}${type.slice(1)}EventAttributes` as keyof HistoryEvent;
  const value = e[key];
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

const MAX_VALUE = 60;

/** A value on one short line: names and versions joined, long text cut. */
function brief(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.length > MAX_VALUE ? `${JSON.stringify(value.slice(0, MAX_VALUE))}…` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.name === 'string' && typeof o.version === 'string') return `${o.name}:${o.version}`;
    if (typeof o.name === 'string' && Object.keys(o).length === 1) return o.name;
    if (typeof o.workflowId === 'string') return `${o.workflowId}${typeof o.runId === 'string' ? `/${o.runId}` : ''}`;
  }
  return undefined; // nested structures stay in --json
}

export function formatEvent(e: HistoryEvent, colour: boolean): string {
  const type = e.eventType ?? '?';
  const fields = Object.entries(attributesOf(e))
    // The ids that tie events together are what one follows in a timeline; keep them, drop noise.
    .map(([k, v]) => [k, brief(v)] as const)
    .filter((f): f is readonly [string, string] => f[1] !== undefined)
    .map(([k, v]) => `${paint(k, 'grey', colour)}=${v}`);
  const id = String(e.eventId ?? '?').padStart(4);
  return `${id}  ${paint(when(e.eventTimestamp), 'grey', colour)}  ${paint(type.padEnd(40), colourOf(type), colour)}  ${fields.join(' ')}`.trimEnd();
}

/** Events of a run after `afterId`, oldest first. */
export async function eventsAfter(swf: SWFClient, domain: string, execution: { workflowId: string; runId: string }, afterId: number): Promise<HistoryEvent[]> {
  if (afterId === 0) {
    const all: HistoryEvent[] = [];
    let nextPageToken: string | undefined;
    do {
      const page = await swf.send(new GetWorkflowExecutionHistoryCommand({ domain, execution, nextPageToken, maximumPageSize: 1000 }));
      all.push(...(page.events ?? []));
      nextPageToken = page.nextPageToken;
    } while (nextPageToken);
    return all;
  }
  // Following: read newest first and stop at what was already printed, so each look costs
  // what is new, not the whole history again.
  const fresh: HistoryEvent[] = [];
  let nextPageToken: string | undefined;
  for (;;) {
    const page = await swf.send(new GetWorkflowExecutionHistoryCommand({ domain, execution, nextPageToken, reverseOrder: true, maximumPageSize: 100 }));
    const events = page.events ?? [];
    const newer = events.filter((e) => (e.eventId ?? 0) > afterId);
    fresh.push(...newer);
    nextPageToken = page.nextPageToken;
    if (newer.length < events.length || !nextPageToken) break;
  }
  return fresh.reverse();
}

export interface ShowOptions {
  json: boolean;
  follow: boolean;
  intervalMs: number;
}

export async function showHistory(swf: SWFClient, domain: string, execution: { workflowId: string; runId: string }, options: ShowOptions): Promise<void> {
  const colour = !options.json && useColour();
  let last = 0;
  for (;;) {
    const events = await eventsAfter(swf, domain, execution, last);
    for (const e of events) {
      process.stdout.write(`${options.json ? JSON.stringify(e) : formatEvent(e, colour)}\n`);
      last = Math.max(last, e.eventId ?? last);
    }
    if (!options.follow || events.some(closesRun)) return;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
}
