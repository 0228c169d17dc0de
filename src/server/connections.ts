/**
 * Bounds on hostile connections.
 *
 * Node checks headersTimeout and requestTimeout only every `connectionsCheckingInterval`
 * (30 s by default), and only for sockets whose parser has started: a socket that connects
 * and sends nothing is never timed out, and a slowloris client outlives the header timeout by
 * up to half a minute. So:
 *  - the check runs every second (createHttpServer passes the interval);
 *  - a socket whose first request's headers are not complete within the header timeout is
 *    closed here (Node's own check covers the later requests of a keep-alive socket);
 *  - at most `maxConnections` sockets are open at once; one past the cap is answered 503 and
 *    closed at once (over TLS, where no plain answer is possible, it is just closed).
 * Keep-alive sockets between requests are closed by Node's keepAliveTimeout.
 */
import type { Server } from 'node:net';
import type { Socket } from 'node:net';

/** Default cap on open connections: far above one long-polling worker per thread, below the usual fd limits. */
export const DEFAULT_MAX_CONNECTIONS = 4096;
/** How often Node checks header and request timeouts. */
export const CONNECTIONS_CHECKING_INTERVAL_MS = 1000;

export interface ConnectionLimits {
  maxConnections: number;
  /** A socket must deliver its first request's headers within this long. */
  firstByteTimeoutMs: number;
  tls: boolean;
}

const BUSY = 'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: 0\r\n\r\n';

export function guardConnections(server: Server, limits: ConnectionLimits): { open(): number } {
  let open = 0;
  const waiting = new WeakMap<Socket, NodeJS.Timeout>();
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
    // Over TLS the handshake has its own timeout (handshakeTimeout); the first request is
    // awaited on the TLS socket once it is up.
    if (!limits.tls) awaitFirstRequest(socket);
  });
  const awaitFirstRequest = (socket: Socket): void => {
    // Node's http parser reads the socket's handle directly (no 'data' events), so the first
    // request's arrival is what ends the wait: headers must be complete within the timeout.
    const timer = setTimeout(() => socket.destroy(), limits.firstByteTimeoutMs);
    timer.unref();
    waiting.set(socket, timer);
    socket.once('close', () => clearTimeout(timer));
  };
  if (limits.tls) server.on('secureConnection', awaitFirstRequest);
  server.on('request', (req: { socket: Socket }) => {
    const timer = waiting.get(req.socket);
    if (timer !== undefined) {
      clearTimeout(timer);
      waiting.delete(req.socket);
    }
  });
  return { open: () => open };
}
