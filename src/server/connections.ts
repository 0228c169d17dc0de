/**
 * Bounds on hostile connections.
 *
 * Node times out a socket that sends nothing (or trickles headers without a break long enough
 * to be noticed) only when it sweeps its connections, every `connectionsCheckingInterval`:
 * 30 s by default, which let silent sockets live 80 + 30 s and more. createHttpServer sweeps
 * every second. Keep-alive sockets between requests are closed by keepAliveTimeout.
 * Here: at most `maxConnections` sockets are open at once; one past the cap is answered 503
 * and closed at once (over TLS, where no plain answer is possible, it is just closed).
 */
import type { Server } from 'node:net';
import type { Socket } from 'node:net';

/** Default cap on open connections: far above one long-polling worker per thread, below the usual fd limits. */
export const DEFAULT_MAX_CONNECTIONS = 4096;
/** How often Node checks header and request timeouts. */
export const CONNECTIONS_CHECKING_INTERVAL_MS = 1000;

export interface ConnectionLimits {
  maxConnections: number;
  tls: boolean;
}

const BUSY = 'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: 0\r\n\r\n';

export function guardConnections(server: Server, limits: ConnectionLimits): { open(): number } {
  let open = 0;
  server.on('connection', (socket: Socket) => {
    if (open >= limits.maxConnections) {
      if (limits.tls) socket.destroy();
      else socket.end(BUSY, () => socket.destroy());
      // Whatever it sends is not read; a client that ignores the answer is dropped soon after.
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    open += 1;
    socket.once('close', () => {
      open -= 1;
    });
  });
  return { open: () => open };
}
