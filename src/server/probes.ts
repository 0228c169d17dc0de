/**
 * GET /health   200 {"status":"ok"} while the process answers at all (liveness).
 * GET /ready    200 {"status":"ready"} when the store answers a query and the server is not
 *               shutting down; otherwise 503 {"status":"unavailable","reason":"..."}.
 * GET /metrics  Prometheus' text format (docs/operations.md).
 */
import type http from 'node:http';
import { errorField, type Logger } from '../log.js';
import type { Health } from './health.js';
import { METRICS_CONTENT_TYPE } from './metrics.js';

function send(res: http.ServerResponse, status: number, contentType: string, text: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

export function probeRoutes(health: Health, renderMetrics: () => Promise<string>, log: Logger) {
  return async (_req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<boolean> => {
    switch (path) {
      case '/health':
        send(res, 200, 'application/json', JSON.stringify({ status: 'ok' }));
        return true;
      case '/ready': {
        const state = await health.check();
        if (state.ready) send(res, 200, 'application/json', JSON.stringify({ status: 'ready' }));
        else send(res, 503, 'application/json', JSON.stringify({ status: 'unavailable', reason: state.reason }));
        return true;
      }
      case '/metrics': {
        let text: string;
        try {
          text = await renderMetrics();
        } catch (err) {
          // The store-backed gauges could not be read; the readiness probe says why.
          health.noteError(err);
          log.debug({ err: errorField(err) }, 'metrics: store gauges unavailable');
          send(res, 503, 'text/plain', 'metrics unavailable: the store does not answer (see /ready)\n');
          return true;
        }
        send(res, 200, METRICS_CONTENT_TYPE, text);
        return true;
      }
      default:
        return false;
    }
  };
}
