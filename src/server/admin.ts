/**
 * Admin endpoints under /admin/, beside the SWF API:
 *   GET  /admin/clock          → {"kind": "real"|"virtual", "now": <epoch seconds>}
 *   POST /admin/clock/advance  {"seconds": n} → moves a virtual clock forward, firing every
 *                              deadline that falls due on the way, in order.
 */
import type http from 'node:http';
import type { Services } from '../api/context.js';

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function adminRoutes(services: Services) {
  return async (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/admin/clock' && req.method === 'GET') {
      send(res, 200, { kind: services.clock.kind, now: services.clock.now() / 1000 });
      return true;
    }
    if (url.pathname === '/admin/clock/advance' && req.method === 'POST') {
      if (services.clock.kind !== 'virtual') {
        send(res, 400, { message: 'The clock is real; start the server with --clock virtual to move it.' });
        return true;
      }
      let seconds: unknown;
      try {
        seconds = (JSON.parse(body.toString('utf8') || '{}') as { seconds?: unknown }).seconds;
      } catch {
        seconds = undefined;
      }
      if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
        send(res, 400, { message: 'Body must be {"seconds": <a number of seconds, 0 or more>}' });
        return true;
      }
      const fired = await services.timers.advanceTo(services.clock.now() + Math.round(seconds * 1000));
      send(res, 200, { now: services.clock.now() / 1000, fired });
      return true;
    }
    return false;
  };
}
