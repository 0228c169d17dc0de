/**
 * Starts the real `openswf serve` process for integration tests and hands out SDK clients
 * pointed at it. Nothing is mocked: the tests talk HTTP to the same binary users run.
 *
 * The back end comes from OPENSWF_TEST_BACKEND: `sqlite` (default) keeps the data in the
 * server's --data folder; `postgres` gives every server a fresh database of its own (see
 * pg-database.ts), dropped on dispose, reused by a restart. scripts/run-tests.mjs runs the
 * integration files once per back end, so every file tests both.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { SWFClient } from '@aws-sdk/client-swf';
import { createTestDatabase, withClient, type TestDatabase } from './pg-database.js';
import { signedFetch } from '../../src/auth/signed-fetch.js';

const CLI = resolve(fileURLToPath(import.meta.url), '../../../src/cli/main.js');

export type TestBackend = 'sqlite' | 'postgres';

/** The back end the integration tests run on (OPENSWF_TEST_BACKEND). */
export const TEST_BACKEND: TestBackend = backendOf(process.env.OPENSWF_TEST_BACKEND);

function backendOf(value: string | undefined): TestBackend {
  if (value === undefined || value === '' || value === 'sqlite') return 'sqlite';
  if (value === 'postgres') return 'postgres';
  throw new Error(`OPENSWF_TEST_BACKEND must be sqlite or postgres, not ${value}`);
}

/** A row the store holds, as the driver returns it. */
export type StoredRow = Record<string, unknown>;

export interface ServerOptions {
  clock?: 'real' | 'virtual';
  /** Empty polls answer after this long (default 500 ms, to keep tests fast). */
  pollTimeoutMs?: number;
  /** Reuse a data folder (for restart tests); default a fresh temporary one. */
  dataDir?: string;
  /** Extra command-line flags for `openswf serve`. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /**
   * postgres back end: the database to use (a restart passes its predecessor's); default a
   * fresh one. Ignored when `args` name a --database-url of their own.
   */
  database?: TestDatabase;
  /** The back end for this server, whatever OPENSWF_TEST_BACKEND says (for tests of one back end's own behaviour). */
  backend?: TestBackend;
  /** Flags for node itself, before the script (benchmarks: `--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
  /**
   * The `openswf` script to run (a build's `src/cli/main.js`); default this build's. Benchmarks
   * run an older build's server under this build's driver, so both sides meet the same client.
   */
  cli?: string;
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
    /** The database of this server (postgres back end), dropped on dispose unless a restart took it over. */
    private database: TestDatabase | undefined,
  ) {}

  /** The PostgreSQL database this server uses, if it uses one. */
  get databaseUrl(): string | undefined {
    return this.database?.url ?? this.databaseUrlArg();
  }

  /** Which back end this server keeps its data in. */
  get backend(): TestBackend {
    return this.database !== undefined || this.options.args?.includes('--database-url') ? 'postgres' : 'sqlite';
  }

  static async start(options: ServerOptions = {}): Promise<TestServer> {
    const ownUrl = options.args?.includes('--database-url') === true;
    const backend = options.backend ?? TEST_BACKEND;
    const database = ownUrl ? undefined : (options.database ?? (backend === 'postgres' ? await createTestDatabase() : undefined));
    try {
      return await TestServer.spawn(options, database);
    } catch (err) {
      // A server that did not start leaves no database behind (a restart's stays with its owner).
      if (database !== undefined && options.database === undefined) await database.drop();
      throw err;
    }
  }

  private static async spawn(options: ServerOptions, database: TestDatabase | undefined): Promise<TestServer> {
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
      options.cli ?? CLI,
      'serve',
      '--port',
      '0',
      '--data',
      dataDir,
      '--clock',
      options.clock ?? 'real',
      '--poll-timeout-ms',
      String(options.pollTimeoutMs ?? 500),
      ...(database !== undefined ? ['--database-url', database.url] : []),
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
      // Looks for the address until it is found, then stops: left attached, it would append every
      // later log line to `buffered` and scan all of it again per chunk (quadratic in the lines;
      // in the load benchmark, whose driver runs this, half the driver's CPU at N=2000).
      const onStartup = (d: Buffer): void => {
        buffered += d.toString();
        const m = /listening on (https?:\/\/\S+)/.exec(buffered);
        if (m?.[1]) {
          clearTimeout(timer);
          child.stdout?.off('data', onStartup);
          buffered = '';
          resolvePromise(m[1]);
        }
      };
      child.stdout?.on('data', onStartup);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code}:\n${output.join('')}`));
      });
    });
    return new TestServer(url, dataDir, child, options, output, stdout, database);
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

  /**
   * Starts a new server process on the same data (folder, or database) and options. The new
   * server owns the data from then on: disposing of it removes them.
   */
  async restart(extra: Partial<ServerOptions> = {}): Promise<TestServer> {
    const next = await TestServer.start({ ...this.options, ...extra, dataDir: this.dataDir, ...(this.database ? { database: this.database } : {}) });
    this.database = undefined;
    return next;
  }

  /** Stops the server and removes its data folder (and its database). */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
    await this.database?.drop();
    this.database = undefined;
  }

  /**
   * Reads the store's tables directly (for checks the API cannot make, such as what the
   * due-table still holds). `sql` is written with `?` markers and the tables of
   * migrations/<dialect>/; it runs on whichever back end this server uses.
   */
  async storeRows(sql: string, params: readonly (string | number)[] = []): Promise<StoredRow[]> {
    const url = this.databaseUrl;
    if (url === undefined) {
      const db = new Database(join(this.dataDir, 'openswf.sqlite'), { fileMustExist: true, readonly: true });
      try {
        return db.prepare(sql).all(...params) as StoredRow[];
      } finally {
        db.close();
      }
    }
    let n = 0;
    const text = sql.replace(/\?/g, () => `$${++n}`);
    return withClient(url, async (c) => (await c.query<StoredRow>(text, [...params])).rows);
  }

  private databaseUrlArg(): string | undefined {
    const args = this.options.args ?? [];
    const i = args.indexOf('--database-url');
    return i >= 0 ? args[i + 1] : undefined;
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
