/**
 * Hostile connections are bounded: with hundreds of slow sockets open (silent ones, slowloris
 * ones trickling headers, idle keep-alive ones), each is closed within its timeout while a
 * normal client's calls stay fast; past the connection cap a new socket is answered 503 and
 * closed at once. Short timeouts (--headers-timeout-ms) keep the test quick; the mechanism is
 * the one that runs with the defaults.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { ListDomainsCommand, RegisterDomainCommand } from '@aws-sdk/client-swf';
import { serverForTest } from '../helpers/setup.js';
import { uniqueName } from '../helpers/swf.js';

const HEADERS_MS = 2000;
const KEEP_ALIVE_MS = 1000;
/** Node checks its timeouts every second, and a loaded machine is late: closed by then counts as on time. */
const SLACK_MS = 2500;

interface Slow {
  kind: 'silent' | 'slowloris' | 'idle keep-alive';
  openedAt: number;
  closedAt?: number;
}

function open(port: number, kind: Slow['kind']): Promise<Slow> {
  return new Promise((resolve, reject) => {
    const slow: Slow = { kind, openedAt: Date.now() };
    const socket = net.connect(port, '127.0.0.1');
    let trickle: NodeJS.Timeout | undefined;
    socket.on('error', () => undefined); // a reset is as good as a close here
    socket.resume(); // read what comes, or the server's close is never seen
    socket.on('close', () => {
      slow.closedAt = Date.now();
      if (trickle) clearInterval(trickle);
    });
    socket.once('connect', () => {
      slow.openedAt = Date.now();
      if (kind === 'slowloris') {
        socket.write('POST / HTTP/1.1\r\nHost: x\r\n');
        let n = 0;
        trickle = setInterval(() => socket.write(`X-Slow-${n++}: y\r\n`), 300);
      } else if (kind === 'idle keep-alive') {
        socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
      }
      resolve(slow);
    });
    socket.once('error', reject);
  });
}

test('hundreds of slow sockets are closed on time while a normal client stays fast', async (t) => {
  const { server, swf } = await serverForTest(t, { args: ['--headers-timeout-ms', String(HEADERS_MS), '--keep-alive-timeout-ms', String(KEEP_ALIVE_MS)] });
  const port = Number(new URL(server.url).port);
  const kinds: Slow['kind'][] = ['silent', 'slowloris', 'idle keep-alive'];
  const sockets = await Promise.all(Array.from({ length: 300 }, (_, i) => open(port, kinds[i % 3] ?? 'silent')));
  // The normal client keeps working, and fast, while they are all open.
  const latencies: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = Date.now();
    await swf.send(new ListDomainsCommand({ registrationStatus: 'REGISTERED' }));
    latencies.push(Date.now() - started);
  }
  await swf.send(new RegisterDomainCommand({ name: uniqueName('busy'), workflowExecutionRetentionPeriodInDays: '1' }));
  // Generous bounds for a shared machine; a server stuck behind the slow sockets takes seconds.
  const sorted = [...latencies].sort((a, b) => a - b);
  assert.ok((sorted[10] ?? Infinity) < 250 && (sorted.at(-1) ?? Infinity) < 2000, `calls stayed fast: ${latencies.join(', ')} ms`);
  const deadline = Date.now() + HEADERS_MS + SLACK_MS + 1000;
  while (sockets.some((s) => s.closedAt === undefined) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const kind of kinds) {
    const mine = sockets.filter((s) => s.kind === kind);
    const open = mine.filter((s) => s.closedAt === undefined).length;
    assert.equal(open, 0, `every ${kind} socket was closed (${open} of ${mine.length} still open)`);
    const limit = (kind === 'idle keep-alive' ? KEEP_ALIVE_MS : HEADERS_MS) + SLACK_MS;
    const worst = Math.max(...mine.map((s) => (s.closedAt ?? Infinity) - s.openedAt));
    assert.ok(worst <= limit, `${kind} sockets closed within ${limit} ms (worst ${worst} ms)`);
  }
  // And the server still serves.
  await swf.send(new ListDomainsCommand({ registrationStatus: 'REGISTERED' }));
});

test('past --max-connections a new connection is answered 503 and closed at once', async (t) => {
  const { server, swf } = await serverForTest(t, { args: ['--max-connections', '40'] });
  const port = Number(new URL(server.url).port);
  const held: net.Socket[] = [];
  t.after(() => held.forEach((s) => s.destroy()));
  for (let i = 0; i < 40; i++) {
    const s = net.connect(port, '127.0.0.1');
    s.on('error', () => undefined);
    await new Promise((r) => s.once('connect', r));
    held.push(s);
  }
  const started = Date.now();
  const answer = await new Promise<string>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let text = '';
    s.on('data', (d: Buffer) => (text += d.toString()));
    s.on('error', () => undefined);
    s.on('close', () => resolve(text));
    s.once('connect', () => s.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n'));
  });
  assert.match(answer, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
  assert.ok(Date.now() - started < 1500, 'answered and closed at once');
  // Once connections are freed, clients are served again.
  held.splice(0).forEach((s) => s.destroy());
  const until = Date.now() + 3000;
  for (;;) {
    try {
      await swf.send(new ListDomainsCommand({ registrationStatus: 'REGISTERED' }));
      break;
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
});
