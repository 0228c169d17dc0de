/**
 * Admin endpoints under /admin/, beside the SWF API:
 *   GET  /admin/clock          → {"kind": "real"|"virtual", "now": <epoch seconds>,
 *                                 "nextDeadline": <epoch seconds> | null}
 *   POST /admin/clock/advance  {"seconds": n} → moves a virtual clock forward, firing every
 *                              deadline that falls due on the way, in order; answers
 *                              {"now": <epoch seconds>, "fired": <deadlines fired>} once all
 *                              of them committed (so the caller sees their events at once).
 *   POST /admin/reset          only with `serve --in-memory`: deletes every domain, type,
 *                              execution, task and deadline → {"reset": true}. Elsewhere 404,
 *                              so a stray reset can never empty a real database.
 * and the console's read-only endpoints (admin-console.ts): /admin/deadlines, /admin/activities.
 */
import type http from 'node:http';
import type { Services } from '../api/context.js';
import { consoleRoutes } from './admin-console.js';
import type { Authentication } from './authentication.js';
import { notPermitted } from '../api/access.js';
import { SwfFault } from '../faults.js';

/** The action an admin request needs when authentication is on (resource `*`). */
export const ADMIN_ACTION = 'openswf:Admin';

/** The most an advance may move the clock in one call: ten years, far beyond any SWF timeout. */
const MAX_ADVANCE_SECONDS = 10 * 365 * 24 * 3600;

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The `seconds` of an advance body, or undefined when the body is not `{"seconds": n}`. */
function advanceSeconds(body: Buffer): number | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8') || '{}');
  } catch {
    return undefined;
  }
  const seconds = typeof parsed === 'object' && parsed !== null ? (parsed as { seconds?: unknown }).seconds : undefined;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0 || seconds > MAX_ADVANCE_SECONDS) return undefined;
  return seconds;
}

export interface AdminOptions {
  /** Empties the store; given only in the in-memory mode. */
  reset?: () => Promise<void>;
}

/**
 * With authentication on (`authOn`), the HTTP front has already verified the signature; the
 * caller must also be allowed `openswf:Admin`: moving the clock fires every deadline at once.
 */
export function adminRoutes(services: Services, authOn = false, secureTransport = false, options: AdminOptions = {}) {
  const consoleRoute = consoleRoutes(services);
  return async (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, auth?: Authentication): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (authOn) {
      if (auth === undefined) throw new SwfFault('MissingAuthenticationTokenException', 'Request is missing Authentication Token');
      const context = {
        'aws:username': auth.caller.name,
        'aws:PrincipalArn': auth.caller.arn,
        'aws:PrincipalAccount': auth.caller.accountId,
        'aws:SecureTransport': secureTransport ? 'true' : 'false',
      };
      if (auth.policies.evaluate({ action: ADMIN_ACTION, resource: '*', context }) !== 'Allow') throw notPermitted(auth.caller, ADMIN_ACTION, '*');
    }
    if (url.pathname === '/admin/reset' && options.reset !== undefined) {
      if (req.method !== 'POST') {
        send(res, 405, { message: 'Use POST /admin/reset' });
        return true;
      }
      await options.reset();
      services.log.info('admin: every domain, type and execution deleted (POST /admin/reset)');
      send(res, 200, { reset: true });
      return true;
    }
    if (url.pathname === '/admin/clock') {
      if (req.method !== 'GET') {
        send(res, 405, { message: 'Use GET /admin/clock' });
        return true;
      }
      const next = await services.store.nextDueAt();
      send(res, 200, { kind: services.clock.kind, now: services.clock.now() / 1000, nextDeadline: next === undefined ? null : next / 1000 });
      return true;
    }
    if (url.pathname === '/admin/clock/advance') {
      if (req.method !== 'POST') {
        send(res, 405, { message: 'Use POST /admin/clock/advance with {"seconds": n}' });
        return true;
      }
      if (services.clock.kind !== 'virtual') {
        send(res, 400, { message: 'The clock is real; start the server with --clock virtual to move it.' });
        return true;
      }
      const seconds = advanceSeconds(body);
      if (seconds === undefined) {
        send(res, 400, { message: `Body must be {"seconds": n} with n a number of seconds from 0 to ${MAX_ADVANCE_SECONDS}` });
        return true;
      }
      const fired = await services.timers.advanceBy(Math.round(seconds * 1000));
      send(res, 200, { now: services.clock.now() / 1000, fired });
      return true;
    }
    return consoleRoute(req, res);
  };
}
