/** openswf clock now | advance <duration>: the admin endpoints of docs/virtual-clock.md. */
import { Command } from 'commander';
import { endpointOf } from '../client.js';
import { parseDuration } from '../duration.js';
import { UsageError } from '../errors.js';
import { signedFetch } from '../../auth/signed-fetch.js';

interface EndpointOption {
  endpoint?: string;
  json?: boolean;
}

async function call(endpoint: string, path: string, init?: { method: string; headers: Record<string, string>; body: string }): Promise<unknown> {
  // fetch's own error says only "fetch failed"; the cause carries ECONNREFUSED, which the
  // top level turns into "cannot reach the OpenSWF server at <endpoint>".
  // Signed with the standard AWS credentials (environment or profile) when any are found.
  const res = await signedFetch()(`${endpoint}${path}`, init);
  const text = await res.text();
  if (!res.ok) {
    let message = text;
    try {
      const body = JSON.parse(text) as { __type?: string; message?: string };
      // The fault's name ("...#MissingAuthenticationTokenException"), as the SDK commands print it.
      const name = body.__type?.split('#').pop();
      message = `${name !== undefined ? `${name}: ` : ''}${body.message ?? text}`;
    } catch {
      // not JSON: print it as it came
    }
    throw new Error(`${res.status}: ${message}`);
  }
  return JSON.parse(text) as unknown;
}

function print(answer: unknown, json: boolean | undefined, sentence: string): void {
  process.stdout.write(json ? `${JSON.stringify(answer)}\n` : `${sentence}\n`);
}

const iso = (seconds: unknown): string => (typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : 'none');

export function clockCommand(): Command {
  const clock = new Command('clock').description("read or move the server's clock (virtual clock: serve --clock virtual)");
  clock
    .command('now')
    .description("print the server's clock and its next deadline")
    .option('--endpoint <url>', 'the OpenSWF server (env OPENSWF_ENDPOINT, default http://127.0.0.1:7300)')
    .option('--json', 'print the answer of GET /admin/clock')
    .action(async (options: EndpointOption) => {
      const answer = (await call(endpointOf(options), '/admin/clock')) as { kind: string; now: number; nextDeadline: number | null };
      print(answer, options.json, `${iso(answer.now)} (${answer.kind} clock; next deadline ${iso(answer.nextDeadline)})`);
    });
  clock
    .command('advance')
    .description('move a virtual clock forward, firing every deadline on the way')
    .argument('<duration>', 'e.g. 90s, 15m, 1h, 2d, 1h30m')
    .option('--endpoint <url>', 'the OpenSWF server (env OPENSWF_ENDPOINT, default http://127.0.0.1:7300)')
    .option('--json', 'print the answer of POST /admin/clock/advance')
    .action(async (duration: string, options: EndpointOption) => {
      const seconds = parseDuration(duration);
      if (seconds === undefined) throw new UsageError(`invalid duration ${duration} (e.g. 90s, 15m, 1h, 2d)`);
      const answer = (await call(endpointOf(options), '/admin/clock/advance', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ seconds }),
      })) as { now: number; fired: number };
      print(answer, options.json, `${iso(answer.now)} (${answer.fired} deadline(s) fired)`);
    });
  return clock;
}
