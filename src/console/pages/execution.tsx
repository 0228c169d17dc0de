/**
 * /console/domains/<domain>/executions/<workflowId>/<runId> — one run: its details, input and
 * result, parent, children and continue-as-new chain as links, pending activities with their
 * last heartbeat details, the deadlines armed for it, its timeline and its history. While the
 * run is open the page re-reads it every second (DescribeWorkflowExecution and the history's
 * newest page), so new events show within about a second without a reload.
 */
import { useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { HistoryEvent, WorkflowExecution, WorkflowExecutionDetail } from '../../model/shapes.js';
import type { Api } from '../api.js';
import { useApi, usePoll } from '../hooks.js';
import { attributesOf } from '../events.js';
import { historyPage, loadHistory } from '../history-loader.js';
import { formatDuration, formatSwfDuration, formatTime } from '../format.js';
import { executionHref, executionsHref, Link } from '../router.js';
import { Badge, FaultMessage, Payload, statusTone } from '../parts/common.js';
import { Actions } from '../parts/actions.js';
import { HistoryTable } from '../parts/history.js';
import { Timeline } from '../parts/timeline.js';
import { DeadlinesTable, useServerNow, type Deadline } from '../parts/clock.js';

const LIVE_MS = 1000;

interface Loaded {
  detail: WorkflowExecutionDetail;
  events: HistoryEvent[];
  /** The page token of the rest of the history while it is still being read. */
  more?: string;
}

/**
 * The run and its history. A long history is shown as it comes: the first load reads the
 * first page, and each next load (the page asks for them at once) one more page, until the
 * history is whole; from then on a load reads only what is new.
 */
async function load(api: Api, domain: string, execution: WorkflowExecution, previous: Loaded | undefined): Promise<Loaded> {
  if (previous?.more !== undefined) {
    const page = await historyPage(api, domain, execution, previous.more);
    const { more: _, ...rest } = previous;
    return { ...rest, events: [...previous.events, ...page.events], ...(page.nextPageToken ? { more: page.nextPageToken } : {}) };
  }
  if (previous === undefined) {
    const [detail, page] = await Promise.all([api.call<WorkflowExecutionDetail>('DescribeWorkflowExecution', { domain, execution }), historyPage(api, domain, execution, undefined)]);
    if (page.nextPageToken) return { detail, events: page.events, more: page.nextPageToken };
    return finish(api, domain, execution, detail, page.events);
  }
  if (previous.detail.executionInfo.executionStatus === 'CLOSED') return previous;
  const [detail, events] = await Promise.all([
    api.call<WorkflowExecutionDetail>('DescribeWorkflowExecution', { domain, execution }),
    loadHistory(api, domain, execution, previous?.events),
  ]);
  return finish(api, domain, execution, detail, events);
}

/** A run that closed between the two reads: read the tail once more so the close event shows. */
async function finish(api: Api, domain: string, execution: WorkflowExecution, detail: WorkflowExecutionDetail, events: HistoryEvent[]): Promise<Loaded> {
  const closedLate = detail.executionInfo.executionStatus === 'CLOSED' && !events.some((e) => closingOutcome(e) !== undefined);
  return { detail, events: closedLate ? await loadHistory(api, domain, execution, events) : events };
}

/** The close event's payload: result, reason and details, and so on. */
function closingOutcome(e: HistoryEvent): { label: string; text: string | undefined; extra?: string } | undefined {
  const a = attributesOf(e);
  const s = (v: unknown) => (typeof v === 'string' ? v : undefined);
  switch (e.eventType) {
    case 'WorkflowExecutionCompleted':
      return { label: 'Result', text: s(a.result) };
    case 'WorkflowExecutionFailed':
      return { label: 'Failure', text: [s(a.reason), s(a.details)].filter(Boolean).join('\n\n') || undefined };
    case 'WorkflowExecutionCanceled':
      return { label: 'Cancellation details', text: s(a.details) };
    case 'WorkflowExecutionTerminated':
      return { label: 'Termination', text: [s(a.reason) && `reason: ${s(a.reason)}`, s(a.details) && `details: ${s(a.details)}`, s(a.cause) && `cause: ${s(a.cause)}`].filter(Boolean).join('\n') || undefined };
    case 'WorkflowExecutionTimedOut':
      return { label: 'Timed out', text: `timeoutType: ${s(a.timeoutType) ?? ''}` };
    case 'WorkflowExecutionContinuedAsNew':
      return { label: 'Continued as new, with input', text: s(a.input) };
    default:
      return undefined;
  }
}

interface ChildLink {
  workflowId: string;
  runId?: string;
  type: string;
  status: string;
}

function childrenOf(events: HistoryEvent[]): ChildLink[] {
  const byInitiated = new Map<number, ChildLink>();
  for (const e of events) {
    const a = attributesOf(e);
    const initiated = typeof a.initiatedEventId === 'number' ? a.initiatedEventId : undefined;
    if (e.eventType === 'StartChildWorkflowExecutionInitiated') {
      const t = a.workflowType as { name: string; version: string };
      byInitiated.set(e.eventId, { workflowId: String(a.workflowId), type: `${t.name} v${t.version}`, status: 'starting' });
    } else if (initiated !== undefined && byInitiated.has(initiated)) {
      const c = byInitiated.get(initiated);
      if (c === undefined) continue;
      if (e.eventType === 'ChildWorkflowExecutionStarted') {
        c.runId = (a.workflowExecution as WorkflowExecution).runId;
        c.status = 'open';
      } else if (e.eventType === 'StartChildWorkflowExecutionFailed') c.status = `failed to start (${String(a.cause)})`;
      else if (e.eventType.startsWith('ChildWorkflowExecution')) c.status = e.eventType.replace('ChildWorkflowExecution', '').toLowerCase();
    }
  }
  return [...byInitiated.values()];
}

/** The runs before and after this one in its continue-as-new chain (up to `max` each way). */
async function chainOf(api: Api, domain: string, workflowId: string, events: HistoryEvent[], max = 10): Promise<{ before: string[]; after: string[] }> {
  const firstOf = async (runId: string, reverse: boolean) => {
    const page = await api.call<{ events: HistoryEvent[] }>('GetWorkflowExecutionHistory', { domain, execution: { workflowId, runId }, maximumPageSize: 1, reverseOrder: reverse });
    return page.events[0];
  };
  const before: string[] = [];
  let prev = events[0] ? attributesOf(events[0]).continuedExecutionRunId : undefined;
  while (typeof prev === 'string' && before.length < max) {
    before.unshift(prev);
    const e = await firstOf(prev, false).catch(() => undefined);
    prev = e ? attributesOf(e).continuedExecutionRunId : undefined;
  }
  const after: string[] = [];
  const last = events[events.length - 1];
  let next = last?.eventType === 'WorkflowExecutionContinuedAsNew' ? attributesOf(last).newExecutionRunId : undefined;
  while (typeof next === 'string' && after.length < max) {
    after.push(next);
    const e = await firstOf(next, true).catch(() => undefined);
    next = e?.eventType === 'WorkflowExecutionContinuedAsNew' ? attributesOf(e).newExecutionRunId : undefined;
  }
  return { before, after };
}

interface PendingActivity {
  activityId: string;
  activityType: { name: string; version: string };
  scheduledEventId: number;
  startedEventId?: number;
  heartbeatTimeout: string;
  heartbeatDetails?: string;
  cancelRequested: boolean;
}

/** The open activities as the history tells them (no heartbeat details): for callers the /admin/ read is refused to. */
function pendingFromHistory(events: HistoryEvent[]): PendingActivity[] {
  const open = new Map<number, PendingActivity>();
  for (const e of events) {
    const a = attributesOf(e);
    const scheduled = typeof a.scheduledEventId === 'number' ? a.scheduledEventId : undefined;
    if (e.eventType === 'ActivityTaskScheduled') {
      open.set(e.eventId, { activityId: String(a.activityId), activityType: a.activityType as PendingActivity['activityType'], scheduledEventId: e.eventId, heartbeatTimeout: String(a.heartbeatTimeout ?? 'NONE'), cancelRequested: false });
    } else if (e.eventType === 'ActivityTaskStarted' && scheduled !== undefined) {
      const p = open.get(scheduled);
      if (p) p.startedEventId = e.eventId;
    } else if (e.eventType === 'ActivityTaskCancelRequested') {
      for (const p of open.values()) if (p.activityId === a.activityId) p.cancelRequested = true;
    } else if (scheduled !== undefined && /^ActivityTask(Completed|Failed|TimedOut|Canceled)$/.test(e.eventType)) {
      open.delete(scheduled);
    }
  }
  return [...open.values()];
}

function Detail({ label, children }: { label: string; children: JSX.Element | string | number | undefined }): JSX.Element {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children ?? '—'}</dd>
    </div>
  );
}

export function ExecutionPage({ domain, workflowId, runId }: { domain: string; workflowId: string; runId: string }): JSX.Element {
  const api = useApi();
  const execution = { workflowId, runId };
  const run = usePoll<Loaded>((prev) => load(api, domain, execution, prev), [api, domain, workflowId, runId], LIVE_MS);
  // While a long history is still being read, ask for its next page at once.
  const more = run.data?.more;
  useEffect(() => {
    if (more !== undefined) run.refresh();
  }, [more]);
  const open = run.data?.detail.executionInfo.executionStatus === 'OPEN';
  const lastId = run.data?.events[run.data.events.length - 1]?.eventId ?? 0;
  // What the API cannot say: heartbeat details and armed deadlines (GET /admin/...). Refused for
  // a caller without openswf:Admin; the page then says so and shows the rest.
  const extras = usePoll(
    async () => {
      const [activities, deadlines] = await Promise.all([
        api.admin<{ activities: PendingActivity[] }>('GET', '/admin/activities', { domain, runId }),
        api.admin<{ deadlines: Deadline[]; now: number }>('GET', '/admin/deadlines', { runId, limit: '100' }),
      ]);
      return { activities: activities.activities, deadlines: deadlines.deadlines, now: deadlines.now };
    },
    [api, domain, runId, lastId, open],
    0,
  );
  const chain = usePoll(() => (run.data ? chainOf(api, domain, workflowId, run.data.events) : Promise.resolve({ before: [], after: [] })), [api, domain, workflowId, runId, run.data === undefined, run.data?.detail.executionInfo.executionStatus], 0);
  const serverNow = useServerNow();
  const [selected, setSelected] = useState<{ eventId: number; seq: number } | undefined>(undefined);

  if (run.data === undefined) {
    return (
      <section>
        <h1>
          <span class="name">{workflowId}</span>
        </h1>
        {run.error ? <FaultMessage error={run.error} what="DescribeWorkflowExecution" /> : <p aria-live="polite">Loading…</p>}
        <p>
          <Link href={executionsHref(domain)}>Back to the executions of {domain}</Link>
        </p>
      </section>
    );
  }
  const { detail, events } = run.data;
  const info = detail.executionInfo;
  const config = detail.executionConfiguration;
  const started = events[0];
  const startedAttrs = started ? attributesOf(started) : {};
  const closing = events.map(closingOutcome).find((c) => c !== undefined);
  const children = childrenOf(events);
  const status = info.closeStatus ?? 'OPEN';
  const pending = extras.data?.activities ?? (extras.error ? pendingFromHistory(events) : []);
  const now = serverNow();
  const end = info.closeTimestamp ?? now;
  return (
    <article class="execution">
      <header class="execution-head">
        <div>
          <h1>
            <span class="name">{workflowId}</span> <Badge tone={statusTone(info.closeStatus)}>{status}</Badge>
            {info.cancelRequested && open && <Badge tone="warn">cancel requested</Badge>}
            {open && (
              <span class="live-dot" title="This page follows the execution live">
                ● live
              </span>
            )}
          </h1>
          <p class="muted">
            run <code>{runId}</code> · {info.workflowType.name} v{info.workflowType.version} · {events.length.toLocaleString('en-US')}
            {run.data.more !== undefined ? '+' : ''} events
          </p>
        </div>
        <Actions domain={domain} execution={execution} open={open} />
      </header>
      {run.error && <FaultMessage error={run.error} what="refreshing" />}

      <section aria-labelledby="details-h">
        <h2 id="details-h">Details</h2>
        <dl class="details">
          <Detail label="Status">{status + (info.cancelRequested ? ' (cancel requested)' : '')}</Detail>
          <Detail label="Type">{`${info.workflowType.name} v${info.workflowType.version}`}</Detail>
          <Detail label="Task list">{config.taskList.name}</Detail>
          <Detail label="Task priority">{config.taskPriority}</Detail>
          <Detail label="Child policy">{config.childPolicy}</Detail>
          <Detail label="Execution timeout">{formatSwfDuration(config.executionStartToCloseTimeout)}</Detail>
          <Detail label="Decision task timeout">{formatSwfDuration(config.taskStartToCloseTimeout)}</Detail>
          {config.lambdaRole !== undefined && <Detail label="Lambda role">{config.lambdaRole}</Detail>}
          <Detail label="Started">{formatTime(info.startTimestamp)}</Detail>
          <Detail label="Closed">{info.closeTimestamp === undefined ? 'open' : formatTime(info.closeTimestamp)}</Detail>
          <Detail label={open ? 'Running for' : 'Ran for'}>{formatDuration(end - info.startTimestamp)}</Detail>
          <Detail label="Open activities">{detail.openCounts.openActivityTasks}</Detail>
          <Detail label="Open decision tasks">{detail.openCounts.openDecisionTasks}</Detail>
          <Detail label="Open timers">{detail.openCounts.openTimers}</Detail>
          <Detail label="Open children">{detail.openCounts.openChildWorkflowExecutions}</Detail>
          <Detail label="Open Lambda functions">{detail.openCounts.openLambdaFunctions ?? 0}</Detail>
          <Detail label="Latest activity task">{detail.latestActivityTaskTimestamp === undefined ? undefined : formatTime(detail.latestActivityTaskTimestamp)}</Detail>
          <Detail label="Tags">{(info.tagList ?? []).length === 0 ? 'none' : <span>{(info.tagList ?? []).map((t) => <span class="tag">{t}</span>)}</span>}</Detail>
          <Detail label="Parent">
            {info.parent ? (
              // A child always runs in its parent's domain (StartChildWorkflowExecution names none).
              <Link href={executionHref(domain, info.parent.workflowId, info.parent.runId)}>
                {info.parent.workflowId}
              </Link>
            ) : (
              'none'
            )}
          </Detail>
          {detail.latestExecutionContext !== undefined && <Detail label="Latest execution context">{detail.latestExecutionContext}</Detail>}
        </dl>
      </section>

      <div class="two">
        <section aria-labelledby="input-h">
          <h2 id="input-h">Input</h2>
          <Payload text={typeof startedAttrs.input === 'string' ? startedAttrs.input : undefined} label="Input" />
        </section>
        <section aria-labelledby="result-h">
          <h2 id="result-h">{closing?.label ?? 'Result'}</h2>
          {closing ? <Payload text={closing.text} label={closing.label} /> : <p class="muted">The execution is still open.</p>}
        </section>
      </div>

      <section aria-labelledby="related-h">
        <h2 id="related-h">Related executions</h2>
        <div class="two">
          <div>
            <h3>Continue-as-new chain</h3>
            {chain.data && chain.data.before.length + chain.data.after.length > 0 ? (
              <ol class="chain">
                {chain.data.before.map((r) => (
                  <li>
                    <Link href={executionHref(domain, workflowId, r)}>{r}</Link>
                  </li>
                ))}
                <li aria-current="page">
                  <strong>{runId}</strong> (this run)
                </li>
                {chain.data.after.map((r) => (
                  <li>
                    <Link href={executionHref(domain, workflowId, r)}>{r}</Link>
                  </li>
                ))}
              </ol>
            ) : (
              <p class="muted">This run neither continues another nor was continued.</p>
            )}
          </div>
          <div>
            <h3>Children</h3>
            {children.length === 0 ? (
              <p class="muted">No child executions.</p>
            ) : (
              <ul class="children">
                {children.map((c) => (
                  <li>
                    {c.runId ? <Link href={executionHref(domain, c.workflowId, c.runId)}>{c.workflowId}</Link> : <span>{c.workflowId}</span>} <span class="muted">{c.type}</span> — {c.status}
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      </section>

      {(open || (extras.data?.deadlines.length ?? 0) > 0) && (
        <div class="two">
          <section aria-labelledby="pending-h">
            <h2 id="pending-h">Pending activities</h2>
            {extras.error && <FaultMessage error={extras.error} what="heartbeat details and deadlines need openswf:Admin; the list below is read from the history" />}
            {pending.length === 0 && <p class="muted">No activity is scheduled or running.</p>}
            {pending.length > 0 && (
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Activity</th>
                      <th scope="col">State</th>
                      <th scope="col">Heartbeat due</th>
                      <th scope="col">Last heartbeat details</th>
                    </tr>
                  </thead>
                  <tbody>
                    {pending.map((a) => {
                      const hb = extras.data?.deadlines.find((d) => d.kind === 'activityHeartbeat' && d.ref === String(a.scheduledEventId));
                      return (
                        <tr>
                          <th scope="row">
                            {a.activityId} <span class="muted">{a.activityType.name} v{a.activityType.version}</span>
                          </th>
                          <td>{a.startedEventId !== undefined ? `started (event ${a.startedEventId})` : `scheduled (event ${a.scheduledEventId})`}{a.cancelRequested ? ', cancel requested' : ''}</td>
                          <td>{hb ? formatTime(hb.dueAt) : a.heartbeatTimeout === 'NONE' ? 'no heartbeat timeout' : '—'}</td>
                          <td>{a.heartbeatDetails !== undefined ? <code>{a.heartbeatDetails}</code> : <span class="muted">none</span>}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <section aria-labelledby="deadlines-h">
            <h2 id="deadlines-h">Timers and timeouts</h2>
            {extras.data && (
              <DeadlinesTable
                deadlines={extras.data.deadlines}
                now={now}
                showRun={false}
                timerName={(ref) => {
                  const e = events[Number(ref) - 1];
                  return e?.eventType === 'TimerStarted' ? String(attributesOf(e).timerId) : undefined;
                }}
              />
            )}
          </section>
        </div>
      )}

      <section aria-labelledby="timeline-h">
        <h2 id="timeline-h">Timeline</h2>
        {run.data.more === undefined ? (
          <Timeline events={events} now={now} closed={!open} domain={domain} onSelect={(eventId) => setSelected((s) => ({ eventId, seq: (s?.seq ?? 0) + 1 }))} />
        ) : (
          // Drawn once: rebuilding it for each page of a long history would cost more than the reading.
          <p aria-live="polite">Reading the history ({events.length.toLocaleString('en-US')} events so far)…</p>
        )}
      </section>

      <section aria-labelledby="history-h">
        <h2 id="history-h">History</h2>
        <HistoryTable events={events} complete={run.data.more === undefined} {...(selected ? { select: selected } : {})} />
      </section>
    </article>
  );
}
