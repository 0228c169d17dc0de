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
import { createHttpServer, internalFailure } from './http.js';
import { adminRoutes } from './admin.js';
import { Throttle, type ThrottleRates } from './throttle.js';
import { AfterCommit } from '../lambda/after-commit.js';
import { LambdaFunctions } from '../lambda/config.js';
import { LambdaInvoker } from '../lambda/invoker.js';
import { createLogger, errorField, type Logger } from '../log.js';
import { Metrics } from './metrics.js';
import { Health } from './health.js';
import { probeRoutes } from './probes.js';
import { requestObserver } from './request-log.js';
import { SwfFault } from '../faults.js';
import { InFlight } from './in-flight.js';
import { authorizeCall } from '../api/access.js';
import { IdentitiesHolder } from '../auth/identities.js';
import { authenticator } from './authentication.js';

export interface AppOptions {
  host?: string;
  port?: number;
  /** Folder of the SQLite database (default ./data). Ignored when `store` is given. */
  dataDir?: string;
  /** Keep everything in memory (nothing on disk), and allow POST /admin/reset. */
  inMemory?: boolean;
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
  /** Default: JSON lines on stdout at level info. */
  log?: Logger;
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
  readonly log: Logger;
  /** Listens and starts firing deadlines; resolves to the URL. */
  start(): Promise<string>;
  /**
   * Stops accepting, answers waiting long polls empty, lets calls in flight finish (for at
   * most `timeoutMs`, default 10 s), then stops the timers and closes the store. Resolves
   * to the number of calls that had to be cut off. Called during start, it makes start fail
   * with StartAborted once what start was waiting for (a database) gives up.
   */
  stop(timeoutMs?: number): Promise<number>;
  /** Whether requests are authenticated, and by how many users. */
  readonly auth: { on: false } | { on: true; users: number; file: string };
  /** Re-reads the identities file; a bad file keeps the old one. Returns the line to log. */
  reloadAuth(): string;
}

/** start() gave up because stop() was called meanwhile (a signal during start-up). */
export class StartAborted extends Error {
  constructor() {
    super('start-up aborted by a shutdown');
  }
}

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
/** Timer lateness above this is worth a warning: timeouts fire visibly late. */
const LATENESS_WARN_MS = 1_000;
/** At most one lateness warning per this many ms (the metric has the rest). */
const LATENESS_WARN_EVERY_MS = 10_000;

export function createApp(options: AppOptions = {}): App {
  const log = options.log ?? createLogger();
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
  let sqlite: SqliteStore | undefined;
  const backing: Store = options.store ?? postgres ?? (sqlite = new SqliteStore({ path: options.inMemory ? ':memory:' : join(options.dataDir ?? 'data', 'openswf.sqlite'), log }));
  const metrics = new Metrics();
  const store = afterCommit.wrap(metrics.timed(backing));
  const health = new Health(store, log);
  const dispatcher = new Dispatcher(limits.maxPollersPerTaskList, store.mayHaveTask ? (key) => store.mayHaveTask?.(key) ?? true : undefined);
  store.onTasksAdded((keys) => dispatcher.notify(keys));
  let timers: TimerService | undefined;
  const executor = new Executor(clock, limits, {
    timerArmed: (dueAt) => timers?.armed(dueAt),
    lambdaScheduled: (effect, tx) => afterCommit.defer(() => lambdaInvoker.invoke(effect.runId, effect.scheduledEventId), tx),
  });
  let lastLatenessWarning = Number.NEGATIVE_INFINITY;
  timers = new TimerService(store, executor, clock, log, {
    fired(row, firedAt) {
      const lateMs = Math.max(0, firedAt - row.dueAt);
      metrics.timerLateness.observe(lateMs / 1000);
      if (lateMs > LATENESS_WARN_MS && firedAt - lastLatenessWarning > LATENESS_WARN_EVERY_MS) {
        lastLatenessWarning = firedAt;
        log.warn({ lateMs, deadline: row.key.kind }, `a deadline fired ${lateMs} ms late (openswf_timer_lateness_seconds has them all)`);
      }
    },
  });
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
    try {
      return await handler(input, services, ctx);
    } catch (err) {
      // A store that fails as a whole is logged once by Health, not once per call.
      if (!(err instanceof SwfFault) && health.noteError(err)) throw internalFailure(err);
      throw err;
    }
  };
  // Only a database in memory may be emptied over HTTP (POST /admin/reset).
  const inMemory = options.inMemory === true ? sqlite : undefined;
  const inFlight = new InFlight();
  const observer = requestObserver(log, metrics);
  let draining = false;
  const server = createHttpServer({
    dispatch,
    log,
    requests: {
      started: (entry) => {
        inFlight.enter();
        observer.started(entry);
      },
      finished: (entry, status) => {
        observer.finished(entry, status);
        inFlight.leave();
      },
    },
    probes: probeRoutes(health, () => metrics.render(store), log),
    draining: () => draining,
    extraRoutes: adminRoutes(services, identities !== undefined, options.tls !== undefined, inMemory !== undefined ? { reset: () => inMemory.clear() } : {}),
    ...(identities !== undefined ? { authenticate: authenticator(identities) } : {}),
    ...(options.tls !== undefined ? { tls: options.tls } : {}),
    ...(options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {}),
    ...(options.headersTimeoutMs !== undefined ? { headersTimeoutMs: options.headersTimeoutMs } : {}),
    ...(options.keepAliveTimeoutMs !== undefined ? { keepAliveTimeoutMs: options.keepAliveTimeoutMs } : {}),
  });

  let stopping: Promise<number> | undefined;
  let started = false;
  return {
    services,
    server,
    log,
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
      if (stopping) throw new StartAborted();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
      });
      if (stopping) throw new StartAborted();
      started = true;
      timers?.start();
      lambdaInvoker.resume().catch((err: unknown) => log.error({ err: errorField(err) }, 'lambda: resume failed'));
      const address = server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `${options.tls !== undefined ? 'https' : 'http'}://${host}:${address.port}`;
    },
    stop(timeoutMs = DEFAULT_SHUTDOWN_TIMEOUT_MS) {
      stopping ??= (async () => {
        draining = true;
        health.drain();
        dispatcher.drain();
        let cut = 0;
        if (started || server.listening) {
          const closed = new Promise<void>((resolve) => server.close(() => resolve()));
          server.closeIdleConnections();
          cut = await inFlight.settled(timeoutMs);
          // Idle keep-alive sockets, and the calls that overran the timeout.
          server.closeAllConnections();
          await closed;
        }
        await timers?.stop();
        await lambdaInvoker.stop();
        await store.close();
        return cut;
      })();
      return stopping;
    },
  };
}
