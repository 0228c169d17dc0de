/**
 * The console's only way to the server: the SWF API (POST / with X-Amz-Target) and the
 * documented /admin/ endpoints, every request signed with SigV4 (service "swf") with the keys
 * given at sign-in. The server judges these calls as it judges any SDK's: the console holds no
 * privilege of its own. The signer is the SDK's (@smithy/signature-v4, with its defaults, so requests are signed exactly as
 * the JavaScript SDK signs them) with a pure-JS SHA-256,
 * because WebCrypto is missing on plain-HTTP origins other than localhost.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
}

/** A fault the server answered: the SWF fault name (or HTTP status text) and its message. */
export class ApiError extends Error {
  constructor(
    readonly fault: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = fault;
  }
}

const TARGET = 'SimpleWorkflowService.';

export class Api {
  private readonly signer: SignatureV4;
  constructor(readonly credentials: Credentials) {
    this.signer = new SignatureV4({
      service: 'swf',
      region: credentials.region,
      credentials: {
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
      },
      sha256: Sha256,
    });
  }

  /** One SWF operation; resolves to its output, rejects with ApiError on a fault. */
  call<T>(operation: string, input: object): Promise<T> {
    return this.send<T>('POST', '/', {}, JSON.stringify(input), {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `${TARGET}${operation}`,
    });
  }

  /** A GET or POST on one of the server's /admin/ endpoints. */
  admin<T>(method: 'GET' | 'POST', path: string, query: Record<string, string> = {}, body?: object): Promise<T> {
    return this.send<T>(method, path, query, body === undefined ? '' : JSON.stringify(body), body === undefined ? {} : { 'content-type': 'application/json' });
  }

  private async send<T>(method: string, path: string, query: Record<string, string>, body: string, headers: Record<string, string>): Promise<T> {
    const signed = await this.signer.sign({
      method,
      protocol: location.protocol,
      hostname: location.hostname,
      ...(location.port !== '' ? { port: Number(location.port) } : {}),
      path,
      query,
      headers: { host: location.host, ...headers },
      body,
    });
    // The browser sets Host itself (to the same value that was signed).
    const sent: Record<string, string> = {};
    for (const [name, value] of Object.entries(signed.headers)) if (name.toLowerCase() !== 'host') sent[name] = String(value);
    const search = new URLSearchParams(query).toString();
    let res: Response;
    try {
      res = await fetch(`${path}${search ? `?${search}` : ''}`, { method, headers: sent, ...(method === 'GET' ? {} : { body }), cache: 'no-store' });
    } catch (err) {
      throw new ApiError('NetworkError', `The server could not be reached: ${err instanceof Error ? err.message : String(err)}`, 0);
    }
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const o = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { __type?: unknown; message?: unknown; Message?: unknown };
      const type = typeof o.__type === 'string' ? (o.__type.split('#').pop() ?? o.__type) : `HTTP ${res.status}`;
      const message = typeof o.message === 'string' ? o.message : typeof o.Message === 'string' ? o.Message : text || res.statusText;
      throw new ApiError(type, message, res.status);
    }
    return parsed as T;
  }
}

const KEY = 'openswf.console.credentials';

export function savedCredentials(): Credentials | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (raw === null) return undefined;
    const c = JSON.parse(raw) as Partial<Credentials>;
    if (typeof c.accessKeyId !== 'string' || typeof c.secretAccessKey !== 'string' || typeof c.region !== 'string') return undefined;
    return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, region: c.region, ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}) };
  } catch {
    return undefined;
  }
}

/** Kept for the tab's life only (sessionStorage): closing the tab signs out. */
export function saveCredentials(c: Credentials | undefined): void {
  if (c === undefined) sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, JSON.stringify(c));
}
