/**
 * Assembles a server: store, clock, executor, dispatcher, timer service and the HTTP front.
 * `openswf serve` and the tests use this, so what the tests run is what users run.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { handlers } from '../api/index.js';
import type { RequestContext, Services, ServerSettings } from '../api/context.js';
import { RealClock, VirtualClock, type Clock } from '../clock/clock.js';
import { TimerService } from '../clock/timer-service.js';
import { Dispatcher } from '../dispatch/dispatcher.js';
import { SWF_LIMITS, type Limits } from '../engine/index.js';
import { Executor } from '../executor/executor.js';
import type { OperationName } from '../model/tables.js';
import type { OperationShapes } from '../model/operation-shapes.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import type { Store } from '../store/types.js';
import { createHttpServer } from './http.js';
import { adminRoutes } from './admin.js';
import { Throttle, type ThrottleRates } from './throttle.js';
import { AfterCommit } from '../lambda/after-commit.js';
import { LambdaFunctions } from '../lambda/config.js';
import { LambdaInvoker } from '../lambda/invoker.js';
import { authorizeCall } from '../api/access.js';
import { IdentitiesHolder } from '../auth/identities.js';
import { authenticator } from './authentication.js';

export interface AppOptions {
  host?: string;
  port?: number;
  /** Folder of the SQLite database (default ./data). Ignored when `store` is given. */
  dataDir?: string;
  store?: Store;
  /** postgres://...: keep everything in this PostgreSQL database, which other nodes may share. Ignored when `store` is given. */
  databaseUrl?: string;
  clock?: 'real' | 'virtual';
  pollTimeoutMs?: number;
  limits?: Partial<Limits>;
  /** Token buckets per operation (server/throttle.ts); no throttling when absent. */
  throttle?: ThrottleRates;
  region?: string;
  accountId?: string;
  log?: (line: string) => void;
  /** Lambda function name → HTTP endpoint (docs/lambda.md); none by default. */
  lambdaFunctions?: LambdaFunctions;
  /** The identities file (docs/security.md): SigV4 and IAM policies on every call. Off when absent. */
  authFile?: string;
  /** Serve HTTPS with this PEM certificate and key. */
  tls?: { cert: Buffer; key: Buffer };
  /** Cap on concurrent connections (server/connections.ts). */
  maxConnections?: number;
  /** Time to receive a request's headers (default 80 s) and to keep an idle keep-alive socket (default 75 s). */
  headersTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
}

export interface App {
  readonly services: Services;
  readonly server: http.Server;
  /** Listens and starts firing deadlines; resolves to the URL. */
  start(): Promise<string>;
  /** Whether requests are authenticated, and by how many users. */
  readonly auth: { on: false } | { on: true; users: number; file: string };
  /** Re-reads the identities file; a bad file keeps the old one. Returns the line to log. */
  reloadAuth(): string;
  stop(): Promise<void>;
}

export function createApp(options: AppOptions = {}): App {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const clock: Clock = options.clock === 'virtual' ? new VirtualClock() : new RealClock();
  const limits: Limits = { ...SWF_LIMITS, ...options.limits };
  const settings: ServerSettings = {
    pollTimeoutMs: options.pollTimeoutMs ?? 60_000,
    limits,
    region: options.region ?? 'us-east-1',
    accountId: options.accountId ?? '000000000000',
  };
  // Lambda calls start only after the transaction that scheduled them commits.
  const afterCommit = new AfterCommit();
  const postgres = options.store === undefined && options.databaseUrl !== undefined ? new PostgresStore({ connectionString: options.databaseUrl, log }) : undefined;
  const store = afterCommit.wrap(options.store ?? postgres ?? new SqliteStore({ path: join(options.dataDir ?? 'data', 'openswf.sqlite') }));
  const dispatcher = new Dispatcher(limits.maxPollersPerTaskList, store.mayHaveTask ? (key) => store.mayHaveTask?.(key) ?? true : undefined);
  store.onTasksAdded((keys) => dispatcher.notify(keys));
  let timers: TimerService | undefined;
  const executor = new Executor(clock, limits, {
    timerArmed: (dueAt) => timers?.armed(dueAt),
    lambdaScheduled: (effect) => afterCommit.defer(() => lambdaInvoker.invoke(effect.runId, effect.scheduledEventId)),
  });
  timers = new TimerService(store, executor, clock, log);
  // A shared store also reports deadlines armed by other nodes.
  store.onTimersArmed?.((dueAt) => timers?.armed(dueAt));
  const lambdaInvoker = new LambdaInvoker({ functions: options.lambdaFunctions ?? new LambdaFunctions(), store, executor, log });
  const services: Services = {
    store,
    executor,
    dispatcher,
    clock,
    timers,
    settings,
    lambdaFunctionKnown: (name) => lambdaInvoker.knows(name),
    log,
  };
  const throttle = options.throttle !== undefined ? new Throttle(options.throttle) : undefined;
  // Throws IdentitiesError (naming the place) before anything listens.
  const identities = options.authFile !== undefined ? IdentitiesHolder.open(options.authFile) : undefined;
  const dispatch = async (operation: OperationName, input: Record<string, unknown>, ctx: RequestContext): Promise<unknown> => {
    throttle?.admit(operation);
    // The HTTP front validated `input` against the operation's model shape.
    await authorizeCall(operation, input as unknown as OperationShapes[typeof operation]['input'], services, ctx);
    const handler = handlers[operation] as (i: unknown, s: Services, r: RequestContext) => Promise<unknown>;
    return handler(input, services, ctx);
  };
  const server = createHttpServer({
    dispatch,
    log,
    extraRoutes: adminRoutes(services, identities !== undefined, options.tls !== undefined),
    ...(identities !== undefined ? { authenticate: authenticator(identities) } : {}),
    ...(options.tls !== undefined ? { tls: options.tls } : {}),
    ...(options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {}),
    ...(options.headersTimeoutMs !== undefined ? { headersTimeoutMs: options.headersTimeoutMs } : {}),
    ...(options.keepAliveTimeoutMs !== undefined ? { keepAliveTimeoutMs: options.keepAliveTimeoutMs } : {}),
  });

  return {
    services,
    server,
    get auth() {
      return identities !== undefined ? { on: true as const, users: identities.identities.size, file: identities.path } : { on: false as const };
    },
    reloadAuth() {
      if (identities === undefined) return 'auth: off, nothing to reload';
      const result = identities.reload();
      return result.ok ? `auth: reloaded ${identities.path} (${result.users} users)` : `auth: reload failed, keeping the previous identities: ${result.error}`;
    },
    async start() {
      // Fail before listening if the database cannot be reached or migrated.
      await postgres?.ready;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
      });
      timers?.start();
      lambdaInvoker.resume().catch((err: unknown) => log(`lambda: resume failed: ${err instanceof Error ? err.message : String(err)}`));
      const address = server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `${options.tls !== undefined ? 'https' : 'http'}://${host}:${address.port}`;
    },
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await timers?.stop();
      await lambdaInvoker.stop();
      await store.close();
    },
  };
}
