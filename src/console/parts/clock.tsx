/**
 * The server's clock in the header, and a dialog to move a virtual clock (1 m, 1 h, 1 d or a
 * typed duration) and see the deadlines that fall due next — from GET /admin/clock,
 * POST /admin/clock/advance and GET /admin/deadlines (src/server/admin.ts, admin-console.ts).
 * After an advance every page reloads at once, so fired timers show without waiting.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { ApiError } from '../api.js';
import { useAction, useApi, usePoll } from '../hooks.js';
import { formatDuration, formatTime, parseDuration } from '../format.js';
import { executionHref, Link } from '../router.js';
import { FaultMessage } from './common.js';

export interface ClockReading {
  kind: 'real' | 'virtual';
  now: number;
  nextDeadline: number | null;
  /** Date.now() / 1000 when it was read, to move a real clock on between readings. */
  readAt: number;
}

export interface Deadline {
  domain?: string;
  workflowId?: string;
  runId: string;
  kind: string;
  ref: string;
  dueAt: number;
}

let lastReading: ClockReading | undefined;
const clockListeners = new Set<(r: ClockReading) => void>();
function publish(r: ClockReading): void {
  lastReading = r;
  for (const l of clockListeners) l(r);
}

/** The server's time now in epoch seconds (the virtual clock's, when it runs one), or the browser's. */
export function useServerNow(): () => number {
  const [, setTick] = useState(0);
  useEffect(() => {
    const l = () => setTick((n) => n + 1);
    clockListeners.add(l);
    return () => void clockListeners.delete(l);
  }, []);
  return () => {
    const r = lastReading;
    if (r === undefined) return Date.now() / 1000;
    return r.kind === 'virtual' ? r.now : r.now + (Date.now() / 1000 - r.readAt);
  };
}

/** What a deadline kind means, in words. */
export function describeDeadline(kind: string, ref: string, timerName?: (startedEventId: string) => string | undefined): string {
  const timer = timerName?.(ref);
  const words: Record<string, string> = {
    timer: timer !== undefined ? `timer ${timer} fires` : `timer started by event ${ref} fires`,
    workflowStartToClose: 'workflow START_TO_CLOSE timeout',
    decisionStartToClose: `decision task START_TO_CLOSE timeout (scheduled event ${ref})`,
    decisionScheduleToStart: `decision task SCHEDULE_TO_START timeout (scheduled event ${ref})`,
    activityScheduleToStart: `activity SCHEDULE_TO_START timeout (scheduled event ${ref})`,
    activityScheduleToClose: `activity SCHEDULE_TO_CLOSE timeout (scheduled event ${ref})`,
    activityStartToClose: `activity START_TO_CLOSE timeout (scheduled event ${ref})`,
    activityHeartbeat: `activity HEARTBEAT timeout (scheduled event ${ref})`,
    lambdaStartToClose: `Lambda START_TO_CLOSE timeout (scheduled event ${ref})`,
    retention: 'record removed (retention period over)',
  };
  return words[kind] ?? `${kind} ${ref}`;
}

export function DeadlinesTable({ deadlines, now, showRun, timerName }: { deadlines: Deadline[]; now: number; showRun: boolean; timerName?: (startedEventId: string) => string | undefined }): JSX.Element {
  if (deadlines.length === 0) return <p class="muted">Nothing is due.</p>;
  return (
    <div class="table-wrap">
      <table class="deadlines">
        <thead>
          <tr>
            <th scope="col">Due</th>
            <th scope="col">In</th>
            <th scope="col">What</th>
            {showRun && <th scope="col">Execution</th>}
          </tr>
        </thead>
        <tbody>
          {deadlines.map((d) => (
            <tr key={`${d.runId}/${d.kind}/${d.ref}`}>
              <td class="time">{formatTime(d.dueAt)}</td>
              <td>{d.dueAt <= now ? 'due now' : formatDuration(d.dueAt - now)}</td>
              <td>{describeDeadline(d.kind, d.ref, timerName)}</td>
              {showRun && (
                <td>
                  {d.domain !== undefined && d.workflowId !== undefined ? (
                    <Link href={executionHref(d.domain, d.workflowId, d.runId)}>
                      {d.domain} / {d.workflowId}
                    </Link>
                  ) : (
                    <code>{d.runId}</code>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ClockButton({ domain }: { domain: string | undefined }): JSX.Element | null {
  const api = useApi();
  const clock = usePoll(
    async () => {
      const r = await api.admin<{ kind: 'real' | 'virtual'; now: number; nextDeadline: number | null }>('GET', '/admin/clock');
      const reading = { ...r, readAt: Date.now() / 1000 };
      publish(reading);
      return reading;
    },
    [api],
    1000,
  );
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  if (clock.data === undefined) {
    return clock.error ? (
      <span class="muted small-text" title={`${clock.error.fault}: ${clock.error.message}`}>
        Clock unavailable
      </span>
    ) : null;
  }
  const r = clock.data;
  return (
    <>
      <button
        type="button"
        class={`clock-button ${r.kind}`}
        aria-haspopup="dialog"
        onClick={() => {
          setOpen(true);
          dialog.current?.showModal();
        }}
      >
        <span class="clock-kind">{r.kind === 'virtual' ? 'Virtual clock' : 'Server time'}</span> <time data-testid="server-time">{formatTime(r.now).slice(0, 19)}</time>
      </button>
      <dialog ref={dialog} class="clock-dialog" aria-labelledby="clock-title" onClose={() => setOpen(false)}>
        {open && <ClockPanel reading={r} domain={domain} onClose={() => dialog.current?.close()} />}
      </dialog>
    </>
  );
}

function ClockPanel({ reading, domain, onClose }: { reading: ClockReading; domain: string | undefined; onClose: () => void }): JSX.Element {
  const api = useApi();
  const [typed, setTyped] = useState('');
  const { busy, answer, error, run, refuse } = useAction();
  const deadlines = usePoll(
    () => api.admin<{ deadlines: Deadline[] }>('GET', '/admin/deadlines', { limit: '50', retention: 'false', ...(domain !== undefined ? { domain } : {}) }),
    [api, domain],
    2000,
  );
  const advance = async (seconds: number | undefined) => {
    if (seconds === undefined || seconds <= 0) {
      refuse(new ApiError('InvalidDuration', 'Type a duration such as 90s, 15m, 1h30m or 2d.', 0));
      return;
    }
    await run(async () => {
      const out = await api.admin<{ now: number; fired: number }>('POST', '/admin/clock/advance', {}, { seconds });
      return `Moved ${formatDuration(seconds)} to ${formatTime(out.now)}; ${out.fired} deadline${out.fired === 1 ? '' : 's'} fired.`;
    });
  };
  return (
    <section>
      <header class="dialog-head">
        <h2 id="clock-title">{reading.kind === 'virtual' ? 'Virtual clock' : 'Server clock'}</h2>
        <button type="button" class="small" onClick={onClose} aria-label="Close">
          Close
        </button>
      </header>
      <p>
        Server time: <time>{formatTime(reading.now)}</time> UTC
        {reading.kind === 'real' && ' (real time: start the server with --clock virtual to move it)'}
      </p>
      {reading.kind === 'virtual' && (
        <form
          class="advance"
          onSubmit={(e) => {
            e.preventDefault();
            void advance(parseDuration(typed));
          }}
        >
          <span>Advance by</span>
          <button type="button" disabled={busy} onClick={() => void advance(60)}>
            1 m
          </button>
          <button type="button" disabled={busy} onClick={() => void advance(3600)}>
            1 h
          </button>
          <button type="button" disabled={busy} onClick={() => void advance(86400)}>
            1 d
          </button>
          <label>
            <span class="visually-hidden">Duration</span>
            <input value={typed} onInput={(e) => setTyped(e.currentTarget.value)} placeholder="e.g. 90s, 2h30m" size={12} />
          </label>
          <button type="submit" class="primary" disabled={busy}>
            Advance
          </button>
        </form>
      )}
      {answer && (
        <p role="status" class="answer">
          {answer}
        </p>
      )}
      {error && <FaultMessage error={error} />}
      <h3>Next deadlines{domain !== undefined ? ` in ${domain}` : ''}</h3>
      <p class="muted">SWF timers and timeouts armed now, earliest first, and when each falls due (retention deadlines left out).</p>
      {deadlines.error && <FaultMessage error={deadlines.error} what="deadlines" />}
      {deadlines.data && <DeadlinesTable deadlines={deadlines.data.deadlines} now={reading.now} showRun />}
    </section>
  );
}
