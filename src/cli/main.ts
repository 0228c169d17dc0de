#!/usr/bin/env node
/**
 * The `openswf` command.
 *   openswf serve [--port 7300] [--host 127.0.0.1] [--data ./data] [--clock real|virtual]
 *                 [--poll-timeout-ms 60000] [--lambda-config lambda.json] [--database-url postgres://...]
 *                 [--limit name=value ...] [--throttle off|swf] [--throttle-config throttle.json]
 *                 [--region us-east-1] [--account-id 000000000000]
 *   openswf clock now|advance <duration> [--endpoint http://127.0.0.1:7300]
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { createApp } from '../server/app.js';
import { loadLambdaConfig } from '../lambda/config.js';
import { parseDuration } from './duration.js';
import { parseLimitSettings } from '../engine/limits.js';
import { throttleRatesFromOptions } from '../server/throttle.js';
import { SECURITY_USAGE, authFileWarning, authSummary, securityOptions } from '../server/security-options.js';
import { signedFetch } from '../auth/signed-fetch.js';

export const DEFAULT_PORT = 7300;

const USAGE = `usage:
  openswf serve [--port ${DEFAULT_PORT}] [--host 127.0.0.1] [--data ./data] [--clock real|virtual] [--poll-timeout-ms 60000]
                [--lambda-config <file mapping Lambda function names to HTTP endpoints; or OPENSWF_LAMBDA_CONFIG>]
                [--database-url <postgres://user:password@host:5432/db, shared by several nodes; or OPENSWF_DATABASE_URL>]
                [--limit <name>=<value>, repeated, e.g. --limit maxOpenActivities=10] [--throttle off|swf] [--throttle-config <file>]
                [--region <shown in domain ARNs, default us-east-1>] [--account-id <12 digits, default 000000000000>]
                ${SECURITY_USAGE}
  openswf clock now [--endpoint http://127.0.0.1:${DEFAULT_PORT}]
  openswf clock advance <duration, e.g. 90s, 15m, 1h, 2d> [--endpoint http://127.0.0.1:${DEFAULT_PORT}]`;

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: String(DEFAULT_PORT) },
      host: { type: 'string', default: '127.0.0.1' },
      data: { type: 'string', default: './data' },
      clock: { type: 'string', default: 'real' },
      'poll-timeout-ms': { type: 'string', default: '60000' },
      'lambda-config': { type: 'string' },
      'database-url': { type: 'string' },
      limit: { type: 'string', multiple: true },
      throttle: { type: 'string' },
      'throttle-config': { type: 'string' },
      region: { type: 'string', default: 'us-east-1' },
      'account-id': { type: 'string', default: '000000000000' },
      auth: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'max-connections': { type: 'string' },
      'headers-timeout-ms': { type: 'string' },
      'keep-alive-timeout-ms': { type: 'string' },
    },
  });
  const port = Number(values.port);
  const pollTimeoutMs = Number(values['poll-timeout-ms']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid --port ${values.port}`);
  if (!Number.isFinite(pollTimeoutMs) || pollTimeoutMs < 0) fail(`invalid --poll-timeout-ms ${values['poll-timeout-ms']}`);
  if (values.clock !== 'real' && values.clock !== 'virtual') fail(`--clock must be real or virtual`);
  const dataDir = resolve(values.data);
  const databaseUrl = values['database-url'] || process.env.OPENSWF_DATABASE_URL || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) fail('--database-url must be a postgres:// URL');
  const lambdaConfig = values['lambda-config'] ?? process.env.OPENSWF_LAMBDA_CONFIG;
  // A bad file stops the server before it listens (the error names the entry).
  const lambdaFunctions = lambdaConfig ? loadLambdaConfig(lambdaConfig) : undefined;
  // Quotas and rates (docs/configuration.md); a bad setting stops the server before it listens.
  let limits: ReturnType<typeof parseLimitSettings> = {};
  let throttle: ReturnType<typeof throttleRatesFromOptions>;
  let security: ReturnType<typeof securityOptions> = {};
  try {
    security = securityOptions(values);
    limits = parseLimitSettings(values.limit ?? []);
    throttle = throttleRatesFromOptions({ throttle: values.throttle, configFile: values['throttle-config'] });
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  if (!/^[a-z0-9-]+$/.test(values.region)) fail(`invalid --region ${values.region}`);
  if (!/^[0-9]{12}$/.test(values['account-id'])) fail('--account-id must be 12 digits');
  let app: ReturnType<typeof createApp>;
  try {
    app = createApp({ host: values.host, port, dataDir, clock: values.clock, pollTimeoutMs, limits, region: values.region, accountId: values['account-id'], ...security, ...(throttle ? { throttle } : {}), ...(lambdaFunctions ? { lambdaFunctions } : {}), ...(databaseUrl ? { databaseUrl } : {}) });
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err)); // a bad identities file names the place
  }
  const warning = authFileWarning(security.authFile);
  if (warning) process.stderr.write(`${warning}\n`);
  const url = await app.start();
  const data = databaseUrl !== undefined ? withoutPassword(databaseUrl) : dataDir;
  process.stdout.write(`openswf listening on ${url} (data: ${data}, clock: ${values.clock}, ${authSummary(app.auth)})\n`);
  process.on('SIGHUP', () => process.stderr.write(`openswf: SIGHUP, ${app.reloadAuth()}\n`));
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`openswf: ${signal}, shutting down\n`);
    app.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`openswf: shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

async function clock(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { endpoint: { type: 'string', default: `http://127.0.0.1:${DEFAULT_PORT}` } },
  });
  const [verb, amount] = positionals;
  const base = values.endpoint.replace(/\/+$/, '');
  // Signed with the standard AWS credentials (environment or profile) when any are found.
  const fetch = signedFetch();
  let res: Response;
  if (verb === 'now') {
    res = await fetch(`${base}/admin/clock`);
  } else if (verb === 'advance' && amount !== undefined) {
    const seconds = parseDuration(amount);
    if (seconds === undefined) fail(`invalid duration ${amount}`);
    res = await fetch(`${base}/admin/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seconds }),
    });
  } else {
    fail(USAGE);
  }
  const text = await res.text();
  process.stdout.write(`${text}\n`);
  if (!res.ok) process.exit(1);
}

/** The URL to print: a password has no place in logs. */
function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const [command, ...rest] = process.argv.slice(2);
const run = command === 'serve' ? serve : command === 'clock' ? clock : undefined;
if (!run) fail(USAGE);
run(rest).catch((err: unknown) => {
  process.stderr.write(`openswf: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
