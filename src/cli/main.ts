#!/usr/bin/env node
/**
 * The `openswf` command.
 *   openswf serve [--port 7300] [--host 127.0.0.1] [--data ./data] [--clock real|virtual]
 *                 [--poll-timeout-ms 60000]
 *   openswf clock now|advance <duration> [--endpoint http://127.0.0.1:7300]
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { createApp } from '../server/app.js';
import { parseDuration } from './duration.js';

export const DEFAULT_PORT = 7300;

const USAGE = `usage:
  openswf serve [--port ${DEFAULT_PORT}] [--host 127.0.0.1] [--data ./data] [--clock real|virtual] [--poll-timeout-ms 60000]
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
    },
  });
  const port = Number(values.port);
  const pollTimeoutMs = Number(values['poll-timeout-ms']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid --port ${values.port}`);
  if (!Number.isFinite(pollTimeoutMs) || pollTimeoutMs < 0) fail(`invalid --poll-timeout-ms ${values['poll-timeout-ms']}`);
  if (values.clock !== 'real' && values.clock !== 'virtual') fail(`--clock must be real or virtual`);
  const dataDir = resolve(values.data);
  const app = createApp({ host: values.host, port, dataDir, clock: values.clock, pollTimeoutMs });
  const url = await app.start();
  process.stdout.write(`openswf listening on ${url} (data: ${dataDir}, clock: ${values.clock})\n`);
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
