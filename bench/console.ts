/**
 * Console scale benchmark: the executions page over a million closed executions, and the
 * execution page over a 25,000-event history, in headless Chromium against the real server.
 *
 *   npm run build && node dist/bench/console.js [--closed 1000000] [--samples 10] [--data <folder>]
 *
 * 1. Load (not timed as a result): --closed closed executions of one domain (and one closed run
 *    with 25,000 history events, SWF's limit) are written into a fresh SQLite store through
 *    the store's own insertExecution / appendEvents. With --data <folder>, a store loaded
 *    before is reused.
 * 2. Measure, in the browser, each --samples times: opening the Closed tab (navigation until
 *    the first page and the count are drawn), each filter of ListClosedWorkflowExecutions, and
 *    twenty clicks of "Older →" in a row; then opening the 25,000-event execution (until its
 *    first events are drawn, and until the whole history is read and drawn with the timeline)
 *    and scrolling its history from top to bottom, frame by frame, recording frame times and
 *    how many rows are in the DOM.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { startRun, type ExecutionConfig, type ExecutionState } from '../src/engine/index.js';
import type { CloseStatus, HistoryEvent } from '../src/model/shapes.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { TestServer } from '../test/helpers/server.js';
import { inPage, launchBrowser, signIn } from '../test/helpers/browser.js';

const DOMAIN = 'bench-console';
const DAY_MS = 86_400_000;
const BATCH = 5_000;
const HISTORY_EVENTS = 25_000;
const LONG_RUN = { workflowId: 'long-history', runId: 'long-history-run' };
const CONFIG: ExecutionConfig = { executionStartToCloseTimeout: '86400', taskStartToCloseTimeout: '60', childPolicy: 'TERMINATE', taskList: { name: 'bench' } };
const STATUSES: CloseStatus[] = ['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED', 'FAILED', 'TIMED_OUT', 'TERMINATED', 'CANCELED'];

function options() {
  const { values } = parseArgs({ options: { closed: { type: 'string', default: '1000000' }, samples: { type: 'string', default: '10' }, data: { type: 'string' } } });
  return { closed: Number(values.closed), samples: Number(values.samples), data: values.data };
}

function closedRun(i: number, now: number): ExecutionState {
  // A fixed spread: start times over 90 days, durations up to a day, 10 types, 20 tags.
  const start = now - 90 * DAY_MS + Math.floor(((i * 7919) % 1_000_003) / 1_000_003 * 90 * DAY_MS);
  const t = startRun(
    { domain: DOMAIN, workflowId: `wf-${i % 500_000}`, runId: `c${String(i).padStart(8, '0')}`, workflowType: { name: `type-${i % 10}`, version: '1' }, config: CONFIG, tagList: [`tag-${i % 20}`] },
    { now: start, newId: () => `task-${i}`, newTaskToken: () => `task-${i}` },
  );
  return { ...t.state, closeStatus: STATUSES[i % STATUSES.length] ?? 'COMPLETED', closeTimestamp: start + 1000 + (i % 86_400) * 1000, decision: { previousStartedEventId: 3, pendingWhileStarted: false }, nextEventId: 6 };
}

/** 25,000 events: the run's start, then decision/activity rounds, then its completion. */
function longHistory(now: number): { state: ExecutionState; events: HistoryEvent[] } {
  const start = now - DAY_MS;
  const t = startRun({ domain: DOMAIN, ...LONG_RUN, workflowType: { name: 'type-0', version: '1' }, config: CONFIG, tagList: [] }, { now: start, newId: () => 'task-long', newTaskToken: () => 'task-long' });
  const events: HistoryEvent[] = [...t.events];
  let id = events.length;
  let at = start;
  const push = (e: Omit<HistoryEvent, 'eventId' | 'eventTimestamp'>) => events.push({ ...e, eventId: ++id, eventTimestamp: (at += 1000) / 1000 } as HistoryEvent);
  let round = 0;
  while (id < HISTORY_EVENTS - 7) {
    const scheduled = id + 1;
    push({ eventType: 'DecisionTaskScheduled', decisionTaskScheduledEventAttributes: { taskList: { name: 'bench' }, startToCloseTimeout: '60' } });
    push({ eventType: 'DecisionTaskStarted', decisionTaskStartedEventAttributes: { scheduledEventId: scheduled, identity: 'decider' } });
    push({ eventType: 'DecisionTaskCompleted', decisionTaskCompletedEventAttributes: { scheduledEventId: scheduled, startedEventId: scheduled + 1 } });
    const activity = id + 1;
    push({
      eventType: 'ActivityTaskScheduled',
      activityTaskScheduledEventAttributes: { activityId: `step-${round % 50}`, activityType: { name: 'step', version: '1' }, taskList: { name: 'work' }, decisionTaskCompletedEventId: scheduled + 2, input: `{"round":${round}}` },
    });
    push({ eventType: 'ActivityTaskStarted', activityTaskStartedEventAttributes: { scheduledEventId: activity, identity: 'worker' } });
    push({ eventType: 'ActivityTaskCompleted', activityTaskCompletedEventAttributes: { scheduledEventId: activity, startedEventId: activity + 1, result: `{"ok":${round}}` } });
    round++;
  }
  while (id < HISTORY_EVENTS - 1) push({ eventType: 'MarkerRecorded', markerRecordedEventAttributes: { markerName: 'pad', decisionTaskCompletedEventId: 4 } });
  push({ eventType: 'WorkflowExecutionCompleted', workflowExecutionCompletedEventAttributes: { decisionTaskCompletedEventId: 4, result: 'done' } });
  return { state: { ...t.state, closeStatus: 'COMPLETED', closeTimestamp: at, nextEventId: id + 1, decision: { previousStartedEventId: 0, pendingWhileStarted: false } }, events };
}

async function load(path: string, closed: number): Promise<void> {
  const store = new SqliteStore({ path, synchronous: 'normal' });
  const now = Date.now();
  const began = performance.now();
  await store.transaction(async (tx) => {
    await tx.putDomain({ name: DOMAIN, status: 'REGISTERED', retentionDays: '90', createdAt: now - 91 * DAY_MS, tags: [] });
    const long = longHistory(now);
    await tx.insertExecution(long.state);
    await tx.appendEvents(LONG_RUN.runId, long.events);
  });
  for (let first = 0; first < closed; first += BATCH) {
    await store.transaction(async (tx) => {
      for (let i = first; i < Math.min(first + BATCH, closed); i++) await tx.insertExecution(closedRun(i, now));
    });
    if ((first / BATCH) % 20 === 0) process.stderr.write(`loaded ${first} of ${closed}\n`);
  }
  await store.close();
  process.stdout.write(`loaded ${closed} closed executions and a ${HISTORY_EVENTS}-event history in ${((performance.now() - began) / 1000).toFixed(0)} s\n`);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
function line(name: string, times: number[]): string {
  const s = [...times].sort((a, b) => a - b);
  return `| ${name} | ${times.length} | ${pct(s, 50).toFixed(0)} | ${pct(s, 95).toFixed(0)} | ${(s[s.length - 1] ?? NaN).toFixed(0)} |`;
}

async function main(): Promise<void> {
  const o = options();
  const dataDir = o.data ?? mkdtempSync(join(tmpdir(), 'openswf-console-bench-'));
  const path = join(dataDir, 'openswf.sqlite');
  if (o.data !== undefined && existsSync(path)) process.stdout.write(`reusing the store in ${dataDir}\n`);
  else await load(path, o.closed);
  const server = await TestServer.start({ dataDir });
  const { browser, close } = await launchBrowser();
  const rows: string[] = [];
  const load0 = loadavg()[0]?.toFixed(2);
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    await signIn(page, server.url);
    const list = (query: string) => `${server.url}/console/domains/${DOMAIN}?status=closed${query}`;
    /** Navigation until the first page of rows and the count are drawn. */
    const openList = async (query: string): Promise<number> => {
      const began = performance.now();
      await page.goto(list(query));
      await page.waitForFunction("document.querySelectorAll('table.executions tbody tr').length > 0 && /match/.test(document.querySelector('[data-testid=count]')?.textContent ?? '')", { timeout: 30_000 });
      return performance.now() - began;
    };
    // A workflowId that exists however few runs were loaded.
    const probe = Math.min(4242, o.closed - 1) % 500_000;
    const shapes: [string, string][] = [
      ['Closed tab, no filter (first page of 50 + count)', ''],
      ['closeStatusFilter FAILED', '&filter=closeStatus&closeStatus=FAILED'],
      ['tagFilter tag-7', '&filter=tag&tag=tag-7'],
      ['typeFilter type-3', '&filter=type&typeName=type-3'],
      [`executionFilter wf-${probe}`, `&filter=workflowId&workflowId=wf-${probe}`],
      ['close-time range (last 30 days)', `&time=close&oldest=${new Date(Date.now() - 30 * DAY_MS).toISOString().slice(0, 19)}`],
    ];
    for (const [name, query] of shapes) {
      const times: number[] = [];
      for (let i = 0; i < o.samples; i++) times.push(await openList(query));
      rows.push(line(name, times));
    }
    // Twenty pages in a row through the list call's page tokens.
    await openList('');
    const paging: number[] = [];
    for (let i = 0; i < 20; i++) {
      const before = await inPage<string>(page, "document.querySelector('table.executions tbody tr code')?.getAttribute('title') ?? ''");
      const began = performance.now();
      await page.click('nav.pager button:last-child');
      await page.waitForFunction(`(document.querySelector('table.executions tbody tr code')?.getAttribute('title') ?? '') !== ${JSON.stringify(before)}`, { timeout: 30_000 });
      paging.push(performance.now() - began);
    }
    rows.push(line('"Older →": next page (20 in a row)', paging));

    const opened: number[] = [];
    const firstRows: number[] = [];
    const frames: number[] = [];
    let domRows = 0;
    for (let i = 0; i < Math.max(1, Math.min(o.samples, 5)); i++) {
      const began = performance.now();
      await page.goto(`${server.url}/console/domains/${DOMAIN}/executions/${LONG_RUN.workflowId}/${LONG_RUN.runId}`);
      await page.waitForSelector('table.events tr.event', { timeout: 60_000 });
      firstRows.push(performance.now() - began);
      await page.waitForFunction(`document.querySelector('.history-tools')?.textContent?.includes('25,000 events') && document.querySelectorAll('table.events tr.event').length > 0`, { timeout: 60_000 });
      opened.push(performance.now() - began);
    }
    // Scroll the history from top to bottom in 200 steps, one per animation frame.
    const scroll = await inPage<{ frames: number[]; maxRows: number }>(
      page,
      `new Promise((resolve) => {
        const box = document.querySelector('[data-testid=history-box]');
        const steps = 200, frames = [];
        let i = 0, last = performance.now(), maxRows = 0;
        const step = (now) => {
          frames.push(now - last); last = now;
          maxRows = Math.max(maxRows, document.querySelectorAll('table.events tr.event').length);
          if (i++ >= steps) return resolve({ frames: frames.slice(1), maxRows });
          box.scrollTop = (box.scrollHeight - box.clientHeight) * (i / steps);
          requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      })`,
    );
    frames.push(...scroll.frames);
    domRows = scroll.maxRows;
    const lastShown = await inPage<string>(page, "Array.from(document.querySelectorAll('table.events tr.event')).pop()?.getAttribute('data-event-id') ?? ''");
    rows.push(line('execution page, 25,000 events: until the first events are drawn', firstRows));
    rows.push(line('execution page, 25,000 events: until all are read and drawn, with the timeline', opened));
    rows.push(line(`history scroll, top to bottom: frame time (${domRows} rows in the DOM at most; last row drawn: event ${lastShown})`, frames));
    const sizeMb = (statSync(path).size / 2 ** 20).toFixed(0);
    process.stdout.write(`store: ${o.closed} closed executions + one ${HISTORY_EVENTS}-event run, ${sizeMb} MiB; load average before ${load0}, after ${loadavg()[0]?.toFixed(2)}\n`);
    process.stdout.write(`| what (ms, in headless Chromium) | samples | p50 | p95 | max |\n| --- | --- | --- | --- | --- |\n${rows.join('\n')}\n`);
  } finally {
    await close();
    await server.stop();
    if (o.data === undefined) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
