/**
 * The history table: every event with its id, time, type and a summary; a row opens to show
 * its attributes, its raw JSON and a copy button. Only the rows in view (and a few around
 * them) are in the DOM, between two spacer rows, so SWF's largest history (25,000 events)
 * scrolls like a short one. Closed rows are ROW px high; an open row's height is measured.
 * Keys: Up/Down move between rows, Enter/Space open and close one, Home/End jump.
 */
import { memo } from '../hooks.js';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { HistoryEvent } from '../../model/shapes.js';
import { attributesOf, summarize } from '../events.js';
import { formatTime } from '../format.js';
import { CopyButton } from './common.js';

const ROW = 33;
const OVERSCAN = 15;
const DEFAULT_DETAIL = 240;

function Value({ value }: { value: unknown }): JSX.Element {
  if (typeof value === 'object' && value !== null) {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    return (
      <dl class="attrs">
        {entries.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>
              <Value value={v} />
            </dd>
          </div>
        ))}
      </dl>
    );
  }
  return <span class="value">{String(value)}</span>;
}

function EventDetail({ event }: { event: HistoryEvent }): JSX.Element {
  const [raw, setRaw] = useState(false);
  const json = JSON.stringify(event, null, 2);
  return (
    <div class="event-detail">
      <div class="detail-buttons">
        <button type="button" class="small" aria-pressed={raw} onClick={() => setRaw(!raw)}>
          {raw ? 'Attributes' : 'Raw JSON'}
        </button>
        <CopyButton text={json} label="Copy JSON" />
      </div>
      {raw ? <pre class="raw" tabIndex={0}>{json}</pre> : <Value value={attributesOf(event)} />}
    </div>
  );
}

interface RowHandlers {
  toggle(id: number): void;
  onKey(e: KeyboardEvent, index: number): void;
}

/** One event's row; kept while it stays in view, so a scroll draws only the rows that came in. */
const EventRow = memo(
  function EventRow({ event: e, index, open, handlers }: { event: HistoryEvent; index: number; open: boolean; handlers: { current: RowHandlers } }): JSX.Element {
    return (
      <tr class={`event ${open ? 'open' : ''}`} data-event-id={e.eventId} data-event-type={e.eventType}>
        <td class="num">
          <button type="button" class="toggle" data-index={index} aria-expanded={open} aria-label={`Event ${e.eventId}, ${e.eventType}`} onClick={() => handlers.current.toggle(e.eventId)} onKeyDown={(k) => handlers.current.onKey(k, index)}>
            <span aria-hidden="true">{open ? '▾' : '▸'}</span> {e.eventId}
          </button>
        </td>
        <td class="time">{formatTime(e.eventTimestamp)}</td>
        <td class={`etype ${e.eventType}`}>{e.eventType}</td>
        <td class="summary">{summarize(e)}</td>
      </tr>
    );
  },
  (a, b) => a.event === b.event && a.index === b.index && a.open === b.open,
);

/** The first index whose offset is past `y` (offsets ascending), minus one. */
function indexAt(offsets: number[], y: number): number {
  let lo = 0;
  let hi = offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((offsets[mid] ?? 0) <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Re-drawn only when the events or the selection change (the page above re-renders every second). */
export const HistoryTable = memo(HistoryView, (a, b) => a.events === b.events && a.complete === b.complete && a.select?.seq === b.select?.seq);

function HistoryView(props: { events: HistoryEvent[]; complete: boolean; select?: { eventId: number; seq: number } }): JSX.Element {
  const { events, select, complete } = props;
  const [filter, setFilter] = useState('');
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const [heights, setHeights] = useState<ReadonlyMap<number, number>>(new Map());
  const [scroll, setScroll] = useState({ top: 0, height: 600 });
  const box = useRef<HTMLDivElement>(null);
  const pendingFocus = useRef<number | undefined>(undefined);
  const [newest, setNewest] = useState(false);

  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    if (f === '') return events;
    return events.filter((e) => e.eventType.toLowerCase().includes(f) || String(e.eventId) === f || summarize(e).toLowerCase().includes(f));
  }, [events, filter]);
  const list = useMemo(() => (newest ? [...shown].reverse() : shown), [shown, newest]);

  const offsets = useMemo(() => {
    const out = new Array<number>(list.length + 1);
    out[0] = 0;
    for (let i = 0; i < list.length; i++) {
      const id = list[i]?.eventId ?? 0;
      out[i + 1] = (out[i] ?? 0) + ROW + (expanded.has(id) ? (heights.get(id) ?? DEFAULT_DETAIL) : 0);
    }
    return out;
  }, [list, expanded, heights]);
  const total = offsets[list.length] ?? 0;
  const first = Math.max(0, indexAt(offsets, scroll.top) - OVERSCAN);
  const last = Math.min(list.length, indexAt(offsets, scroll.top + scroll.height) + OVERSCAN + 1);

  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const update = () => setScroll({ top: el.scrollTop, height: el.clientHeight });
    update();
    el.addEventListener('scroll', update, { passive: true });
    const ro = new ResizeObserver(update);
    ro.observe(el);
    return () => {
      el.removeEventListener('scroll', update);
      ro.disconnect();
    };
  }, []);

  // Measure open rows once drawn, so the spacers stay exact.
  useLayoutEffect(() => {
    const el = box.current;
    if (el === null) return;
    let changed: Map<number, number> | undefined;
    for (const tr of Array.from(el.querySelectorAll<HTMLTableRowElement>('tr.detail'))) {
      const id = Number(tr.dataset.eventId);
      const h = tr.offsetHeight;
      if (heights.get(id) !== h) (changed ??= new Map(heights)).set(id, h);
    }
    if (changed) setHeights(changed);
    if (pendingFocus.current !== undefined) {
      el.querySelector<HTMLButtonElement>(`button[data-index="${pendingFocus.current}"]`)?.focus({ preventScroll: true });
      pendingFocus.current = undefined;
    }
  });

  const scrollTo = (index: number) => {
    const el = box.current;
    if (el === null) return;
    const top = offsets[index] ?? 0;
    const head = ROW; // the sticky header covers the first row's height
    if (top < el.scrollTop + head) el.scrollTop = Math.max(0, top - head);
    else if (top + ROW > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW - el.clientHeight + head;
    setScroll({ top: el.scrollTop, height: el.clientHeight });
  };

  // The timeline selects an event: open it and bring it into view.
  useEffect(() => {
    if (select === undefined) return;
    const index = list.findIndex((e) => e.eventId === select.eventId);
    if (index < 0) return;
    setExpanded((s) => new Set(s).add(select.eventId));
    const el = box.current;
    if (el !== null) {
      el.scrollTop = Math.max(0, (offsets[index] ?? 0) - ROW);
      setScroll({ top: el.scrollTop, height: el.clientHeight });
      el.scrollIntoView({ block: 'nearest' });
    }
    pendingFocus.current = index;
  }, [select?.seq]);

  const toggle = (id: number) =>
    setExpanded((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const onKey = (e: KeyboardEvent, index: number) => {
    const target = e.key === 'ArrowDown' ? index + 1 : e.key === 'ArrowUp' ? index - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? list.length - 1 : undefined;
    if (target === undefined || target < 0 || target >= list.length) return;
    e.preventDefault();
    pendingFocus.current = target;
    scrollTo(target);
    if (target >= first && target < last) box.current?.querySelector<HTMLButtonElement>(`button[data-index="${target}"]`)?.focus({ preventScroll: true });
  };

  const handlers = useRef<RowHandlers>({ toggle, onKey });
  handlers.current = { toggle, onKey };
  const rows: JSX.Element[] = [];
  for (let i = first; i < last; i++) {
    const e = list[i];
    if (e === undefined) continue;
    const open = expanded.has(e.eventId);
    rows.push(<EventRow key={e.eventId} event={e} index={i} open={open} handlers={handlers} />);
    if (open) {
      rows.push(
        <tr key={`${e.eventId}-detail`} class="detail" data-event-id={e.eventId}>
          <td colSpan={4}>
            <EventDetail event={e} />
          </td>
        </tr>,
      );
    }
  }
  return (
    <div class="history">
      <div class="history-tools">
        <label>
          Filter events
          <input type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} placeholder="type, id or attribute" />
        </label>
        <label class="inline">
          <input type="checkbox" checked={newest} onChange={(e) => setNewest(e.currentTarget.checked)} /> Newest first
        </label>
        <span class="muted" aria-live="polite">
          {shown.length === events.length ? `${events.length.toLocaleString('en-US')} events` : `${shown.length.toLocaleString('en-US')} of ${events.length.toLocaleString('en-US')} events`}
          {complete ? '' : ' so far, reading the rest…'}
        </span>
        {expanded.size > 0 && (
          <button type="button" class="small" onClick={() => setExpanded(new Set())}>
            Close all
          </button>
        )}
      </div>
      <div class="history-box" ref={box} data-testid="history-box">
        <table class="events" aria-rowcount={list.length}>
          <thead>
            <tr>
              <th scope="col" class="num">
                ID
              </th>
              <th scope="col">Time (UTC)</th>
              <th scope="col">Event</th>
              <th scope="col">Summary</th>
            </tr>
          </thead>
          <tbody>
            <tr class="spacer" aria-hidden="true" style={{ height: `${offsets[first] ?? 0}px` }} />
            {rows}
            <tr class="spacer" aria-hidden="true" style={{ height: `${total - (offsets[last] ?? total)}px` }} />
          </tbody>
        </table>
      </div>
    </div>
  );
}
