/**
 * The console's static files through the HTTP front: pages answer index.html (revalidated),
 * hashed assets are cached for good with their content types, nothing outside the assets
 * folder can be read, and nothing but GET and HEAD is served.
 */
import { silentLogger } from '../../src/log.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createHttpServer } from '../../src/server/http.js';
import { CONSOLE_DIR } from '../../src/server/console-static.js';

let server: http.Server;
let port = 0;
const dispatched: string[] = [];

before(async () => {
  server = createHttpServer({ dispatch: async (op) => void dispatched.push(op), log: silentLogger });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Sends the path as written (no normalisation of dots or escapes by a URL parser). */
function get(path: string, method = 'GET'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

const assets = readdirSync(join(CONSOLE_DIR, 'assets'));
const script = assets.find((f) => f.endsWith('.js'));
const style = assets.find((f) => f.endsWith('.css'));

test('every console page answers the app, revalidated on each load', async () => {
  for (const path of ['/console/', '/console/domains/orders', '/console/domains/a%2Fb/executions/w%20id/run-1', '/console/domains/orders?status=closed']) {
    const page = await get(path);
    assert.equal(page.status, 200, path);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(page.headers['cache-control'], 'no-cache');
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
    assert.match(page.body, new RegExp(`/console/assets/${script}`));
    assert.match(page.body, new RegExp(`/console/assets/${style}`));
  }
  const bare = await get('/console');
  assert.equal(bare.status, 301);
  assert.equal(bare.headers.location, '/console/');
});

test('hashed assets are served with their content type and cached for a year', async () => {
  const js = await get(`/console/assets/${script}`);
  assert.equal(js.status, 200);
  assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(js.headers['x-content-type-options'], 'nosniff');
  const css = await get(`/console/assets/${style}`);
  assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
  const head = await get(`/console/assets/${script}`, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
});

test('nothing outside the assets folder can be read', async () => {
  for (const path of [
    '/console/assets/../index.html',
    '/console/assets/..%2F..%2Fsrc%2Fserver%2Fhttp.js',
    '/console/assets/%2e%2e/%2e%2e/package.json',
    '/console/assets/..',
    '/console/assets/.hidden.js',
    '/console/assets/sub/file.js',
    '/console/assets/missing-1234.js',
  ]) {
    const answer = await get(path);
    assert.equal(answer.status, 404, path);
    assert.doesNotMatch(answer.body, /import|"name"/, path);
  }
});

test('the console takes only GET and HEAD, and never reaches the SWF dispatch', async () => {
  const post = await get('/console/', 'POST');
  assert.equal(post.status, 405);
  assert.equal(post.headers.allow, 'GET, HEAD');
  assert.deepEqual(dispatched, []);
});
