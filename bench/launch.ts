/**
 * Starts the servers a benchmark compares, each as its own process on this machine, and reads
 * their memory and CPU from /proc:
 * - OpenSWF through the integration tests' launcher (the real `openswf serve` binary on a
 *   fresh temporary data folder), so benchmarks and tests run the same process the same way;
 * - moto's SWF mock (`moto_server`, python3), the peer our users know, on a free port.
 * Every server started here is stopped by `stop()`, and `stopAll()` stops whatever is still
 * running (for Ctrl-C and failures half-way).
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TestServer, type TestAuth } from '../test/helpers/server.js';

export type TargetName = 'openswf' | 'openswf+auth' | 'openswf-pg' | 'moto';

export interface LaunchedServer {
  readonly target: TargetName;
  readonly url: string;
  /** Unknown for a server someone else started (--endpoint): no /proc figures then. */
  readonly pid: number | undefined;
  /** The key clients sign with (auth on); any key otherwise. */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

const running = new Set<LaunchedServer>();

function track(server: LaunchedServer): LaunchedServer {
  running.add(server);
  return {
    ...server,
    stop: async () => {
      running.delete(server);
      await server.stop();
    },
  };
}

/** Stops every server this module started and has not stopped yet. */
export async function stopAll(): Promise<void> {
  await Promise.allSettled([...running].map((s) => s.stop()));
  running.clear();
}

/** How launchOpenSwf starts the server. */
export interface OpenSwfLaunch {
  pollTimeoutMs: number;
  /** Where the temporary data folder goes (default the OS temp folder). */
  dataParent?: string | undefined;
  /** Flags for node itself (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  auth?: TestAuth;
  postgres?: boolean;
  /** Another build's output folder (its `src/cli/main.js` is run); default this build's. */
  serverBuild?: string | undefined;
}

/**
 * `openswf serve` on a fresh data folder under `dataParent` (removed again by stop()); with
 * `postgres`, on a fresh PostgreSQL database (`--database-url`, created on the server named by
 * OPENSWF_TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432, and dropped by stop()).
 */
export async function launchOpenSwf(launch: OpenSwfLaunch): Promise<LaunchedServer> {
  const { pollTimeoutMs, auth, postgres = false } = launch;
  const dataDir = mkdtempSync(join(launch.dataParent ?? tmpdir(), 'openswf-bench-'));
  const cli = launch.serverBuild !== undefined ? resolve(launch.serverBuild, 'src/cli/main.js') : undefined;
  const server = await TestServer.start({
    pollTimeoutMs,
    dataDir,
    nodeArgs: launch.nodeArgs ?? [],
    backend: postgres ? 'postgres' : 'sqlite',
    ...(auth ? { auth } : {}),
    ...(cli !== undefined ? { cli } : {}),
  }).catch((err: unknown) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  });
  const stop = async (): Promise<void> => {
    const killLater = setTimeout(() => void server.kill9(), 10_000); // a server that ignores SIGTERM
    await server.dispose();
    clearTimeout(killLater);
  };
  const user = auth?.users[0];
  return track({
    target: auth ? 'openswf+auth' : postgres ? 'openswf-pg' : 'openswf',
    url: server.url,
    pid: server.pid,
    ...(user ? { credentials: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey } } : {}),
    stop,
  });
}

/** A server that is already running; stop() leaves it alone. */
export function attachEndpoint(target: TargetName, url: string): LaunchedServer {
  return { target, url: url.replace(/\/+$/, ''), pid: undefined, stop: () => Promise.resolve() };
}

/**
 * `moto_server -H 127.0.0.1 -p <free port>`. It is ready when it answers HTTP at all. Its
 * stderr carries one log line per request: it is drained (a full pipe would block moto) and
 * only the tail is kept for error messages.
 */
export async function launchMoto(): Promise<LaunchedServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keepTail = (d: Buffer) => {
    tail = (tail + d.toString()).slice(-4000);
  };
  child.stdout.on('data', keepTail);
  child.stderr.on('data', keepTail);
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null || spawnError) return;
    child.kill('SIGTERM');
    const killLater = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killLater);
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (spawnError) throw new Error(`could not start moto_server (is moto installed?): ${spawnError.message}`);
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}:\n${tail}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not answer on ${url} within 30 s:\n${tail}`);
    }
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return track({ target: 'moto', url, pid: child.pid, stop });
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolvePort(port) : reject(new Error('no free port'))));
    });
  });
}

export interface ProcessSample {
  /** Resident memory now (VmRSS) and at its peak (VmHWM), in KiB. */
  rssKb: number;
  peakRssKb: number;
  /** User + system CPU time the process has used since it started. */
  cpuSeconds: number;
}

let clockTicks: number | undefined;

/** The process's memory and CPU, or undefined when it is not a local process we can read. */
export function sampleProcess(pid: number | undefined): ProcessSample | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    // /proc/<pid>/stat: the command name (field 2) may hold spaces, so count fields after its ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    return { rssKb: kb('VmRSS'), peakRssKb: kb('VmHWM'), cpuSeconds: ticks / clockTicks };
  } catch {
    return undefined;
  }
}
