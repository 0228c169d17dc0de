/**
 * The timeline of a run, built from its history: one row per activityId (every attempt, i.e.
 * every ActivityTaskScheduled of that id, on the same row), per timerId, per child workflowId,
 * per Lambda id, one for the decision tasks, one for the run itself and one for the instants
 * (signals, markers, cancel requests). Each bar goes from scheduled (or initiated) to started
 * to closed and carries the outcome and the ids of its events. Pure: events and "now" in.
 */
import type { EventType, HistoryEvent } from '../model/shapes.js';
import { attributesOf } from './events.js';

export type Outcome = 'completed' | 'failed' | 'timedOut' | 'canceled' | 'terminated' | 'continued' | 'running' | 'scheduled' | 'instant';
export type RowKind = 'workflow' | 'decision' | 'activity' | 'timer' | 'child' | 'lambda' | 'instant';

export interface Segment {
  start: number;
  started?: number;
  /** Absent while open: the bar runs to "now". */
  end?: number;
  /** A timer's fire time, shown while it runs. */
  due?: number;
  outcome: Outcome;
  eventIds: number[];
  title: string;
  /** A child's run, once started, to link to. */
  runId?: string;
}

export interface Row {
  key: string;
  kind: RowKind;
  label: string;
  detail?: string;
  segments: Segment[];
}

export interface Timeline {
  start: number;
  end: number;
  rows: Row[];
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const typeName = (v: unknown): string => {
  const o = (typeof v === 'object' && v !== null ? v : {}) as { name?: unknown; version?: unknown };
  return typeof o.name === 'string' ? `${o.name} v${str(o.version)}` : '';
};

export function buildTimeline(events: readonly HistoryEvent[], now: number): Timeline {
  const rows = new Map<string, Row>();
  const order: Row[] = [];
  /** Open segments by the event id later events point back to (scheduled, initiated, started). */
  const byEvent = new Map<string, Segment>();
  const row = (key: string, kind: RowKind, label: string, detail?: string): Row => {
    let r = rows.get(key);
    if (r === undefined) {
      r = { key, kind, label, segments: [], ...(detail ? { detail } : {}) };
      rows.set(key, r);
      order.push(r);
    }
    return r;
  };
  const workflow = row('workflow', 'workflow', 'Workflow execution');
  const decisions = row('decisions', 'decision', 'Decision tasks');
  const instants = row('instants', 'instant', 'Signals, markers, requests');
  const open = (r: Row, ref: string, e: HistoryEvent, title: string, outcome: Outcome = 'scheduled'): Segment => {
    const s: Segment = { start: e.eventTimestamp, outcome, eventIds: [e.eventId], title };
    r.segments.push(s);
    byEvent.set(ref, s);
    return s;
  };
  const start = (ref: string, e: HistoryEvent): Segment | undefined => {
    const s = byEvent.get(ref);
    if (s !== undefined) {
      s.started = e.eventTimestamp;
      s.outcome = 'running';
      s.eventIds.push(e.eventId);
    }
    return s;
  };
  const close = (ref: string, e: HistoryEvent, outcome: Outcome): void => {
    const s = byEvent.get(ref);
    if (s === undefined) return;
    s.end = e.eventTimestamp;
    s.outcome = outcome;
    s.eventIds.push(e.eventId);
    byEvent.delete(ref);
  };
  const instant = (r: Row, e: HistoryEvent, title: string, outcome: Outcome = 'instant'): void => {
    r.segments.push({ start: e.eventTimestamp, end: e.eventTimestamp, outcome, eventIds: [e.eventId], title });
  };
  const closeRun = (e: HistoryEvent, outcome: Outcome) => close('run', e, outcome);

  for (const e of events) {
    const a = attributesOf(e);
    const type: EventType = e.eventType;
    switch (type) {
      case 'WorkflowExecutionStarted':
        open(workflow, 'run', e, `Run of ${typeName(a.workflowType)}`, 'running').started = e.eventTimestamp;
        break;
      case 'WorkflowExecutionCompleted':
        closeRun(e, 'completed');
        break;
      case 'WorkflowExecutionFailed':
        closeRun(e, 'failed');
        break;
      case 'WorkflowExecutionTimedOut':
        closeRun(e, 'timedOut');
        break;
      case 'WorkflowExecutionCanceled':
        closeRun(e, 'canceled');
        break;
      case 'WorkflowExecutionTerminated':
        closeRun(e, 'terminated');
        break;
      case 'WorkflowExecutionContinuedAsNew':
        closeRun(e, 'continued');
        break;
      case 'DecisionTaskScheduled':
        open(decisions, `d${e.eventId}`, e, 'Decision task');
        break;
      case 'DecisionTaskStarted':
        start(`d${num(a.scheduledEventId)}`, e);
        break;
      case 'DecisionTaskCompleted':
        close(`d${num(a.scheduledEventId)}`, e, 'completed');
        break;
      case 'DecisionTaskTimedOut':
        close(`d${num(a.scheduledEventId)}`, e, 'timedOut');
        break;
      case 'ActivityTaskScheduled': {
        const id = str(a.activityId);
        const r = row(`a:${id}`, 'activity', id, typeName(a.activityType));
        open(r, `a${e.eventId}`, e, `Activity ${id} (attempt ${r.segments.length + 1})`);
        break;
      }
      case 'ScheduleActivityTaskFailed':
        instant(row(`a:${str(a.activityId)}`, 'activity', str(a.activityId), typeName(a.activityType)), e, `Could not schedule: ${str(a.cause)}`, 'failed');
        break;
      case 'ActivityTaskStarted':
        start(`a${num(a.scheduledEventId)}`, e);
        break;
      case 'ActivityTaskCompleted':
        close(`a${num(a.scheduledEventId)}`, e, 'completed');
        break;
      case 'ActivityTaskFailed':
        close(`a${num(a.scheduledEventId)}`, e, 'failed');
        break;
      case 'ActivityTaskTimedOut':
        close(`a${num(a.scheduledEventId)}`, e, 'timedOut');
        break;
      case 'ActivityTaskCanceled':
        close(`a${num(a.scheduledEventId)}`, e, 'canceled');
        break;
      case 'ActivityTaskCancelRequested':
      case 'RequestCancelActivityTaskFailed':
        instant(row(`a:${str(a.activityId)}`, 'activity', str(a.activityId)), e, type === 'ActivityTaskCancelRequested' ? 'Cancel requested' : `Cancel request failed: ${str(a.cause)}`, type === 'ActivityTaskCancelRequested' ? 'instant' : 'failed');
        break;
      case 'TimerStarted': {
        const id = str(a.timerId);
        const s = open(row(`t:${id}`, 'timer', `timer ${id}`, `fires after ${str(a.startToFireTimeout)} s`), `t${e.eventId}`, e, `Timer ${id}`, 'running');
        s.started = e.eventTimestamp;
        const wait = Number(a.startToFireTimeout);
        if (Number.isFinite(wait)) s.due = e.eventTimestamp + wait;
        break;
      }
      case 'StartTimerFailed':
      case 'CancelTimerFailed':
        instant(row(`t:${str(a.timerId)}`, 'timer', `timer ${str(a.timerId)}`), e, `${type}: ${str(a.cause)}`, 'failed');
        break;
      case 'TimerFired':
        close(`t${num(a.startedEventId)}`, e, 'completed');
        break;
      case 'TimerCanceled':
        close(`t${num(a.startedEventId)}`, e, 'canceled');
        break;
      case 'StartChildWorkflowExecutionInitiated': {
        const id = str(a.workflowId);
        open(row(`c:${id}`, 'child', `child ${id}`, typeName(a.workflowType)), `c${e.eventId}`, e, `Child ${id}`);
        break;
      }
      case 'StartChildWorkflowExecutionFailed':
        if (byEvent.has(`c${num(a.initiatedEventId)}`)) close(`c${num(a.initiatedEventId)}`, e, 'failed');
        else instant(row(`c:${str(a.workflowId)}`, 'child', `child ${str(a.workflowId)}`), e, `Could not start: ${str(a.cause)}`, 'failed');
        break;
      case 'ChildWorkflowExecutionStarted': {
        const s = start(`c${num(a.initiatedEventId)}`, e);
        const ex = a.workflowExecution as { runId?: string } | undefined;
        if (s !== undefined && ex?.runId) s.runId = ex.runId;
        break;
      }
      case 'ChildWorkflowExecutionCompleted':
        close(`c${num(a.initiatedEventId)}`, e, 'completed');
        break;
      case 'ChildWorkflowExecutionFailed':
        close(`c${num(a.initiatedEventId)}`, e, 'failed');
        break;
      case 'ChildWorkflowExecutionTimedOut':
        close(`c${num(a.initiatedEventId)}`, e, 'timedOut');
        break;
      case 'ChildWorkflowExecutionCanceled':
        close(`c${num(a.initiatedEventId)}`, e, 'canceled');
        break;
      case 'ChildWorkflowExecutionTerminated':
        close(`c${num(a.initiatedEventId)}`, e, 'terminated');
        break;
      case 'LambdaFunctionScheduled': {
        const id = str(a.id);
        open(row(`l:${id}`, 'lambda', `lambda ${id}`, str(a.name)), `l${e.eventId}`, e, `Lambda ${id}`);
        break;
      }
      case 'ScheduleLambdaFunctionFailed':
        instant(row(`l:${str(a.id)}`, 'lambda', `lambda ${str(a.id)}`, str(a.name)), e, `Could not schedule: ${str(a.cause)}`, 'failed');
        break;
      case 'LambdaFunctionStarted':
        start(`l${num(a.scheduledEventId)}`, e);
        break;
      case 'LambdaFunctionCompleted':
        close(`l${num(a.scheduledEventId)}`, e, 'completed');
        break;
      case 'LambdaFunctionFailed':
      case 'StartLambdaFunctionFailed':
        close(`l${num(a.scheduledEventId)}`, e, 'failed');
        break;
      case 'LambdaFunctionTimedOut':
        close(`l${num(a.scheduledEventId)}`, e, 'timedOut');
        break;
      case 'WorkflowExecutionSignaled':
        instant(instants, e, `Signal ${str(a.signalName)}`);
        break;
      case 'MarkerRecorded':
        instant(instants, e, `Marker ${str(a.markerName)}`);
        break;
      case 'WorkflowExecutionCancelRequested':
        instant(instants, e, 'Cancel requested');
        break;
      case 'SignalExternalWorkflowExecutionInitiated':
      case 'RequestCancelExternalWorkflowExecutionInitiated':
      case 'ExternalWorkflowExecutionSignaled':
      case 'ExternalWorkflowExecutionCancelRequested':
        instant(instants, e, `${type} ${str(a.workflowId) || str((a.workflowExecution as { workflowId?: string } | undefined)?.workflowId)}`);
        break;
      case 'RecordMarkerFailed':
      case 'SignalExternalWorkflowExecutionFailed':
      case 'RequestCancelExternalWorkflowExecutionFailed':
      case 'CompleteWorkflowExecutionFailed':
      case 'FailWorkflowExecutionFailed':
      case 'CancelWorkflowExecutionFailed':
      case 'ContinueAsNewWorkflowExecutionFailed':
        instant(instants, e, `${type}: ${str(a.cause)}`, 'failed');
        break;
      default: {
        const unhandled: never = type;
        void unhandled;
      }
    }
  }
  const first = events[0]?.eventTimestamp ?? now;
  const last = events[events.length - 1]?.eventTimestamp ?? now;
  const closed = workflow.segments[0]?.end !== undefined;
  const end = Math.max(closed ? last : Math.max(now, last), first + 0.001);
  return { start: first, end, rows: order.filter((r) => r.segments.length > 0) };
}

/** Tick marks: about `count` round steps over [start, end], as offsets from start in seconds. */
export function ticks(start: number, end: number, count = 6): number[] {
  const span = end - start;
  const steps = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 2592000];
  const step = steps.find((s) => span / s <= count) ?? span / count;
  const out: number[] = [];
  for (let t = 0; t <= span + 1e-9 && out.length < 100; t += step) out.push(t);
  return out;
}
