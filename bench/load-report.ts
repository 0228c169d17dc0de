/** The load benchmark's results per target and their side-by-side text report. */
import type { ProcessSample, TargetName } from './launch.js';
import type { ClientKind } from './loop-client.js';

export interface TargetResult {
  target: TargetName;
  url: string;
  stopReason: 'all completed' | 'time limit' | 'stalled';
  /** From the first start request to the last workflow's completion (or the stop). */
  wallSeconds: number;
  workflowsCompleted: number;
  /** Requests that finished during the run phase (answers and faults; not the checks). */
  requests: number;
  latencies: Map<string, number[]>;
  errors: Map<string, number>;
  duplicateDecisionTasks: number;
  duplicateActivityTasks: number;
  process: ProcessSample | undefined;
  /** CPU the benchmark's own process used in the run: it shares the machine's cores. */
  driverCpuSeconds: number;
  /**
   * Times the driver's threads blocked and were woken again in the run (voluntary context
   * switches): per request, how many answers each wake-up of its event loop found waiting.
   */
  driverWakeups: number;
  /** What drove the run phase's loops (--client). */
  client: ClientKind;
  /** The machine's 1-minute load average before and after the run: how noisy the run was. */
  machineLoad: [number, number];
  /** The 5-minute load average before and after: the longer view of the same. */
  machineLoad5: [number, number];
  check: { closedCompleted: number; historyAsExpected: number; failures: string[] };
}

interface ReportOptions {
  workflows: number;
  activities: number;
  concurrency: number;
  client: ClientKind;
  /** The build whose server ran, when not this one (--server-build). */
  serverBuild?: string | undefined;
}

const CLIENT_NAMES: Record<ClientKind, string> = {
  sdk: 'sdk (@aws-sdk/client-swf)',
  http: 'http (the lean node:http client, bench/http-client.ts)',
};

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN;
}

const OPERATION_ORDER = [
  'StartWorkflowExecution',
  'PollForDecisionTask (task)',
  'PollForDecisionTask (empty)',
  'PollForDecisionTask (next page)',
  'RespondDecisionTaskCompleted',
  'PollForActivityTask (task)',
  'PollForActivityTask (empty)',
  'RespondActivityTaskCompleted',
  'long-poll wake-up (start ack → waiting poll answered)',
  'long-poll wake-up, idle server (probe)',
  'DescribeWorkflowExecution (check)',
  'GetWorkflowExecutionHistory (check, all pages)',
];

export function formatReport(opts: ReportOptions, results: readonly TargetResult[]): string {
  // The ratio compares OpenSWF with moto, or (the auth benchmark) auth on with auth off, or
  // (the PostgreSQL benchmark, without moto) PostgreSQL with SQLite.
  const authOn = results.find((r) => r.target === 'openswf+auth');
  const pgOn = authOn ? undefined : results.find((r) => r.target === 'openswf-pg');
  const motoRun = results.find((r) => r.target === 'moto');
  const byPg = pgOn !== undefined && motoRun === undefined;
  const openswf = authOn ?? (byPg ? pgOn : results.find((r) => r.target === 'openswf'));
  const moto = authOn || byPg ? results.find((r) => r.target === 'openswf') : motoRun;
  const ratioLabel = authOn ? 'auth on/off' : byPg ? 'pg/sqlite' : 'openswf/moto';
  const withRatio = openswf !== undefined && moto !== undefined;
  const ratio = (pick: (r: TargetResult) => number | undefined): string => {
    if (!openswf || !moto) return '';
    const a = pick(openswf);
    const b = pick(moto);
    return a === undefined || b === undefined || !Number.isFinite(a / b) ? '-' : (a / b).toFixed(2);
  };
  const row = (label: string, pick: (r: TargetResult) => number | undefined, digits: number): string[] => [
    label,
    ...results.map((r) => fixed(pick(r), digits)),
    ...(withRatio ? [ratio(pick)] : []),
  ];
  const textRow = (label: string, pick: (r: TargetResult) => string): string[] => [label, ...results.map(pick), ...(withRatio ? [''] : [])];
  const mib = (kb: number | undefined) => (kb === undefined ? undefined : kb / 1024);
  const summary: string[][] = [
    ['', ...results.map((r) => r.target), ...(withRatio ? [ratioLabel] : [])],
    textRow('stop reason', (r) => r.stopReason),
    row('wall time (s)', (r) => r.wallSeconds, 2),
    row('workflows/s (higher is better)', (r) => r.workflowsCompleted / r.wallSeconds, 2),
    row('requests/s', (r) => r.requests / r.wallSeconds, 1),
    row('requests in the run', (r) => r.requests, 0),
    row('server RSS at end (MiB)', (r) => mib(r.process?.rssKb), 1),
    row('server peak RSS (MiB)', (r) => mib(r.process?.peakRssKb), 1),
    row('server CPU in the run (s)', (r) => r.process?.cpuSeconds, 2),
    row('server CPU per workflow (ms)', (r) => (r.process ? (r.process.cpuSeconds * 1000) / Math.max(1, r.workflowsCompleted) : undefined), 1),
    row('server CPU per request (ms)', (r) => (r.process ? (r.process.cpuSeconds * 1000) / Math.max(1, r.requests) : undefined), 3),
    textRow('driver client', (r) => r.client),
    row('driver CPU in the run (s)', (r) => r.driverCpuSeconds, 2),
    row('driver CPU per request (ms)', (r) => (r.driverCpuSeconds * 1000) / Math.max(1, r.requests), 3),
    row('driver wake-ups per request', (r) => r.driverWakeups / Math.max(1, r.requests), 2),
    textRow('machine load avg before/after', (r) => r.machineLoad.map((l) => l.toFixed(2)).join(' / ')),
    textRow('5-min load avg before/after', (r) => r.machineLoad5.map((l) => l.toFixed(2)).join(' / ')),
    textRow('workflows COMPLETED', (r) => `${r.check.closedCompleted}/${opts.workflows}`),
    textRow('histories as expected', (r) => `${r.check.historyAsExpected}/${opts.workflows}`),
    row('duplicate decision tasks', (r) => r.duplicateDecisionTasks, 0),
    row('duplicate activity tasks', (r) => r.duplicateActivityTasks, 0),
    row('failed requests', (r) => sum(r.errors.values()), 0),
  ];
  const ops = [...OPERATION_ORDER, ...results.flatMap((r) => [...r.latencies.keys()])].filter(
    (op, i, all) => all.indexOf(op) === i && results.some((r) => r.latencies.has(op)),
  );
  const latency: string[][] = [
    ['latency (ms)', ...results.flatMap((r) => [`${r.target} n`, 'p50', 'p99']), ...(withRatio ? ['p50 ratio', 'p99 ratio'] : [])],
    ...ops.map((op) => {
      const stats = (r: TargetResult | undefined, p: number) => {
        const samples = r?.latencies.get(op);
        return samples?.length ? percentile(samples, p) : undefined;
      };
      return [
        op,
        ...results.flatMap((r) => [String(r.latencies.get(op)?.length ?? 0), fixed(stats(r, 0.5), 1), fixed(stats(r, 0.99), 1)]),
        ...(withRatio ? [ratio((r) => stats(r, 0.5)), ratio((r) => stats(r, 0.99))] : []),
      ];
    }),
  ];
  const lines = [
    `Load: ${opts.workflows} workflows x ${opts.activities} sequential activities; ${opts.concurrency} starters, ${opts.concurrency} deciders, ${opts.concurrency} activity workers`,
    `Driver: one Node process; its loops' client: ${CLIENT_NAMES[opts.client]} (checks and wake-up probe: the SDK)`,
    ...(opts.serverBuild !== undefined ? [`OpenSWF server: the build in ${opts.serverBuild} (not this driver's own)`] : []),
    `Targets run one after the other, each on a fresh server${withRatio ? (authOn ? '; ratio = auth on / auth off' : byPg ? '; ratio = PostgreSQL / SQLite (latency: below 1 means PostgreSQL is faster)' : '; ratio = openswf / moto (latency: below 1 means OpenSWF is faster)') : ''}.`,
    '',
    ...table(summary),
    '',
    ...table(latency),
  ];
  for (const r of results) {
    for (const [key, count] of r.errors) lines.push(`${r.target} failed request: ${key} x${count}`);
    for (const failure of r.check.failures.slice(0, 5)) lines.push(`${r.target} check failed: ${failure}`);
    if (r.check.failures.length > 5) lines.push(`${r.target}: ${r.check.failures.length - 5} more check failures`);
  }
  return `${lines.join('\n')}\n`;
}

const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);

function fixed(value: number | undefined, digits: number): string {
  return value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);
}

/** Pads columns: the first left-aligned, the others right-aligned. */
function table(rows: readonly string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ').trimEnd());
}
