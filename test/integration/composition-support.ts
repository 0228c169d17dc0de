/**
 * What only the composition tests need: the id of an event in a history, and the HTTP
 * endpoints the Lambda tests call. (Their decider and worker steps are test/helpers/workflow.ts.)
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HistoryEvent } from '@aws-sdk/client-swf';

/** The id of the last event of a type in a history. */
export function idOf(events: readonly HistoryEvent[], type: string): number {
  const e = [...events].reverse().find((x) => x.eventType === type);
  assert.ok(e?.eventId, `an event ${type}`);
  return e.eventId;
}

/** One request a Lambda endpoint received. */
export interface FunctionCall {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * Small HTTP "Lambda functions" on the loopback for the Lambda tests:
 *   /echo  200, answers `echo:<input>`      /empty  204, no body
 *   /fail  500, JSON {reason, details}      /down   503, plain text
 *   /slow  answers 200 `slow-done` only when `release()` is called
 */
export class FunctionHost {
  readonly calls: FunctionCall[] = [];
  private readonly held: (() => void)[] = [];
  private readonly waiters: { path: string; resolve: () => void }[] = [];

  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<FunctionHost> {
    let host: FunctionHost | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => host?.handle({ path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }, res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = new FunctionHost(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return host;
  }

  /** How many calls `path` received so far. */
  callsTo(path: string): number {
    return this.calls.filter((c) => c.path === path).length;
  }

  /** Resolves once `path` received `n` calls in all. */
  async arrivals(path: string, n: number): Promise<void> {
    while (this.callsTo(path) < n) await new Promise<void>((resolve) => this.waiters.push({ path, resolve }));
  }

  /** Lets every held /slow call answer. */
  release(): void {
    for (const answer of this.held.splice(0)) answer();
  }

  async close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(call: FunctionCall, res: ServerResponse): void {
    this.calls.push(call);
    for (const w of this.waiters.splice(0)) w.resolve();
    switch (call.path) {
      case '/echo':
        res.writeHead(200, { 'content-type': 'text/plain' }).end(`echo:${call.body}`);
        return;
      case '/empty':
        res.writeHead(204).end();
        return;
      case '/fail':
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ reason: 'bad input', details: 'n must be even' }));
        return;
      case '/down':
        res.writeHead(503, { 'content-type': 'text/plain' }).end('maintenance');
        return;
      case '/slow':
        this.held.push(() => res.writeHead(200).end('slow-done'));
        return;
      default:
        res.writeHead(404).end();
    }
  }
}

/** A port on the loopback that nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
