/**
 * Load benchmark over the real protocol: N workflows of K sequential activities, driven by
 * C starters, C deciders and C activity workers through @aws-sdk/client-swf (or the lean
 * client of --client http), against OpenSWF and moto's SWF mock side by side (the same client
 * code for both, one after the other on a fresh server each). Prints workflows/s, requests/s, p50/p99 per operation, the server's
 * memory and CPU, and the ratios OpenSWF/moto; then checks that every workflow completed
 * with exactly the expected history, so a fast but wrong server cannot win.
 *
 *   npm run bench -- [--workflows 200] [--activities 3] [--concurrency 4]
 *                    [--target both|openswf|openswf-pg|moto|auth|pg|LIST] [--endpoint http://host:port]
 *                    [--poll-timeout-ms 60000] [--data-parent DIR] [--time-limit 300] [--stall 30]
 *                    [--cpu-prof DIR] [--client sdk|http] [--server-build DIR]
 *
 * `--client` picks what drives the run phase's loops: `sdk` (default), @aws-sdk/client-swf as
 * users run it; `http`, the lean node:http client of bench/http-client.ts, for measuring the
 * server when the SDK's own CPU (more per request than the server's) would cap it on a machine
 * the driver shares. The loops, their checks and the report are the same for both; the checks
 * after the run and the wake-up probe always use the SDK.
 *
 * `--server-build DIR` runs another build's server (DIR is its output folder, e.g. an older
 * commit's `dist`) under this build's driver: a before/after comparison then differs in the
 * server only (an older build's own driver may cost the machine more, as one did).
 *
 * `--target auth` runs OpenSWF with authentication off and then on (SigV4 on every request, a
 * worker's IAM policy with conditions on every call and decision), side by side.
 * `--target openswf-pg` runs the server on a fresh PostgreSQL database (`--database-url`),
 * dropped after the run; `--target pg` is `openswf,openswf-pg` (SQLite, then PostgreSQL, with
 * the ratio PostgreSQL/SQLite). A comma-separated list runs those targets in that order.
 *
 * The run stops by itself: when all N workflows completed, after --time-limit seconds, or
 * after --stall seconds without progress. The exit code is 1 when OpenSWF fails a check
 * (moto's failures are findings about moto, printed but not fatal).
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { DescribeWorkflowExecutionCommand, SWFClient, type Decision, type HistoryEvent } from '@aws-sdk/client-swf';
import { eventTypes, history, registerFixture, type Fixture } from '../test/helpers/swf.js';
import { attachEndpoint, launchMoto, launchOpenSwf, sampleProcess, stopAll, type LaunchedServer, type ProcessSample, type TargetName } from './launch.js';
import { formatReport, type TargetResult } from './load-report.js';
import { BENCH_AUTH } from './auth-user.js';
import { wakeupProbe } from './wakeup-probe.js';
import { SdkLoopClient, type ClientKind, type DecisionTaskPage, type LoopClient } from './loop-client.js';
import { HttpLoopClient } from './http-client.js';

interface LoadOptions {
  workflows: number;
  activities: number;
  concurrency: number;
  targets: TargetName[];
  endpoint: string | undefined;
  pollTimeoutMs: number;
  /** Where OpenSWF's temporary data folder goes (default the OS temp folder). */
  dataParent: string | undefined;
  timeLimitS: number;
  stallS: number;
  /** Write a V8 CPU profile of the OpenSWF server process into this folder (node --cpu-prof). */
  cpuProfDir: string | undefined;
  /** What drives the run phase's loops: the AWS SDK v3 or the lean HTTP client. */
  client: ClientKind;
  /** Another build's output folder whose server runs instead of this build's (--server-build). */
  serverBuild: string | undefined;
}

/** Latencies (ms) of finished requests per operation, and failed requests by fault name. */
class Recorder {
  readonly latencies = new Map<string, number[]>();
  readonly errors = new Map<string, number>();

  record(op: string, ms: number): void {
    const list = this.latencies.get(op);
    if (list) list.push(ms);
    else this.latencies.set(op, [ms]);
  }

  fail(op: string, err: unknown): void {
    const key = `${op}: ${err instanceof Error ? err.name : String(err)}`;
    this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
  }

  requests(): number {
    let n = 0;
    for (const list of this.latencies.values()) n += list.length;
    for (const count of this.errors.values()) n += count;
    return n;
  }
}

/**
 * One identical client configuration for every target: no SDK retries, so faults surface,
 * and a request timeout longer than any long poll, so a hung server cannot hang the driver.
 */
function newClient(url: string, opts: LoadOptions, credentials = BENCH_CREDENTIALS): SWFClient {
  return new SWFClient({
    endpoint: url,
    region: REGION,
    credentials,
    maxAttempts: 1,
    requestHandler: { requestTimeout: opts.pollTimeoutMs + 15_000 },
  });
}

const REGION = 'us-east-1';
const BENCH_CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };

/** A run-phase loop's client, of the kind --client names, with the same timeout as newClient's. */
function newLoopClient(server: LaunchedServer, opts: LoadOptions): LoopClient {
  if (opts.client === 'sdk') return new SdkLoopClient(newClient(server.url, opts, server.credentials));
  const sign = server.target === 'openswf+auth';
  return new HttpLoopClient(server.url, { region: REGION, credentials: server.credentials ?? BENCH_CREDENTIALS, sign, timeoutMs: opts.pollTimeoutMs + 15_000 });
}

/** The history every workflow must end with: K rounds of activity + decision, then completion. */
function expectedEventTypes(activities: number): string[] {
  const decision = ['DecisionTaskScheduled', 'DecisionTaskStarted', 'DecisionTaskCompleted'];
  const round = ['ActivityTaskScheduled', 'ActivityTaskStarted', 'ActivityTaskCompleted', ...decision];
  return ['WorkflowExecutionStarted', ...decision, ...Array.from({ length: activities }, () => round).flat(), 'WorkflowExecutionCompleted'];
}

/** Times requests into a Recorder; abort() ends the requests in flight without counting them. */
class Meter {
  readonly recorder = new Recorder();
  readonly abort = new AbortController();

  get stopping(): boolean {
    return this.abort.signal.aborted;
  }

  /** Times one request; an aborted one (shutdown) is neither a sample nor an error. */
  async timed<T>(op: string | ((out: T | undefined) => string), send: () => Promise<T>): Promise<T | undefined> {
    const name = (out: T | undefined) => (typeof op === 'string' ? op : op(out));
    const t0 = performance.now();
    try {
      const out = await send();
      this.recorder.record(name(out), performance.now() - t0);
      return out;
    } catch (err) {
      if (this.stopping) return undefined;
      this.recorder.fail(name(undefined), err);
      await sleep(50); // a dead or failing server must not turn the loops into a busy spin
      return undefined;
    }
  }
}

/** Shared state of one target's run phase. */
class Run extends Meter {
  readonly runIds = new Map<string, string>();
  readonly completed = new Set<string>();
  /** Tokens already handed out: a second hand-out of one is a duplicate, not a new task. */
  readonly seenTokens = new Set<string>();
  /** When each start was acknowledged (performance.now()), to time the long-poll wake-up. */
  readonly startAckedAt = new Map<string, number>();
  /**
   * Long-poll wake-ups: start acknowledged → the first decision task of that run received by
   * a poll that was already waiting when the start was acknowledged (so queueing behind busy
   * deciders does not count, only how soon the server hands a new task to a waiting poll).
   */
  readonly wakeups: number[] = [];
  duplicateDecisionTasks = 0;
  duplicateActivityTasks = 0;
  nextToStart = 0;
  lastProgressAt = performance.now();
  finishedAt: number | undefined;
  private finish: () => void = () => {};
  readonly finished = new Promise<void>((resolveFinished) => {
    this.finish = resolveFinished;
  });

  constructor(
    readonly opts: LoadOptions,
    readonly fixture: Fixture,
  ) {
    super();
  }

  progress(): void {
    this.lastProgressAt = performance.now();
  }

  workflowCompleted(workflowId: string): void {
    this.completed.add(workflowId);
    this.progress();
    if (this.completed.size === this.opts.workflows && this.finishedAt === undefined) {
      this.finishedAt = performance.now();
      this.finish();
    }
  }

  /** True the first time a token is seen. */
  firstHandOut(token: string): boolean {
    if (this.seenTokens.has(token)) return false;
    this.seenTokens.add(token);
    return true;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function starter(run: Run, client: LoopClient): Promise<void> {
  const { fixture: f, opts } = run;
  while (!run.stopping && run.nextToStart < opts.workflows) {
    const workflowId = `wf-${run.nextToStart++}`;
    const out = await run.timed('StartWorkflowExecution', () =>
      client.startWorkflowExecution({ domain: f.domain, workflowId, workflowType: f.workflowType, input: workflowId }, run.abort.signal),
    );
    if (out?.runId) {
      run.startAckedAt.set(workflowId, performance.now());
      run.runIds.set(workflowId, out.runId);
      run.progress();
    }
  }
}

async function decider(run: Run, client: LoopClient, identity: string): Promise<void> {
  const { fixture: f, opts } = run;
  const signal = run.abort.signal;
  const kind = (out: DecisionTaskPage | undefined) => `PollForDecisionTask (${out?.taskToken ? 'task' : 'empty'})`;
  while (!run.stopping) {
    const sentAt = performance.now();
    const task = await run.timed(kind, () => client.pollForDecisionTask({ domain: f.domain, taskList: { name: f.taskList }, identity }, signal));
    const token = task?.taskToken; // an empty answer carries no token at all
    if (!task || !token) continue;
    const ackedAt = task.previousStartedEventId ? undefined : run.startAckedAt.get(task.workflowExecution?.workflowId ?? '');
    if (ackedAt !== undefined && sentAt < ackedAt) run.wakeups.push(performance.now() - ackedAt);
    if (!run.firstHandOut(token)) {
      run.duplicateDecisionTasks++; // the first receiver answers it; answering twice would corrupt the run
      continue;
    }
    const events = [...(task.events ?? [])];
    for (let page = task.nextPageToken; page && !run.stopping; ) {
      const next = await run.timed('PollForDecisionTask (next page)', () =>
        client.pollForDecisionTask({ domain: f.domain, taskList: { name: f.taskList }, identity, nextPageToken: page }, signal),
      );
      if (!next) break;
      events.push(...(next.events ?? []));
      page = next.nextPageToken;
    }
    const decisions = decide(events, opts.activities, f.activityType);
    const done = await run.timed('RespondDecisionTaskCompleted', () => client.respondDecisionTaskCompleted({ taskToken: token, decisions }, signal));
    if (!done) continue;
    run.progress();
    const workflowId = task.workflowExecution?.workflowId;
    if (workflowId && decisions[0]?.decisionType === 'CompleteWorkflowExecution') run.workflowCompleted(workflowId);
  }
}

/** Schedules activity n+1 once n have completed and none is open; completes after K. */
function decide(events: readonly { eventType?: string }[], activities: number, activityType: Fixture['activityType']): Decision[] {
  const count = (type: string) => events.filter((e) => e.eventType === type).length;
  const scheduled = count('ActivityTaskScheduled');
  const completed = count('ActivityTaskCompleted');
  if (scheduled > completed) return []; // an activity is still open: nothing to decide yet
  if (completed < activities) {
    const activityId = `a${completed + 1}`;
    return [{ decisionType: 'ScheduleActivityTask', scheduleActivityTaskDecisionAttributes: { activityType, activityId, input: activityId } }];
  }
  return [{ decisionType: 'CompleteWorkflowExecution', completeWorkflowExecutionDecisionAttributes: { result: `${completed} done` } }];
}

async function activityWorker(run: Run, client: LoopClient, identity: string): Promise<void> {
  const { fixture: f } = run;
  const signal = run.abort.signal;
  while (!run.stopping) {
    const task = await run.timed(
      (out) => `PollForActivityTask (${out?.taskToken ? 'task' : 'empty'})`,
      () => client.pollForActivityTask({ domain: f.domain, taskList: { name: f.activityTaskList }, identity }, signal),
    );
    const token = task?.taskToken;
    if (!task || !token) continue;
    if (!run.firstHandOut(token)) {
      run.duplicateActivityTasks++;
      continue;
    }
    const done = await run.timed('RespondActivityTaskCompleted', () =>
      client.respondActivityTaskCompleted({ taskToken: token, result: `${task.activityId ?? '?'} result` }, signal),
    );
    if (done) run.progress();
  }
}

/** Resolves with why the run phase ended; prints progress to stderr every 5 s. */
async function watch(run: Run, label: string): Promise<TargetResult['stopReason']> {
  const started = performance.now();
  let lastReport = started;
  for (;;) {
    const outcome = await Promise.race([run.finished.then(() => 'done' as const), sleep(250).then(() => 'tick' as const)]);
    if (outcome === 'done') return 'all completed';
    const now = performance.now();
    if (now - started > run.opts.timeLimitS * 1000) return 'time limit';
    if (now - run.lastProgressAt > run.opts.stallS * 1000) return 'stalled';
    if (now - lastReport >= 5000) {
      lastReport = now;
      process.stderr.write(`  ${label}: ${run.completed.size}/${run.opts.workflows} completed after ${((now - started) / 1000).toFixed(0)} s\n`);
    }
  }
}

/** Every workflow must be COMPLETED with exactly the expected history. */
async function check(meter: Meter, client: SWFClient, run: Run): Promise<TargetResult['check']> {
  const { fixture: f, opts } = run;
  const expected = expectedEventTypes(opts.activities);
  const failures: string[] = [];
  let closedCompleted = 0;
  let historyAsExpected = 0;
  let next = 0;
  const one = async (workflowId: string): Promise<void> => {
    const runId = run.runIds.get(workflowId);
    if (!runId) return void failures.push(`${workflowId}: never started`);
    const execution = { workflowId, runId };
    const described = await meter.timed('DescribeWorkflowExecution (check)', () => client.send(new DescribeWorkflowExecutionCommand({ domain: f.domain, execution })));
    const status = described?.executionInfo?.closeStatus ?? described?.executionInfo?.executionStatus ?? 'unknown';
    if (status === 'COMPLETED') closedCompleted++;
    else failures.push(`${workflowId}: status ${status}`);
    const events = await meter.timed('GetWorkflowExecutionHistory (check, all pages)', () => history(client, f.domain, execution));
    const problem = events ? historyProblem(events, expected, opts.activities) : 'history unreadable';
    if (problem) failures.push(`${workflowId}: ${problem}`);
    else historyAsExpected++;
  };
  const workers = Array.from({ length: opts.concurrency }, async () => {
    while (next < opts.workflows && !meter.stopping) await one(`wf-${next++}`);
  });
  await Promise.all(workers);
  if (next < opts.workflows) failures.push(`${opts.workflows - next} workflows not checked: the checks ran out of time`);
  return { closedCompleted, historyAsExpected, failures };
}

/** Why a history is not the expected one, or undefined when it is. */
function historyProblem(events: readonly HistoryEvent[], expected: readonly string[], activities: number): string | undefined {
  const types = eventTypes(events);
  const differs = expected.findIndex((type, i) => types[i] !== type);
  if (differs >= 0 || types.length !== expected.length) {
    const at = differs >= 0 ? differs : expected.length;
    return `${types.length} events (expected ${expected.length}); event ${at + 1} is ${types[at] ?? 'missing'}, expected ${expected[at] ?? 'none'}`;
  }
  const badId = events.findIndex((e, i) => e.eventId !== i + 1);
  if (badId >= 0) return `event ${badId + 1} has eventId ${events[badId]?.eventId}`;
  const scheduled = events.filter((e) => e.eventType === 'ActivityTaskScheduled').map((e) => e.activityTaskScheduledEventAttributes?.activityId);
  const wanted = Array.from({ length: activities }, (_, i) => `a${i + 1}`);
  if (scheduled.join() !== wanted.join()) return `activities scheduled ${scheduled.join()} (expected ${wanted.join()})`;
  const results = events.filter((e) => e.eventType === 'ActivityTaskCompleted').map((e) => e.activityTaskCompletedEventAttributes?.result);
  if (results.join() !== wanted.map((a) => `${a} result`).join()) return `activity results ${results.join()}`;
  const result = events.at(-1)?.workflowExecutionCompletedEventAttributes?.result;
  if (result !== `${activities} done`) return `workflow result ${result}`;
  return undefined;
}

async function benchTarget(server: LaunchedServer, opts: LoadOptions): Promise<TargetResult> {
  const admin = newClient(server.url, opts, server.credentials);
  const fixture = await registerFixture(admin);
  const run = new Run(opts, fixture);
  const clients: LoopClient[] = [];
  const client = () => {
    const c = newLoopClient(server, opts); // one per loop, as separate worker processes would have
    clients.push(c);
    return c;
  };
  const loadBefore = loadavg()[0] ?? NaN;
  const loadBefore5 = loadavg()[1] ?? NaN;
  const before = sampleProcess(server.pid);
  const driverBefore = process.cpuUsage();
  const wakeupsBefore = process.resourceUsage().voluntaryContextSwitches;
  const t0 = performance.now();
  const loops = [
    ...Array.from({ length: opts.concurrency }, () => starter(run, client())),
    ...Array.from({ length: opts.concurrency }, (_, i) => decider(run, client(), `decider-${i}`)),
    ...Array.from({ length: opts.concurrency }, (_, i) => activityWorker(run, client(), `worker-${i}`)),
  ];
  const stopReason = await watch(run, server.target);
  const wallSeconds = ((run.finishedAt ?? performance.now()) - t0) / 1000;
  run.abort.abort(); // ends the long polls still waiting
  await Promise.all(loops);
  const driverCpu = process.cpuUsage(driverBefore);
  const driverWakeups = process.resourceUsage().voluntaryContextSwitches - wakeupsBefore;
  const loadAfter = loadavg()[0] ?? NaN;
  const loadAfter5 = loadavg()[1] ?? NaN;
  const runRecorder = run.recorder;
  const after = sampleProcess(server.pid);
  // Checks are timed apart from the run so their requests do not count in its throughput.
  const checkMeter = new Meter();
  const checkDeadline = setTimeout(() => checkMeter.abort.abort(), opts.timeLimitS * 1000);
  const checked = await check(checkMeter, admin, run);
  clearTimeout(checkDeadline);
  const probed = await wakeupProbe(() => newClient(server.url, opts, server.credentials), fixture);
  for (const c of clients) c.destroy();
  admin.destroy();
  return {
    target: server.target,
    url: server.url,
    stopReason,
    wallSeconds,
    workflowsCompleted: run.completed.size,
    requests: runRecorder.requests(),
    latencies: new Map([
      ...runRecorder.latencies,
      ...(run.wakeups.length > 0 ? [['long-poll wake-up (start ack → waiting poll answered)', run.wakeups] as const] : []),
      ...checkMeter.recorder.latencies,
      ...(probed.length > 0 ? [['long-poll wake-up, idle server (probe)', probed] as const] : []),
    ]),
    errors: new Map([...runRecorder.errors, ...checkMeter.recorder.errors]),
    duplicateDecisionTasks: run.duplicateDecisionTasks,
    duplicateActivityTasks: run.duplicateActivityTasks,
    process: processDelta(before, after),
    driverCpuSeconds: (driverCpu.user + driverCpu.system) / 1e6,
    client: opts.client,
    driverWakeups,
    machineLoad: [loadBefore, loadAfter],
    machineLoad5: [loadBefore5, loadAfter5],
    check: checked,
  };
}

/** Memory at the end; CPU used during the run phase only (not start-up, not the checks). */
function processDelta(before: ProcessSample | undefined, after: ProcessSample | undefined): ProcessSample | undefined {
  if (!after) return undefined;
  return { ...after, cpuSeconds: after.cpuSeconds - (before?.cpuSeconds ?? 0) };
}

async function launch(target: TargetName, opts: LoadOptions): Promise<LaunchedServer> {
  const bench = BENCH_AUTH.users[0];
  // A running server started with --auth and BENCH_AUTH's file (for profiling it, say).
  if (opts.endpoint && target === 'openswf+auth' && bench) return { ...attachEndpoint(target, opts.endpoint), credentials: { accessKeyId: bench.accessKeyId, secretAccessKey: bench.secretAccessKey } };
  if (opts.endpoint) return attachEndpoint(target, opts.endpoint);
  const nodeArgs = opts.cpuProfDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : [];
  const common = { pollTimeoutMs: opts.pollTimeoutMs, dataParent: opts.dataParent, nodeArgs, serverBuild: opts.serverBuild };
  if (target === 'openswf+auth') return launchOpenSwf({ ...common, auth: BENCH_AUTH });
  if (target === 'openswf-pg') return launchOpenSwf({ ...common, postgres: true });
  return target === 'openswf' ? launchOpenSwf(common) : launchMoto();
}

function parseOptions(argv: string[]): LoadOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      workflows: { type: 'string', default: '200' },
      activities: { type: 'string', default: '3' },
      concurrency: { type: 'string', default: '4' },
      target: { type: 'string' },
      endpoint: { type: 'string' },
      'poll-timeout-ms': { type: 'string', default: '60000' },
      'data-parent': { type: 'string' },
      'time-limit': { type: 'string', default: '300' },
      stall: { type: 'string', default: '30' },
      'cpu-prof': { type: 'string' },
      client: { type: 'string', default: 'sdk' },
      'server-build': { type: 'string' },
    },
  });
  const positive = (name: string, raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) usage(`--${name} must be a positive integer, not ${raw}`);
    return n;
  };
  const target = values.target ?? (values.endpoint ? 'openswf' : 'both');
  const single: readonly string[] = ['openswf', 'openswf+auth', 'openswf-pg', 'moto'];
  const targets: TargetName[] =
    target === 'both' ? ['openswf', 'moto'] : target === 'auth' ? ['openswf', 'openswf+auth'] : target === 'pg' ? ['openswf', 'openswf-pg'] : (target.split(',') as TargetName[]);
  if (targets.some((t) => !single.includes(t))) usage(`--target must be openswf, openswf+auth, openswf-pg, moto, both, auth, pg or a comma-separated list of the single targets`);
  const client = values.client;
  if (client !== 'sdk' && client !== 'http') usage(`--client must be sdk (the AWS SDK v3) or http (the lean client of bench/http-client.ts), not ${client}`);
  const serverBuild = values['server-build'];
  if (serverBuild !== undefined && !existsSync(join(serverBuild, 'src/cli/main.js'))) usage(`--server-build must name a build's output folder (with src/cli/main.js): ${serverBuild}`);
  if (serverBuild !== undefined && values.endpoint) usage('--server-build starts a server; --endpoint benches one already running: not both');
  if (values.endpoint && targets.length > 1) usage('--endpoint benches one running server: name it with --target openswf, openswf-pg or moto');
  return {
    workflows: positive('workflows', values.workflows),
    activities: positive('activities', values.activities),
    concurrency: positive('concurrency', values.concurrency),
    targets,
    endpoint: values.endpoint,
    pollTimeoutMs: positive('poll-timeout-ms', values['poll-timeout-ms']),
    dataParent: values['data-parent'],
    timeLimitS: positive('time-limit', values['time-limit']),
    stallS: positive('stall', values.stall),
    cpuProfDir: values['cpu-prof'],
    client,
    serverBuild,
  };
}

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: node dist/bench/load.js [--workflows N] [--activities K] [--concurrency C] [--target openswf|openswf-pg|moto|both|auth|pg|LIST] [--endpoint URL] [--poll-timeout-ms MS] [--data-parent DIR] [--time-limit S] [--stall S] [--cpu-prof DIR] [--client sdk|http] [--server-build DIR]\n`);
  process.exit(2);
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  const results: TargetResult[] = [];
  for (const target of opts.targets) {
    process.stderr.write(`${target}: starting\n`);
    const server = await launch(target, opts);
    try {
      results.push(await benchTarget(server, opts));
    } finally {
      await server.stop();
    }
  }
  const args = process.argv.slice(2);
  // The client always shows in the echo, so a report says what drove it even when --client was left at its default.
  const echoed = args.some((a) => a === '--client' || a.startsWith('--client=')) ? args : [...args, '--client', opts.client];
  process.stdout.write(`command: node dist/bench/load.js ${echoed.join(' ')}\n`);
  process.stdout.write(formatReport(opts, results));
  const failed = results.some((r) => r.target !== 'moto' && (r.stopReason !== 'all completed' || r.check.failures.length > 0));
  return failed ? 1 : 0;
}

process.once('SIGINT', () => {
  process.stderr.write('interrupted: stopping servers\n');
  void stopAll().finally(() => process.exit(130));
});

main().then(
  (code) => process.exit(code),
  async (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    await stopAll();
    process.exit(1);
  },
);
