/**
 * Assembles a server: store, clock, executor, dispatcher, timer service and the HTTP front.
 * `openswf serve` and the tests use this, so what the tests run is what users run.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { handlers } from '../api/index.js';
import type { Services, ServerSettings } from '../api/context.js';
import { RealClock, VirtualClock, type Clock } from '../clock/clock.js';
import { TimerService } from '../clock/timer-service.js';
import { Dispatcher } from '../dispatch/dispatcher.js';
import { SWF_LIMITS, type Limits } from '../engine/index.js';
import { Executor } from '../executor/executor.js';
import type { OperationName } from '../model/tables.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/types.js';
import { createHttpServer, type RequestContext } from './http.js';
import { adminRoutes } from './admin.js';

export interface AppOptions {
  host?: string;
  port?: number;
  /** Folder of the SQLite database (default ./data). Ignored when `store` is given. */
  dataDir?: string;
  store?: Store;
  clock?: 'real' | 'virtual';
  pollTimeoutMs?: number;
  limits?: Partial<Limits>;
  region?: string;
  accountId?: string;
  log?: (line: string) => void;
}

export interface App {
  readonly services: Services;
  readonly server: http.Server;
  /** Listens and starts firing deadlines; resolves to the URL. */
  start(): Promise<string>;
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
  const store = options.store ?? new SqliteStore({ path: join(options.dataDir ?? 'data', 'openswf.sqlite') });
  const dispatcher = new Dispatcher(limits.maxPollersPerTaskList);
  store.onTasksAdded((keys) => dispatcher.notify(keys));
  let timers: TimerService | undefined;
  const executor = new Executor(clock, limits, { timerArmed: (dueAt) => timers?.armed(dueAt) });
  timers = new TimerService(store, executor, clock, log);
  const services: Services = {
    store,
    executor,
    dispatcher,
    clock,
    timers,
    settings,
    lambdaFunctionKnown: () => false,
    log,
  };
  const dispatch = (operation: OperationName, input: Record<string, unknown>, ctx: RequestContext): Promise<unknown> => {
    const handler = handlers[operation] as (i: unknown, s: Services, r: RequestContext) => Promise<unknown>;
    return handler(input, services, ctx);
  };
  const server = createHttpServer({ dispatch, log, extraRoutes: adminRoutes(services) });

  return {
    services,
    server,
    async start() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
      });
      timers?.start();
      const address = server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${host}:${address.port}`;
    },
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await timers?.stop();
      await store.close();
    },
  };
}
