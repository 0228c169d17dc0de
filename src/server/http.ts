/**
 * The HTTP front: the AWS JSON 1.0 framing of SWF on plain node:http.
 *
 * `POST /` with `X-Amz-Target: SimpleWorkflowService.<Operation>` (or the long
 * `com.amazonaws.swf.service.model.SimpleWorkflowService.<Operation>` form some older
 * clients send) and a JSON object body. The front reads the body under a size limit,
 * resolves the operation, validates the input against the model, hands it to `dispatch`
 * and renders the answer or the fault. It is the one place where faults become HTTP and
 * where unexpected errors are logged and flattened to InternalFailure.
 *
 * Long polls hold a request for up to ~60 s, and the AWS SDKs keep connections alive
 * between calls, so the server timeouts are set so that neither is ever cut short.
 */
import http from 'node:http';
import https from 'node:https';
import { randomUUID } from 'node:crypto';
import { SwfFault } from '../faults.js';
import type { OperationName } from '../model/tables.js';
import { isOperationName, validateInput } from '../model/validate.js';
import type { RequestContext } from '../api/context.js';
import { signingRegion } from './signing-region.js';
import { errorField, silentLogger, type Logger } from '../log.js';
import type { RequestEntry, RequestObserver } from './request-log.js';
import { isConsolePath, serveConsole } from './console-static.js';
import { assertWellFormed, decodeUtf8 } from './body-text.js';
import type { Authentication, Authenticate } from './authentication.js';
import { CONNECTIONS_CHECKING_INTERVAL_MS, DEFAULT_MAX_CONNECTIONS, guardConnections } from './connections.js';

export type Dispatch = (operation: OperationName, input: Record<string, unknown>, ctx: RequestContext) => Promise<unknown>;

export interface HttpServerOptions {
  dispatch: Dispatch;
  /** Largest request body accepted; larger ones get 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Where unexpected errors (with stacks) are logged. Default: nowhere. */
  log?: Logger;
  /** Told of every request's start and end (request log, metrics, in-flight count). */
  requests?: RequestObserver;
  /** Given GET and HEAD requests first (/health, /ready, /metrics); resolves true when it answered. */
  probes?: (req: http.IncomingMessage, res: http.ServerResponse, path: string) => Promise<boolean>;
  /** True while the server shuts down: answers then ask the client to close the connection. */
  draining?: () => boolean;
  /** Given first every request under /admin/; resolves true when it answered the request. */
  extraRoutes?: (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, auth: Authentication | undefined) => Promise<boolean>;
  /** When set (authentication on), every SWF and admin request must be signed (server/authentication.ts). */
  authenticate?: Authenticate;
  /** Serve HTTPS with this certificate and key (PEM). */
  tls?: { cert: Buffer; key: Buffer };
  /** Most connections open at once; one more is answered 503 and closed. Default DEFAULT_MAX_CONNECTIONS. */
  maxConnections?: number;
  /** Defaults HEADERS_TIMEOUT_MS and KEEP_ALIVE_TIMEOUT_MS; the first must exceed the second. */
  headersTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Both spellings of the target prefix seen from SWF clients. */
export const TARGET_PREFIXES = ['SimpleWorkflowService.', 'com.amazonaws.swf.service.model.SimpleWorkflowService.'] as const;

const JSON_CONTENT_TYPES = new Set(['application/x-amz-json-1.0', 'application/x-amz-json-1.1', 'application/json']);

/**
 * Idle keep-alive sockets are kept longer than the 60 s that load balancers and SDK
 * agents commonly assume, so the server is never the side that closes a socket a client
 * is about to reuse (which the client sees as ECONNRESET).
 */
export const KEEP_ALIVE_TIMEOUT_MS = 75_000;
/** Must exceed keepAliveTimeout, or Node may drop a reused socket before its next request's headers arrive. */
export const HEADERS_TIMEOUT_MS = 80_000;
/** Time to receive a whole request (not to answer it): well above any long poll. */
export const REQUEST_TIMEOUT_MS = 300_000;

export function createHttpServer(options: HttpServerOptions): http.Server {
  const log = options.log ?? silentLogger;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    handle(req, res, options, maxBodyBytes, log).catch((err: unknown) => {
      // handle() renders its own failures; this only guards against a bug in rendering.
      log.error({ err: errorField(err) }, 'http: unhandled error');
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, internalFailure().toBody());
      else res.destroy();
    });
  };
  const headersTimeout = options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  const keepAliveTimeout = options.keepAliveTimeoutMs ?? KEEP_ALIVE_TIMEOUT_MS;
  const serverOptions: http.ServerOptions = {
    keepAliveTimeout,
    headersTimeout,
    requestTimeout: REQUEST_TIMEOUT_MS,
    // Node's default (30 s) lets a slow client outlive the header timeout by that much.
    connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS,
  };
  const server: http.Server = options.tls
    ? https.createServer({ ...serverOptions, cert: options.tls.cert, key: options.tls.key, handshakeTimeout: headersTimeout }, listener)
    : http.createServer(serverOptions, listener);
  server.keepAliveTimeout = keepAliveTimeout;
  server.headersTimeout = headersTimeout;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.timeout = 0; // no socket inactivity timeout: a long poll is silent by design
  guardConnections(server, { maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS, tls: options.tls !== undefined });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    // Malformed HTTP: answer 400 if the socket can still take it; never crash.
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  return server;
}

async function handle(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  options: HttpServerOptions,
  maxBodyBytes: number,
  log: Logger,
): Promise<void> {
  const requestId = randomUUID();
  res.setHeader('x-amzn-RequestId', requestId);
  if (options.draining?.()) res.setHeader('Connection', 'close');

  const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
  const method = req.method ?? 'GET';
  const target = req.headers['x-amz-target'];
  const entry: RequestEntry = {
    requestId,
    method,
    path,
    client: req.socket.remoteAddress,
    startedAt: process.hrtime.bigint(),
    ...(typeof target === 'string' ? { target: target.slice(0, 128) } : {}),
  };
  const observer = options.requests;
  observer?.started(entry);
  // The client may give up at any point (a long poll cut by its own timeout, a killed
  // worker); the dispatcher must learn of it so it does not hand a task to nobody. Only long
  // polls read the signal, so its AbortController is made when first asked for (one per
  // request cost more than the request's log line).
  let gone = false;
  let abort: AbortController | undefined;
  // 'close' comes once per response, answered or abandoned: the one place a request ends.
  res.once('close', () => {
    if (!res.writableFinished) {
      gone = true;
      entry.outcome = 'client-gone';
    }
    observer?.finished(entry, res.statusCode);
    if (gone) abort?.abort();
  });
  const signal = (): AbortSignal => {
    if (abort === undefined) {
      abort = new AbortController();
      if (gone) abort.abort();
    }
    return abort.signal;
  };

  if ((method === 'GET' || method === 'HEAD') && options.probes !== undefined && (await options.probes(req, res, path))) return;
  if ((method === 'GET' || method === 'HEAD') && (path === '/' || path === '/health')) {
    return sendJson(res, 200, { status: 'ok' });
  }
  // The web console's static files (no data in them: the page calls the API like any client).
  if (isConsolePath(path)) return serveConsole(req, res, path);

  const body = await readBody(req, maxBodyBytes);
  if (body === 'aborted') return;
  if (body === 'too-large') {
    const fault = new SwfFault('RequestEntityTooLargeException', `Request size exceeded ${maxBodyBytes} bytes`);
    // Stop reading what is left of an oversized body: close the connection once answered.
    res.setHeader('Connection', 'close');
    res.on('finish', () => {
      if (!req.complete) req.destroy();
    });
    entry.outcome = fault.code;
    return sendJson(res, fault.httpStatus, fault.toBody());
  }

  if (path.startsWith('/admin/')) {
    try {
      const auth = options.authenticate ? await options.authenticate({ method, url: req.url ?? '/', headers: req.headers, body }) : undefined;
      if (options.extraRoutes !== undefined && (await options.extraRoutes(req, res, body, auth))) return;
    } catch (err) {
      return sendFault(res, err, log, entry, `${method} ${path}`);
    }
    return notFound(res, method, path);
  }
  // Coral routes on X-Amz-Target, not on the path, so any POST outside /admin/ is SWF.
  if (method !== 'POST') return notFound(res, method, path);

  let operation: OperationName | undefined;
  try {
    // Authentication comes first: an unsigned request learns nothing, not even the operation's validity.
    const auth = options.authenticate ? await options.authenticate({ method, url: req.url ?? '/', headers: req.headers, body }) : undefined;
    operation = resolveOperation(req.headers['x-amz-target']);
    entry.operation = operation;
    checkContentType(req.headers['content-type']);
    const input: unknown = parseBody(body);
    const domain = (input as { domain?: unknown }).domain;
    if (typeof domain === 'string') entry.domain = domain.slice(0, 256);
    validateInput(operation, input);
    // ARNs name the scope's region only when it is shaped like one (the signature was checked against whatever it says).
    const region = signingRegion(req.headers.authorization);
    const ctx: RequestContext = {
      requestId,
      ...(region !== undefined ? { region } : {}),
      ...(auth !== undefined ? { caller: auth.caller, policies: auth.policies, secureTransport: options.tls !== undefined } : {}),
      get signal() {
        return signal();
      },
      clientGone: () => gone,
      ...(req.socket.remoteAddress !== undefined ? { remoteAddress: req.socket.remoteAddress } : {}),
    };
    entry.context = ctx;
    const result = await options.dispatch(operation, input, ctx);
    if (res.destroyed) return; // nobody to answer
    entry.outcome = 'ok';
    return sendJson(res, 200, result ?? {});
  } catch (err) {
    return sendFault(res, err, log, entry, operation);
  }
}

type Body = Buffer | 'too-large' | 'aborted';

/** Reads the body up to `limit` bytes; refuses early on a declared Content-Length over it. */
function readBody(req: http.IncomingMessage, limit: number): Promise<Body> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve('too-large');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        return resolve('too-large');
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onGone = (): void => {
      cleanup();
      resolve('aborted');
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onGone);
      req.off('close', onGone);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    // A client that goes away mid-body ends the read with 'error' or, at least, 'close'.
    req.on('error', onGone);
    req.on('close', onGone);
  });
}

function resolveOperation(target: string | string[] | undefined): OperationName {
  const value = Array.isArray(target) ? target[0] : target;
  if (value === undefined || value === '') {
    throw new SwfFault('UnknownOperationException', 'Missing X-Amz-Target header');
  }
  for (const prefix of TARGET_PREFIXES) {
    if (value.startsWith(prefix)) {
      const name = value.slice(prefix.length);
      if (isOperationName(name)) return name;
    }
  }
  throw new SwfFault('UnknownOperationException', `Unknown operation: ${value}`);
}

function checkContentType(header: string | undefined): void {
  // Tolerate a missing Content-Type (curl and some hand-rolled clients send none).
  if (header === undefined || header === '') return;
  const mediaType = header.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (!JSON_CONTENT_TYPES.has(mediaType)) {
    throw new SwfFault('SerializationException', `Unsupported Content-Type: ${mediaType}`);
  }
}

/** An empty body means `{}`; anything else must be a JSON object. */
function parseBody(body: Buffer): unknown {
  const text = decodeUtf8(body);
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SwfFault('SerializationException', 'Request body is not valid JSON');
  }
  if (Array.isArray(parsed)) throw new SwfFault('SerializationException', 'Start of list found where not expected');
  if (typeof parsed !== 'object' || parsed === null) {
    throw new SwfFault('SerializationException', 'Request body must be a JSON object');
  }
  assertWellFormed(parsed);
  return parsed;
}

function sendFault(
  res: http.ServerResponse,
  err: unknown,
  log: Logger,
  entry: RequestEntry,
  operation?: string,
): void {
  let fault: SwfFault;
  if (err instanceof SwfFault) {
    fault = err;
  } else {
    log.error({ requestId: entry.requestId, operation, err: errorField(err) }, `${operation ?? 'request'} failed: ${err instanceof Error ? err.message : String(err)}`);
    fault = internalFailure();
  }
  entry.outcome = fault.code;
  if (res.destroyed || res.headersSent) return;
  sendJson(res, fault.httpStatus, fault.toBody());
}

function notFound(res: http.ServerResponse, method: string, path: string): void {
  const fault = new SwfFault('UnknownOperationException', `No route for ${method} ${path}`);
  sendJson(res, 404, fault.toBody());
}

/** What the client sees of an unexpected error: never its own message or stack (those stay in the log). */
export function internalFailure(cause?: unknown): SwfFault {
  return new SwfFault('InternalFailure', 'The request processing has failed because of an unknown error.', cause !== undefined ? { cause } : undefined);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(status, {
    'Content-Type': 'application/x-amz-json-1.0',
    'Content-Length': payload.length,
  });
  res.end(payload);
}
