/**
 * The timeline view: rows of bars on one time axis. A bar's pale part is the wait from
 * scheduled to started, its solid part the run from started to closed; its colour is the
 * outcome (the legend says which). Bars are buttons: Enter or a click selects the event in the
 * history table. Rows past the first 100 are shown on request, so a long history stays quick.
 * Only the first bar is a tab stop (a long run has thousands): arrow keys move between bars,
 * Left/Right along a row, Up/Down to the next row, Home/End to the row's ends.
 */
import { memo } from '../hooks.js';
import { useMemo, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { HistoryEvent } from '../../model/shapes.js';
import { buildTimeline, ticks, type Outcome, type Segment } from '../timeline-model.js';
import { formatDuration, formatTime } from '../format.js';
import { executionHref, Link } from '../router.js';

const OUTCOMES: [Outcome, string][] = [
  ['scheduled', 'waiting to start'],
  ['running', 'running'],
  ['completed', 'completed / fired'],
  ['failed', 'failed'],
  ['timedOut', 'timed out'],
  ['canceled', 'canceled'],
  ['terminated', 'terminated'],
  ['continued', 'continued as new'],
  ['instant', 'instant (signal, marker, request)'],
];
const ROWS_SHOWN = 100;

/** Arrow-key movement among the bars (a roving tab stop). */
function onBarKey(e: KeyboardEvent): void {
  const bar = e.target as HTMLElement;
  if (!bar.classList.contains('bar')) return;
  const row = bar.closest('li');
  const bars = (li: Element | null | undefined) => Array.from(li?.querySelectorAll<HTMLElement>('.bar') ?? []);
  const inRow = bars(row);
  const i = inRow.indexOf(bar);
  let next: HTMLElement | undefined;
  if (e.key === 'ArrowRight') next = inRow[i + 1];
  else if (e.key === 'ArrowLeft') next = inRow[i - 1];
  else if (e.key === 'Home') next = inRow[0];
  else if (e.key === 'End') next = inRow[inRow.length - 1];
  else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    let li = e.key === 'ArrowDown' ? row?.nextElementSibling : row?.previousElementSibling;
    while (li && bars(li).length === 0) li = e.key === 'ArrowDown' ? li.nextElementSibling : li.previousElementSibling;
    next = bars(li)[0];
  }
  if (next === undefined) return;
  e.preventDefault();
  bar.tabIndex = -1;
  next.tabIndex = 0;
  next.focus();
}

/** Re-drawn only when the events change or, while the run is open, when the second changes. */
export const Timeline = memo(TimelineView, (a, b) => a.events === b.events && a.domain === b.domain && (a.closed ? b.closed : Math.floor(a.now) === Math.floor(b.now)));

function TimelineView(props: { events: HistoryEvent[]; now: number; closed: boolean; domain: string; onSelect: (eventId: number) => void }): JSX.Element {
  const { events, now, domain, onSelect } = props;
  const model = useMemo(() => buildTimeline(events, now), [events, props.closed ? 0 : Math.floor(now)]);
  const [limit, setLimit] = useState(ROWS_SHOWN);
  const span = model.end - model.start;
  const x = (t: number) => `${Math.min(100, Math.max(0, ((t - model.start) / span) * 100))}%`;
  const width = (a: number, b: number) => `${Math.min(100, Math.max(0, ((b - a) / span) * 100))}%`;
  const marks = ticks(model.start, model.end);
  let tabStop = true;
  const bar = (s: Segment, i: number, label: string): JSX.Element => {
    const first = tabStop;
    tabStop = false;
    const end = s.end ?? now;
    const isInstant = s.end !== undefined && s.end === s.start;
    const waitEnd = s.started ?? end;
    const total = Math.max(end - s.start, 1e-9);
    const describe = `${s.title}: ${s.outcome}, from ${formatTime(s.start)}${s.started !== undefined && s.started !== s.start ? `, started after ${formatDuration(s.started - s.start)}` : ''}${s.end !== undefined ? `, closed after ${formatDuration(s.end - s.start)}` : ', still open'}${s.due !== undefined && s.end === undefined ? `, due ${formatTime(s.due)}` : ''}`;
    return (
      <button
        type="button"
        key={i}
        class={`bar ${s.outcome}${isInstant ? ' point' : ''}${s.end === undefined ? ' open' : ''}`}
        style={{ left: x(s.start), width: isInstant ? undefined : width(s.start, end) }}
        title={describe}
        aria-label={`${label}: ${describe}`}
        data-outcome={s.outcome}
        tabIndex={first ? 0 : -1}
        onClick={() => onSelect(s.eventIds[s.eventIds.length - 1] ?? s.eventIds[0] ?? 1)}
      >
        {!isInstant && s.started !== undefined && s.started > s.start && <span class="wait" style={{ width: `${((waitEnd - s.start) / total) * 100}%` }} />}
      </button>
    );
  };
  return (
    <div class="timeline" role="group" aria-label="Timeline">
      <div class="axis" aria-hidden="true">
        <div class="row-label" />
        <div class="track">
          {marks.map((t) => (
            <span class="tick" style={{ left: x(model.start + t) }}>
              {t === 0 ? 0 : `+${formatDuration(t)}`}
            </span>
          ))}
        </div>
      </div>
      <ul class="rows" onKeyDown={onBarKey}>
        {model.rows.slice(0, limit).map((r) => {
          const child = r.kind === 'child' ? r.segments.find((s) => s.runId !== undefined) : undefined;
          return (
            <li class={`tl-row ${r.kind}`} key={r.key} data-row={r.key}>
              <div class="row-label" title={`${r.label}${r.detail ? ` — ${r.detail}` : ''}`}>
                {child?.runId !== undefined ? <Link href={executionHref(domain, r.label.replace(/^child /, ''), child.runId)}>{r.label}</Link> : <span>{r.label}</span>}
                {r.detail && <span class="muted"> {r.detail}</span>}
                {r.segments.length > 1 && r.kind === 'activity' && <span class="attempts"> ×{r.segments.length}</span>}
              </div>
              <div class="track">
                {r.segments.map((s, i) => bar(s, i, r.label))}
                {r.segments.map((s) =>
                  s.due !== undefined && s.end === undefined ? <span class="due" style={{ left: x(Math.min(s.due, model.end)) }} title={`due ${formatTime(s.due)}`} /> : null,
                )}
              </div>
            </li>
          );
        })}
      </ul>
      {model.rows.length > limit && (
        <button type="button" onClick={() => setLimit(limit + 500)}>
          Show {Math.min(500, model.rows.length - limit)} more rows (of {model.rows.length})
        </button>
      )}
      <p class="tl-range muted">
        {formatTime(model.start)} → {formatTime(model.end)} ({formatDuration(span)})
      </p>
      <ul class="legend" aria-label="Legend">
        {OUTCOMES.map(([o, label]) => (
          <li>
            <span class={`swatch ${o}`} aria-hidden="true" /> {label}
          </li>
        ))}
      </ul>
    </div>
  );
}
