/**
 * Visibility benchmark: List/Count Open/Closed WorkflowExecutions over a large store.
 *
 *   npm run build && node dist/bench/visibility.js [--closed 1000000] [--open 100000]
 *                  [--samples 100] [--data <folder>] [--data-parent <folder>]
 *
 * 1. Load: --closed closed and --open open executions of one domain are written into a fresh
 *    SQLite store through the store's own insertExecution (the rows, tags and indexes the
 *    server writes; no histories, which visibility never reads). Seeded, so every run loads
 *    the same data. With --data <folder>, a store loaded before is reused as it is.
 * 2. Measure: the real `openswf serve` process is started on that store, and every query
 *    shape is sent over HTTP, --samples times each, one at a time: ListOpen and ListClosed
 *    with each filter (none, executionFilter, typeFilter by name and by name and version,
 *    tagFilter with a common and a rare tag, closeStatusFilter), closed ones by start time
 *    and by close time, first pages of the default size (1,000), and Count* of each. Also a
 *    walk through 20 pages of the whole closed list, and StartWorkflowExecution with the
 *    domain holding --open open runs (its open-execution limit raised to leave room).
 *    Prints p50, p99 and max per shape, and the store's size.
 *
 * Data: workflowIds repeat (two closed runs for each id, one open); 10 workflow types of 3
 * versions; 0-5 tags per run from 100, with "tag-0" on half the runs; close statuses in
 * SWF-like proportions; closed runs started over 90 days and closed 1 s to 2 days later,
 * open ones started over the last 7 days.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { startRun, type ExecutionConfig, type ExecutionState } from '../src/engine/index.js';
import type { CloseStatus } from '../src/model/shapes.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { TestServer } from '../test/helpers/server.js';

const DOMAIN = 'bench-visibility';
const DAY_MS = 86_400_000;
const TYPES = 10;
const VERSIONS = 3;
const TAGS = 100;
const LOAD_BATCH = 5_000;
const STARTED_TYPE = { name: 'started', version: '1' };

interface Options {
  closed: number;
  open: number;
  samples: number;
  /** Reuse (or keep) the store in this folder. */
  data: string | undefined;
  dataParent: string;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      closed: { type: 'string', default: '1000000' },
      open: { type: 'string', default: '100000' },
      samples: { type: 'string', default: '100' },
      data: { type: 'string' },
      'data-parent': { type: 'string', default: tmpdir() },
    },
  });
  const count = (name: string, text: string, min: number) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number of at least ${min}`);
    return n;
  };
  return {
    closed: count('closed', values.closed, 1000),
    open: count('open', values.open, 1000),
    samples: count('samples', values.samples, 1),
    data: values.data,
    dataParent: values['data-parent'],
  };
}

/** mulberry32: a small seeded generator, so every run loads the same data. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CLOSE_STATUSES: [CloseStatus, number][] = [
  ['COMPLETED', 0.7], ['FAILED', 0.1], ['TIMED_OUT', 0.05], ['TERMINATED', 0.05], ['CANCELED', 0.05], ['CONTINUED_AS_NEW', 0.05],
];
const CONFIG: ExecutionConfig = { executionStartToCloseTimeout: '86400', taskStartToCloseTimeout: '60', childPolicy: 'TERMINATE', taskList: { name: 'bench' } };

/** The store's data: run i's attributes, drawn from one seeded sequence. */
class Population {
  private readonly rand = random(42);
  constructor(readonly now: number) {}

  private pick<T>(weighted: [T, number][]): T {
    let r = this.rand();
    for (const [value, weight] of weighted) if ((r -= weight) < 0) return value;
    return (weighted[weighted.length - 1] as [T, number])[0];
  }

  tags(): string[] {
    const tags = new Set<string>();
    if (this.rand() < 0.5) tags.add('tag-0');
    const more = Math.floor(this.rand() * 5);
    for (let i = 0; i < more; i++) tags.add(`tag-${1 + Math.floor(this.rand() * (TAGS - 1))}`);
    return [...tags].slice(0, 5);
  }

  state(i: number, open: boolean, closedCount: number): ExecutionState {
    const type = { name: `type-${Math.floor(this.rand() * TYPES)}`, version: String(1 + Math.floor(this.rand() * VERSIONS)) };
    // Closed runs i and i + closed/2 share a workflowId; open run j has id wf-j of its own.
    const workflowId = open ? `wf-open-${i}` : `wf-${i % Math.ceil(closedCount / 2)}`;
    const startAge = open ? this.rand() * 7 * DAY_MS : this.rand() * 90 * DAY_MS;
    const start = Math.round(this.now - startAge);
    const t = startRun(
      { domain: DOMAIN, workflowId, runId: `${open ? 'o' : 'c'}${String(i).padStart(8, '0')}-${Math.floor(this.rand() * 1e9).toString(36)}`, workflowType: type, config: CONFIG, tagList: this.tags() },
      { now: start, newId: () => `task-${i}`, newTaskToken: () => `task-${i}` },
    );
    if (open) return t.state;
    const closeStatus = this.pick(CLOSE_STATUSES);
    const closeTimestamp = Math.min(this.now, start + 1000 + Math.round(this.rand() * 2 * DAY_MS));
    return { ...t.state, closeStatus, closeTimestamp, decision: { previousStartedEventId: 3, pendingWhileStarted: false }, nextEventId: 6 };
  }
}

async function load(path: string, o: Options): Promise<void> {
  const store = new SqliteStore({ path, synchronous: 'normal' });
  const population = new Population(Date.now());
  await store.transaction(async (tx) => {
    await tx.putDomain({ name: DOMAIN, status: 'REGISTERED', retentionDays: '90', createdAt: Date.now() - 91 * DAY_MS, tags: [] });
    // The type of the runs the benchmark starts.
    await tx.putType({
      domain: DOMAIN, kind: 'workflow', name: STARTED_TYPE.name, version: STARTED_TYPE.version, status: 'REGISTERED', creationDate: Date.now(),
      configuration: { defaultTaskList: { name: 'bench' }, defaultExecutionStartToCloseTimeout: '600', defaultTaskStartToCloseTimeout: '60', defaultChildPolicy: 'TERMINATE' },
    });
  });
  const started = performance.now();
  const total = o.closed + o.open;
  for (let first = 0; first < total; first += LOAD_BATCH) {
    await store.transaction(async (tx) => {
      for (let n = first; n < Math.min(first + LOAD_BATCH, total); n++) {
        const open = n >= o.closed;
        await tx.insertExecution(population.state(open ? n - o.closed : n, open, o.closed));
      }
    });
    if ((first / LOAD_BATCH) % 20 === 0) process.stderr.write(`loaded ${first} of ${total}\n`);
  }
  await store.close();
  process.stdout.write(`loaded ${total} executions in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

interface Shape {
  name: string;
  operation: string;
  input: () => Record<string, unknown>;
}

function shapes(o: Options): Shape[] {
  const rand = random(7);
  const ever = { oldestDate: 0 };
  const type = () => ({ name: `type-${Math.floor(rand() * TYPES)}` });
  const typeVersion = () => ({ ...type(), version: String(1 + Math.floor(rand() * VERSIONS)) });
  const rareTag = () => ({ tag: `tag-${1 + Math.floor(rand() * (TAGS - 1))}` });
  const closedId = () => ({ workflowId: `wf-${Math.floor(rand() * Math.ceil(o.closed / 2))}` });
  const openId = () => ({ workflowId: `wf-open-${Math.floor(rand() * o.open)}` });
  const status = () => ({ status: (CLOSE_STATUSES[Math.floor(rand() * CLOSE_STATUSES.length)] as [CloseStatus, number])[0] });
  const list: Shape[] = [];
  const add = (kind: 'Open' | 'Closed', by: string, filter: string, input: () => Record<string, unknown>) => {
    for (const verb of ['List', 'Count'] as const) {
      list.push({ name: [`${verb}${kind}`, by, filter].filter(Boolean).join(' '), operation: `${verb}${kind}WorkflowExecutions`, input: () => ({ domain: DOMAIN, ...input() }) });
    }
  };
  add('Open', '', 'no filter', () => ({ startTimeFilter: ever }));
  add('Open', '', 'executionFilter', () => ({ startTimeFilter: ever, executionFilter: openId() }));
  add('Open', '', 'typeFilter name', () => ({ startTimeFilter: ever, typeFilter: type() }));
  add('Open', '', 'typeFilter name+version', () => ({ startTimeFilter: ever, typeFilter: typeVersion() }));
  add('Open', '', 'tagFilter common', () => ({ startTimeFilter: ever, tagFilter: { tag: 'tag-0' } }));
  add('Open', '', 'tagFilter rare', () => ({ startTimeFilter: ever, tagFilter: rareTag() }));
  for (const by of ['startTimeFilter', 'closeTimeFilter'] as const) {
    const time = { [by]: ever };
    const label = by === 'startTimeFilter' ? 'by start' : 'by close';
    add('Closed', label, 'no filter', () => time);
    add('Closed', label, 'executionFilter', () => ({ ...time, executionFilter: closedId() }));
    add('Closed', label, 'typeFilter name', () => ({ ...time, typeFilter: type() }));
    add('Closed', label, 'typeFilter name+version', () => ({ ...time, typeFilter: typeVersion() }));
    add('Closed', label, 'tagFilter common', () => ({ ...time, tagFilter: { tag: 'tag-0' } }));
    add('Closed', label, 'tagFilter rare', () => ({ ...time, tagFilter: rareTag() }));
    add('Closed', label, 'closeStatusFilter', () => ({ ...time, closeStatusFilter: status() }));
  }
  return list;
}

async function call(url: string, operation: string, input: unknown): Promise<{ ms: number; body: Record<string, unknown> }> {
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `SimpleWorkflowService.${operation}` },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as Record<string, unknown>;
  const ms = performance.now() - started;
  if (!res.ok) throw new Error(`${operation} ${JSON.stringify(input)}: ${res.status} ${JSON.stringify(body)}`);
  return { ms, body };
}

/** Nearest-rank percentile. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

interface Row {
  name: string;
  p50: number;
  p99: number;
  max: number;
  /** Items per list page, or the count and whether it was truncated. */
  result: string;
}

function summarize(name: string, times: number[], result: string): Row {
  const sorted = [...times].sort((a, b) => a - b);
  return { name, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN, result };
}

async function measure(url: string, o: Options): Promise<Row[]> {
  const rows: Row[] = [];
  for (const shape of shapes(o)) {
    const times: number[] = [];
    const results = new Set<string>();
    // Two untimed calls warm the statement cache and the page cache for this shape.
    for (let i = 0; i < o.samples + 2; i++) {
      const { ms, body } = await call(url, shape.operation, shape.input());
      if (i >= 2) times.push(ms);
      results.add(
        Array.isArray(body.executionInfos) ? `${body.executionInfos.length}${body.nextPageToken ? '+' : ''}` : `${String(body.count)}${body.truncated ? ' (truncated)' : ''}`,
      );
    }
    const shown = [...results];
    rows.push(summarize(shape.name, times, shown.length <= 2 ? shown.join(', ') : `${shown.slice(0, 2).join(', ')}, …`));
  }
  // Deep paging: 20 pages of 1,000 through the whole closed list, newest first.
  const pageTimes: number[] = [];
  let token: unknown;
  for (let page = 0; page < 20; page++) {
    const { ms, body } = await call(url, 'ListClosedWorkflowExecutions', { domain: DOMAIN, closeTimeFilter: { oldestDate: 0 }, ...(token ? { nextPageToken: token } : {}) });
    pageTimes.push(ms);
    token = body.nextPageToken;
    if (!token) break;
  }
  rows.push(summarize('ListClosed by close, pages 1-20 of 1,000', pageTimes, `${pageTimes.length} pages`));
  // Starting a run checks the domain's open count against its limit.
  const startTimes: number[] = [];
  for (let i = 0; i < o.samples; i++) {
    startTimes.push((await call(url, 'StartWorkflowExecution', { domain: DOMAIN, workflowId: `bench-start-${Date.now()}-${i}`, workflowType: STARTED_TYPE })).ms);
  }
  rows.push(summarize(`StartWorkflowExecution (${o.open} open)`, startTimes, 'runId'));
  return rows;
}

function report(rows: readonly Row[]): string {
  const width = Math.max(...rows.map((r) => r.name.length));
  const lines = [`${'query'.padEnd(width)}  ${'p50 ms'.padStart(7)}  ${'p99 ms'.padStart(7)}  ${'max ms'.padStart(7)}  result`];
  for (const r of rows) lines.push(`${r.name.padEnd(width)}  ${r.p50.toFixed(1).padStart(7)}  ${r.p99.toFixed(1).padStart(7)}  ${r.max.toFixed(1).padStart(7)}  ${r.result}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const o = options();
  const dataDir = o.data ?? mkdtempSync(join(o.dataParent, 'openswf-visibility-'));
  const path = join(dataDir, 'openswf.sqlite');
  if (o.data !== undefined && existsSync(path)) process.stdout.write(`reusing the store in ${dataDir}\n`);
  else await load(path, o);
  const sizeMb = (statSync(path).size / 2 ** 20).toFixed(0);
  // The domain holds --open open runs already, SWF's 100,000 by default: room for the starts.
  const server = await TestServer.start({ dataDir, pollTimeoutMs: 1000, args: ['--limit', `maxOpenExecutionsPerDomain=${o.open + 100 * o.samples}`] });
  try {
    const rows = await measure(server.url, o);
    process.stdout.write(`store: ${o.closed} closed + ${o.open} open executions, ${sizeMb} MiB; ${o.samples} samples per query, one at a time\n`);
    process.stdout.write(`${report(rows)}\n`);
  } finally {
    await server.stop();
    if (o.data === undefined) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
