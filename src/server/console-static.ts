/**
 * Serves the web console's built files (dist/console, written by scripts/build-console.mjs)
 * at /console/. The console is a client of the SWF API like any other: these files carry no
 * data, and every call the page makes goes through the API (and /admin/) with its own
 * signature, so serving them needs no authentication.
 *
 * Every /console/ path that is not an asset is a page of the single-page app and answers
 * index.html, so the console's URLs are stable and can be linked to or reloaded. Assets have
 * content-hashed names (cached for a year); index.html is revalidated on every load, so a new
 * build is picked up at once. Only names of one safe path segment are looked up in the assets
 * folder, so no request can read outside it.
 */
import type http from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/src/server/ → dist/console/ */
export const CONSOLE_DIR = resolve(fileURLToPath(import.meta.url), '../../../console');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9]+)+$/;

/** The page may talk only to its own origin, and may not be framed by another site. */
const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
};

/** True for the paths this module answers. */
export function isConsolePath(path: string): boolean {
  return path === '/console' || path.startsWith('/console/');
}

/** Files read once: a build replaces the folder, and a server restart picks it up. */
const cache = new Map<string, Buffer>();

async function load(file: string): Promise<Buffer | undefined> {
  const hit = cache.get(file);
  if (hit !== undefined) return hit;
  try {
    const data = await readFile(file);
    if (file.endsWith('index.html')) return data; // small, and must follow rebuilds
    cache.set(file, data);
    return data;
  } catch {
    return undefined;
  }
}

export async function serveConsole(req: http.IncomingMessage, res: http.ServerResponse, path: string, dir = CONSOLE_DIR): Promise<void> {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    return send(res, method, 405, 'text/plain; charset=utf-8', Buffer.from('Use GET\n'), { Allow: 'GET, HEAD' });
  }
  if (path === '/console') return send(res, method, 301, 'text/plain; charset=utf-8', Buffer.from(''), { Location: '/console/' });
  if (path.startsWith('/console/assets/')) {
    const name = path.slice('/console/assets/'.length);
    const data = ASSET_NAME.test(name) && !name.includes('..') ? await load(join(dir, 'assets', name)) : undefined;
    if (data === undefined) return send(res, method, 404, 'text/plain; charset=utf-8', Buffer.from('Not found\n'));
    const type = CONTENT_TYPES[extname(name)] ?? 'application/octet-stream';
    return send(res, method, 200, type, data, { 'Cache-Control': 'public, max-age=31536000, immutable' });
  }
  const page = await load(join(dir, 'index.html'));
  if (page === undefined) {
    return send(res, method, 503, 'text/plain; charset=utf-8', Buffer.from('The console is not built: run `npm run build`.\n'));
  }
  return send(res, method, 200, CONTENT_TYPES['.html'] ?? 'text/html', page, { 'Cache-Control': 'no-cache' });
}

function send(res: http.ServerResponse, method: string, status: number, type: string, body: Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'Content-Type': type, 'Content-Length': body.length });
  res.end(method === 'HEAD' ? undefined : body);
}
