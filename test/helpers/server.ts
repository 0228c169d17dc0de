/**
 * Starts the real `openswf serve` process for integration tests and hands out SDK clients
 * pointed at it. Nothing is mocked: the tests talk HTTP to the same binary users run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SWFClient } from '@aws-sdk/client-swf';
import { signedFetch } from '../../src/auth/signed-fetch.js';

const CLI = resolve(fileURLToPath(import.meta.url), '../../../src/cli/main.js');

export interface ServerOptions {
  clock?: 'real' | 'virtual';
  /** Empty polls answer after this long (default 500 ms, to keep tests fast). */
  pollTimeoutMs?: number;
  /** Reuse a data folder (for restart tests); default a fresh temporary one. */
  dataDir?: string;
  /** Extra command-line flags for `openswf serve`. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Flags for node itself, before the script (benchmarks: `--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
  /**
   * Turns authentication on with this identities file (written to the data folder and passed
   * as --auth). `client(name)` then signs as that user; `now()`/`advance()` sign as `admin`
   * (default: the user named "admin").
   */
  auth?: TestAuth;
}

export interface TestUser {
  name: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  accountId?: string;
  policies: unknown[];
}

export interface TestAuth {
  accountId?: string;
  users: TestUser[];
  admin?: string;
}

/** What a server printed is kept up to this many characters (a benchmark logs a line per request). */
const MAX_KEPT = 16 * 1024 * 1024;

const keptSize = new WeakMap<string[], number>();

/** Appends `chunk`, dropping the oldest chunks once the total passes MAX_KEPT. */
function keep(chunks: string[], chunk: string): void {
  chunks.push(chunk);
  let total = (keptSize.get(chunks) ?? 0) + chunk.length;
  while (total > MAX_KEPT && chunks.length > 1) total -= chunks.shift()?.length ?? 0;
  keptSize.set(chunks, total);
}

export class TestServer {
  private constructor(
    readonly url: string,
    readonly dataDir: string,
    private readonly child: ChildProcess,
    private readonly options: ServerOptions,
    private output: string[],
    /** stdout alone: the log lines, never cut by a chunk of stderr. */
    private readonly stdout: string[],
  ) {}

  static async start(options: ServerOptions = {}): Promise<TestServer> {
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'openswf-test-'));
    const authArgs: string[] = [];
    if (options.auth) {
      const file = join(dataDir, 'auth.json');
      const { admin: _admin, ...content } = options.auth;
      writeFileSync(file, JSON.stringify(content), { mode: 0o600 });
      authArgs.push('--auth', file);
    }
    const args = [
      ...(options.nodeArgs ?? []),
      CLI,
      'serve',
      '--port',
      '0',
      '--data',
      dataDir,
      '--clock',
      options.clock ?? 'real',
      '--poll-timeout-ms',
      String(options.pollTimeoutMs ?? 500),
      ...authArgs,
      ...(options.args ?? []),
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    const output: string[] = [];
    child.stderr?.on('data', (d: Buffer) => keep(output, d.toString()));
    // Kept for the life of the process (not only until it listens): tests read its log lines.
    const stdout: string[] = [];
    child.stdout?.on('data', (d: Buffer) => {
      keep(output, d.toString());
      keep(stdout, d.toString());
    });
    const url = await new Promise<string>((resolvePromise, reject) => {
      let buffered = '';
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${output.join('')}`)), 15_000);
      child.stdout?.on('data', (d: Buffer) => {
        buffered += d.toString();
        const m = /listening on (https?:\/\/\S+)/.exec(buffered);
        if (m?.[1]) {
          clearTimeout(timer);
          resolvePromise(m[1]);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code}:\n${output.join('')}`));
      });
    });
    return new TestServer(url, dataDir, child, options, output, stdout);
  }

  /**
   * An SDK client for this server, with short retries so faults surface at once. With
   * authentication on, it signs as the user named `user` (default: the first user).
   */
  client(user?: string, region = 'us-east-1'): SWFClient {
    const u = this.user(user);
    return new SWFClient({
      endpoint: this.url,
      region,
      credentials: u ? { accessKeyId: u.accessKeyId, secretAccessKey: u.secretAccessKey, ...(u.sessionToken ? { sessionToken: u.sessionToken } : {}) } : { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  }

  /** A user of the identities file (by name; default the first), or undefined with auth off. */
  user(name?: string): TestUser | undefined {
    const users = this.options.auth?.users;
    if (!users) return undefined;
    const u = name === undefined ? users[0] : users.find((x) => x.name === name);
    if (!u) throw new Error(`no user ${name ?? '(first)'} in the test identities`);
    return u;
  }

  /** fetch for the admin endpoints: signed as the admin user when authentication is on. */
  private adminFetch() {
    const auth = this.options.auth;
    if (!auth) return (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => fetch(url, init);
    const u = this.user(auth.admin ?? 'admin');
    if (!u) throw new Error('no admin user');
    return signedFetch({ credentials: { accessKeyId: u.accessKeyId, secretAccessKey: u.secretAccessKey, ...(u.sessionToken ? { sessionToken: u.sessionToken } : {}) }, region: 'us-east-1' });
  }

  /** The server process id (benchmarks read its memory and CPU from /proc). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** What the server printed (for failure messages). */
  logs(): string {
    return this.output.join('');
  }

  /** The JSON log lines the server printed so far (the test helper's stdout is not a terminal, so they are JSON). */
  logLines(): Record<string, unknown>[] {
    return this.stdout
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** Resolves with the first log line that `match` accepts, waiting for it if need be. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    return new Promise((resolvePromise, reject) => {
      const look = (): boolean => {
        const found = this.logLines().find(match);
        if (found === undefined) return false;
        cleanup();
        resolvePromise(found);
        return true;
      };
      const onData = (): void => void look();
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no such log line within ${timeoutMs} ms:\n${this.logs()}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.child.stdout?.off('data', onData);
      };
      // Listeners run in order of attachment: the one in start() has appended the chunk already.
      this.child.stdout?.on('data', onData);
      look();
    });
  }

  /** Sends a signal and resolves with the exit code once the process is gone. */
  signalAndWait(sig: NodeJS.Signals): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve(this.child.exitCode);
    return new Promise((resolvePromise) => {
      this.child.once('exit', (code) => resolvePromise(code));
      this.child.kill(sig);
    });
  }

  /** Graceful stop (SIGTERM). */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  /** kill -9: the process gets no chance to flush anything. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** Starts a new server process on the same data folder and options. */
  restart(extra: Partial<ServerOptions> = {}): Promise<TestServer> {
    return TestServer.start({ ...this.options, ...extra, dataDir: this.dataDir });
  }

  /** Stops the server and removes its data folder. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** The server's clock, in epoch seconds (virtual or real). */
  async now(): Promise<number> {
    const res = await this.adminFetch()(`${this.url}/admin/clock`);
    if (!res.ok) throw new Error(`reading the clock failed: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { now: number }).now;
  }

  /** Virtual clock only: moves time forward, firing what falls due. */
  async advance(seconds: number): Promise<{ now: number; fired: number }> {
    const res = await this.adminFetch()(`${this.url}/admin/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seconds }),
    });
    if (!res.ok) throw new Error(`advance failed: ${res.status} ${await res.text()}`);
    return (await res.json()) as { now: number; fired: number };
  }

  private signal(sig: NodeJS.Signals): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolvePromise) => {
      this.child.once('exit', () => resolvePromise());
      this.child.kill(sig);
    });
  }
}
