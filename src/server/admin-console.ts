/**
 * The console's endpoints under /admin/, for what the SWF API cannot say. They read only;
 * like every /admin/ route they go through the server's authentication (when it is on, a
 * signed request from a caller allowed openswf:Admin), so the console gains nothing a
 * signed client could not ask for.
 *
 *   GET /admin/deadlines?domain=<name>&runId=<id>&limit=<1..1000, default 100>&retention=false
 *       → {"clock": "real"|"virtual", "now": <epoch s>, "deadlines": [{"domain", "workflowId",
 *          "runId", "kind", "ref", "dueAt": <epoch s>}]}
 *       Every armed deadline (SWF timers, timeouts, retention), earliest first; both filters
 *       are optional; retention=false leaves out the retention deadlines. `kind` names the timeout (timer, decisionStartToClose,
 *       activityHeartbeat, workflowStartToClose, ...), `ref` the timer id or the
 *       scheduled/initiated event id it belongs to.
 *   GET /admin/activities?domain=<name>&runId=<id>
 *       → {"activities": [{"activityId", "activityType", "scheduledEventId", "startedEventId"?,
 *          "heartbeatTimeout", "heartbeatDetails"?, "cancelRequested"}]}
 *       The open activities of a run with the details of their last heartbeat, which no
 *       history event records. An unknown run, or one of another domain, answers 404.
 */
import type http from 'node:http';
import type { Services } from '../api/context.js';

const MAX_LIMIT = 1000;

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

/** A query parameter, absent when empty. */
function param(url: URL, name: string): string | undefined {
  const value = url.searchParams.get(name);
  return value === null || value === '' ? undefined : value;
}

export function consoleRoutes(services: Services) {
  return async (req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/admin/deadlines' && url.pathname !== '/admin/activities') return false;
    if (req.method !== 'GET') {
      send(res, 405, { message: `Use GET ${url.pathname}` });
      return true;
    }
    const domain = param(url, 'domain');
    const runId = param(url, 'runId');
    if (url.pathname === '/admin/deadlines') {
      const limitText = param(url, 'limit') ?? '100';
      const limit = Number(limitText);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
        send(res, 400, { message: `limit must be a whole number from 1 to ${MAX_LIMIT}` });
        return true;
      }
      const rows = await services.store.listDeadlines({ limit, withoutRetention: param(url, 'retention') === 'false', ...(domain !== undefined ? { domain } : {}), ...(runId !== undefined ? { runId } : {}) });
      send(res, 200, {
        clock: services.clock.kind,
        now: services.clock.now() / 1000,
        deadlines: rows.map((r) => ({ domain: r.domain, workflowId: r.workflowId, runId: r.key.runId, kind: r.key.kind, ref: r.key.ref, dueAt: r.dueAt / 1000 })),
      });
      return true;
    }
    const state = runId === undefined ? undefined : await services.store.getExecution(runId);
    if (state === undefined || domain === undefined || state.domain !== domain) {
      send(res, 404, { message: 'No such execution: give its domain and runId' });
      return true;
    }
    send(res, 200, {
      activities: Object.values(state.activities).map((a) => ({
        activityId: a.activityId,
        activityType: a.activityType,
        scheduledEventId: a.scheduledEventId,
        ...(a.startedEventId !== undefined ? { startedEventId: a.startedEventId } : {}),
        heartbeatTimeout: a.heartbeatTimeout,
        ...(a.heartbeatDetails !== undefined ? { heartbeatDetails: a.heartbeatDetails } : {}),
        cancelRequested: a.latestCancelRequestedEventId !== undefined,
      })),
    });
    return true;
  };
}
