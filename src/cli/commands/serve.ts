/**
 * openswf serve: runs the server until SIGINT or SIGTERM.
 *
 * Every flag reaches the server through `appOptions`, the one place that turns command-line
 * values into AppOptions; a new flag is an option here and a line there.
 *
 * Shutdown (docs/operations.md): stop accepting connections, answer waiting long polls
 * empty, let calls in flight finish for at most --shutdown-timeout, stop the timers, close
 * the store, exit 0. A second signal exits at once. A signal during start-up (a database
 * still being reached or migrated) stops the start and exits 0.
 */
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { IdentitiesError } from '../../auth/identities.js';
import { createApp, DEFAULT_SHUTDOWN_TIMEOUT_MS, StartAborted, type AppOptions } from '../../server/app.js';
import { loadLambdaConfig } from '../../lambda/config.js';
import { parseLimitSettings } from '../../engine/limits.js';
import { throttleRatesFromOptions } from '../../server/throttle.js';
import { createLogger, errorField, isLogLevel, LOG_LEVELS, type LogFormat, type Logger } from '../../log.js';
import { EXIT_FAILURE, EXIT_USAGE, ReportedFailure, UsageError } from '../errors.js';
import { parseDuration } from '../duration.js';
import { authFileWarning, authSummary, securityOptions } from '../../server/security-options.js';

export const DEFAULT_PORT = 7300;
/** How long a start-up cut short by a signal may take to close what it opened. */
const START_ABORT_MS = 2_000;

export interface ServeFlags {
  port: string;
  host: string;
  data: string;
  inMemory?: boolean;
  clock: string;
  pollTimeoutMs: string;
  lambdaConfig?: string;
  databaseUrl?: string;
  limit?: string[];
  throttle?: string;
  throttleConfig?: string;
  region: string;
  accountId: string;
  logFormat?: LogFormat;
  logLevel: string;
  shutdownTimeout: string;
  auth?: string;
  tlsCert?: string;
  tlsKey?: string;
  maxConnections?: string;
  headersTimeoutMs?: string;
  keepAliveTimeoutMs?: string;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function serveCommand(version: string): Command {
  return new Command('serve')
    .description('run the OpenSWF server')
    .option('--port <port>', 'TCP port (0 picks a free one)', String(DEFAULT_PORT))
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--data <dir>', 'folder of the SQLite database', './data')
    .option('--in-memory', 'keep everything in memory, nothing on disk; enables POST /admin/reset (for test suites)')
    .option('--database-url <url>', 'postgres://user:password@host:5432/db, shared by several nodes (env OPENSWF_DATABASE_URL)')
    .addOption(new Option('--clock <kind>', 'real time, or a virtual clock moved by `openswf clock advance`').choices(['real', 'virtual']).default('real'))
    .option('--poll-timeout-ms <ms>', 'how long an empty long poll is held', '60000')
    .option('--lambda-config <file>', 'Lambda function names mapped to HTTP endpoints (env OPENSWF_LAMBDA_CONFIG; docs/lambda.md)')
    .option('--limit <name=value>', 'a quota, repeatable, e.g. --limit maxOpenActivities=10 (docs/configuration.md)', collect)
    .option('--throttle <mode>', 'off, or swf for SWF\'s default rates')
    .option('--throttle-config <file>', 'token bucket rates per operation (docs/configuration.md)')
    .option('--region <region>', 'the region shown in domain ARNs', 'us-east-1')
    .option('--account-id <id>', 'the 12-digit account shown in domain ARNs', '000000000000')
    .addOption(new Option('--log-format <format>', 'log lines as JSON, or pretty for people (default: pretty on a terminal, JSON otherwise)').choices(['json', 'pretty']))
    .addOption(new Option('--log-level <level>', 'the least severe level logged').choices(LOG_LEVELS as string[]).default('info'))
    .option('--auth <file>', 'identities file: verify SigV4 and apply IAM policies (env OPENSWF_AUTH_FILE; docs/security.md)')
    .option('--tls-cert <file>', 'PEM certificate: serve HTTPS (with --tls-key)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('--max-connections <n>', 'concurrent connections accepted (503 past it; default 4096)')
    .option('--headers-timeout-ms <ms>', 'time to receive a request\'s headers (default 80000)')
    .option('--keep-alive-timeout-ms <ms>', 'how long an idle keep-alive connection is kept (default 75000)')
    .option('--shutdown-timeout <duration>', 'how long calls in flight may finish after SIGTERM, e.g. 10s, 1m', `${DEFAULT_SHUTDOWN_TIMEOUT_MS / 1000}s`)
    .action(async (flags: ServeFlags) => {
      const log = createLogger({ ...(flags.logFormat !== undefined ? { format: flags.logFormat } : {}), ...(isLogLevel(flags.logLevel) ? { level: flags.logLevel } : {}) });
      const options = appOptions(flags, log);
      await serve(options, flags, log, version);
    });
}

/** Command-line values → AppOptions. A bad value is a UsageError (exit 2) before anything starts. */
export function appOptions(flags: ServeFlags, log: Logger): AppOptions {
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`invalid --port ${flags.port}`);
  const pollTimeoutMs = Number(flags.pollTimeoutMs);
  if (!Number.isFinite(pollTimeoutMs) || pollTimeoutMs < 0) throw new UsageError(`invalid --poll-timeout-ms ${flags.pollTimeoutMs}`);
  const databaseUrl = flags.databaseUrl || process.env.OPENSWF_DATABASE_URL || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new UsageError('--database-url must be a postgres:// URL');
  if (databaseUrl !== undefined && flags.inMemory) throw new UsageError('--in-memory and --database-url exclude one another');
  if (!/^[a-z0-9-]+$/.test(flags.region)) throw new UsageError(`invalid --region ${flags.region}`);
  if (!/^[0-9]{12}$/.test(flags.accountId)) throw new UsageError('--account-id must be 12 digits');
  if (flags.clock !== 'real' && flags.clock !== 'virtual') throw new UsageError('--clock must be real or virtual');
  let limits: AppOptions['limits'];
  let throttle: AppOptions['throttle'];
  let security: ReturnType<typeof securityOptions> = {};
  try {
    security = securityOptions({
      auth: flags.auth,
      'tls-cert': flags.tlsCert,
      'tls-key': flags.tlsKey,
      'max-connections': flags.maxConnections,
      'headers-timeout-ms': flags.headersTimeoutMs,
      'keep-alive-timeout-ms': flags.keepAliveTimeoutMs,
    });
    limits = parseLimitSettings(flags.limit ?? []);
    throttle = throttleRatesFromOptions({ throttle: flags.throttle, configFile: flags.throttleConfig });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const lambdaConfig = flags.lambdaConfig ?? process.env.OPENSWF_LAMBDA_CONFIG;
  // A bad file stops the server before it listens (the error names the entry).
  let lambdaFunctions: AppOptions['lambdaFunctions'];
  try {
    lambdaFunctions = lambdaConfig ? loadLambdaConfig(lambdaConfig) : undefined;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  return {
    host: flags.host,
    port,
    dataDir: resolve(flags.data),
    ...(flags.inMemory ? { inMemory: true } : {}),
    clock: flags.clock,
    pollTimeoutMs,
    limits,
    region: flags.region,
    accountId: flags.accountId,
    log,
    ...security,
    ...(throttle ? { throttle } : {}),
    ...(lambdaFunctions ? { lambdaFunctions } : {}),
    ...(databaseUrl ? { databaseUrl } : {}),
  };
}

function shutdownTimeoutMs(text: string): number {
  const seconds = parseDuration(text);
  if (seconds === undefined) throw new UsageError(`invalid --shutdown-timeout ${text} (e.g. 10s, 1m)`);
  return seconds * 1000;
}

async function serve(options: AppOptions, flags: ServeFlags, log: Logger, version: string): Promise<void> {
  const timeoutMs = shutdownTimeoutMs(flags.shutdownTimeout);
  const where = options.databaseUrl !== undefined ? withoutPassword(options.databaseUrl) : options.inMemory ? 'memory' : options.dataDir;
  log.info({ version, node: process.version, store: options.databaseUrl !== undefined ? 'postgres' : 'sqlite', data: where, clock: options.clock }, `openswf ${version} starting`);
  let app: ReturnType<typeof createApp>;
  try {
    app = createApp(options);
  } catch (err) {
    // An identities file that does not hold what it must is a usage mistake (2); a store
    // that cannot be opened (a corrupt file, a data folder in use) is a failure (1).
    throw startFailed(log, err, err instanceof IdentitiesError ? EXIT_USAGE : EXIT_FAILURE);
  }

  let stopping = false;
  let listening = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log.warn({ signal }, `${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    log.info({ signal, shutdownTimeoutMs: timeoutMs }, `${signal}: shutting down`);
    const began = Date.now();
    if (!listening) {
      // Nothing was served yet, so nothing is owed: close what opened (a database still being
      // reached may never answer, so not for long) and go.
      const bound = new Promise<void>((resolve) => setTimeout(resolve, START_ABORT_MS).unref());
      void Promise.race([app.stop(0).catch(() => undefined), bound]).then(() => {
        log.info({ durationMs: Date.now() - began }, 'stopped during start-up');
        process.exit(0);
      });
      return;
    }
    app.stop(timeoutMs).then(
      (cut) => {
        if (cut > 0) log.warn({ cut }, `${cut} call(s) still in flight after ${timeoutMs} ms were cut off`);
        log.info({ durationMs: Date.now() - began }, 'stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err: errorField(err) }, 'shutdown failed');
        process.exit(1);
      },
    );
    // A store that hangs on close (a PostgreSQL gone silent) must not keep the process alive.
    setTimeout(() => {
      log.error(`shutdown did not finish within ${timeoutMs + 5_000} ms; exiting`);
      process.exit(1);
    }, timeoutMs + 5_000).unref();
  };
  // Installed before start: a signal while the database is reached or migrated stops too.
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  let url: string;
  try {
    url = await app.start();
  } catch (err) {
    if (err instanceof StartAborted || stopping) return; // stop() is on its way to exit 0
    await app.stop(0).catch(() => undefined);
    throw startFailed(log, err);
  }
  listening = true;
  const warning = authFileWarning(options.authFile);
  if (warning) log.warn(warning);
  log.info({ url, data: where, clock: options.clock, auth: app.auth.on }, `openswf listening on ${url} (data: ${where}, clock: ${options.clock}, ${authSummary(app.auth)})`);
  process.on('SIGHUP', () => log.info(`SIGHUP: ${app.reloadAuth()}`));
}

/** Logs why the server could not start (on stdout with the other lines, and for a person on stderr). */
function startFailed(log: Logger, err: unknown, exitCode = EXIT_FAILURE): ReportedFailure {
  const message = err instanceof Error ? err.message : String(err);
  log.fatal({ err: errorField(err) }, `cannot start: ${message}`);
  if (!process.stdout.isTTY) process.stderr.write(`openswf: cannot start: ${message}\n`);
  return new ReportedFailure(message, exitCode);
}

/** The URL to print: a password has no place in logs. */
export function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

/** The package's version, read from its package.json (two folders above dist/src/cli). */
export function packageVersion(): string {
  for (const up of ['../../../package.json', '../../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'openswf' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // try the next folder
    }
  }
  return 'unknown';
}
