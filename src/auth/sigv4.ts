/**
 * AWS Signature Version 4 verification for service `swf`.
 *
 * The received request is re-signed with the caller's secret by the SDK's own signer
 * (@smithy/signature-v4), over exactly the headers the client listed in SignedHeaders (a
 * browser cannot set or sign every header), and the two signatures are compared in constant
 * time. The HMAC chain is the signer's, not ours.
 *
 * Each failure is the exception AWS's JSON services answer with, and happens before anything
 * is read or changed. The order follows what AWS reports first: a missing header, then its
 * shape, then the scope, then the clock, then the key, then the signature.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import type { SourceData } from '@smithy/types';
import { HttpRequest } from '@smithy/protocol-http';
import { SwfFault } from '../faults.js';
import type { Identities, Identity } from './identities.js';

export const SIGNING_SERVICE = 'swf';
/** How far a request's date may be from the server's clock (AWS: 5 minutes). */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface ReceivedRequest {
  method: string;
  /** Path and query as received (`/`, `/admin/clock?x=1`). */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Authenticated {
  identity: Identity;
  /** The region of the credential scope. */
  region: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const INVALID_TOKEN = 'The security token included in the request is invalid.';

const signers = new WeakMap<Identity, SignatureV4>();

/** The SHA-256 constructor the signer takes (the SDK's own Node hash). */
class Sha256 extends Hash {
  constructor(secret?: SourceData) {
    super('sha256', secret);
  }
}

export async function verifySignature(req: ReceivedRequest, identities: Identities, nowMs: number): Promise<Authenticated> {
  const authorization = header(req.headers, 'authorization');
  if (authorization === undefined || authorization === '') {
    throw new SwfFault('MissingAuthenticationTokenException', 'Request is missing Authentication Token');
  }
  const parsed = parseAuthorization(authorization, req.headers);
  const { accessKeyId, shortDate, region, service, terminator } = parsed.credential;
  if (terminator !== 'aws4_request') {
    throw new SwfFault('IncompleteSignatureException', `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`);
  }
  if (!/^[a-z0-9-]+$/.test(region)) throw new SwfFault('IncompleteSignatureException', `Credential should be scoped to a valid region, not '${region}'. `);
  if (service !== SIGNING_SERVICE) {
    throw new SwfFault('InvalidSignatureException', `Credential should be scoped to correct service: '${SIGNING_SERVICE}'. `);
  }
  const { date, longDate } = parsed;
  if (longDate.slice(0, 8) !== shortDate) {
    throw new SwfFault(
      'InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${shortDate}' != '${longDate.slice(0, 8)}', from '${longDate}'.`,
    );
  }
  const signed = date.getTime();
  if (signed < nowMs - MAX_CLOCK_SKEW_MS) {
    throw new SwfFault(
      'InvalidSignatureException',
      `Signature expired: ${longDate} is now earlier than ${isoBasic(nowMs - MAX_CLOCK_SKEW_MS)} (${isoBasic(nowMs)} - 5 min.)`,
    );
  }
  if (signed > nowMs + MAX_CLOCK_SKEW_MS) {
    throw new SwfFault(
      'InvalidSignatureException',
      `Signature not yet current: ${longDate} is still later than ${isoBasic(nowMs + MAX_CLOCK_SKEW_MS)} (${isoBasic(nowMs)} + 5 min.)`,
    );
  }
  const identity = identities.byAccessKeyId(accessKeyId);
  if (!identity) throw new SwfFault('UnrecognizedClientException', INVALID_TOKEN);
  // A user with a session token must present it; one without must not present any.
  const token = header(req.headers, 'x-amz-security-token');
  if (!sameSecret(token, identity.sessionToken)) throw new SwfFault('UnrecognizedClientException', INVALID_TOKEN);

  const expected = await resign(req, identity, parsed, region);
  if (!sameSignature(expected, parsed.signature)) throw new SwfFault('InvalidSignatureException', SIGNATURE_MISMATCH);
  return { identity, region };
}

interface ParsedAuthorization {
  credential: { accessKeyId: string; shortDate: string; region: string; service: string; terminator: string };
  signedHeaders: string[];
  signature: string;
  date: Date;
  longDate: string;
}

function parseAuthorization(authorization: string, headers: IncomingHttpHeaders): ParsedAuthorization {
  const space = authorization.indexOf(' ');
  const algorithm = space < 0 ? authorization : authorization.slice(0, space);
  if (algorithm !== ALGORITHM) {
    throw new SwfFault('IncompleteSignatureException', `Unsupported AWS 'algorithm': '${algorithm}'. Use ${ALGORITHM}.`);
  }
  const fields = new Map<string, string>();
  for (const part of authorization.slice(space + 1).split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq < 0) throw new SwfFault('IncompleteSignatureException', `'${item}' not a valid key=value pair (missing equal-sign) in Authorization header: '${authorization}'.`);
    fields.set(item.slice(0, eq), item.slice(eq + 1));
  }
  const missing: string[] = [];
  for (const name of ['Credential', 'Signature', 'SignedHeaders']) {
    if (!fields.get(name)) missing.push(`Authorization header requires '${name}' parameter.`);
  }
  const amzDate = header(headers, 'x-amz-date');
  const httpDate = header(headers, 'date');
  if (amzDate === undefined && httpDate === undefined) missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  if (missing.length > 0) throw new SwfFault('IncompleteSignatureException', `${missing.join(' ')} Authorization=${authorization}`);

  const parts = (fields.get('Credential') ?? '').split('/');
  if (parts.length !== 5 || parts.some((p) => p === '')) {
    throw new SwfFault('IncompleteSignatureException', `Credential should be of the form <access key id>/<date>/<region>/${SIGNING_SERVICE}/aws4_request. Authorization=${authorization}`);
  }
  const [accessKeyId = '', shortDate = '', region = '', service = '', terminator = ''] = parts;
  if (!/^\d{8}$/.test(shortDate)) throw new SwfFault('IncompleteSignatureException', `Date in Credential scope must be YYYYMMDD, not '${shortDate}'.`);
  const date = amzDate !== undefined ? parseIsoBasic(amzDate) : parseHttpDate(httpDate ?? '');
  if (date === undefined) {
    throw new SwfFault('IncompleteSignatureException', `Date must be in ISO-8601 'basic format'. Got '${amzDate ?? httpDate ?? ''}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  }
  const signedHeaders = (fields.get('SignedHeaders') ?? '').split(';').map((h) => h.trim().toLowerCase());
  return {
    credential: { accessKeyId, shortDate, region, service, terminator },
    signedHeaders,
    signature: (fields.get('Signature') ?? '').toLowerCase(),
    date,
    // X-Amz-Date passed the basic-format check, so it already is the long date.
    longDate: amzDate ?? isoBasic(date.getTime()),
  };
}

/** The signature the request should carry, computed by the SDK's signer. */
async function resign(req: ReceivedRequest, identity: Identity, parsed: ParsedAuthorization, region: string): Promise<string> {
  const signedSet = new Set(parsed.signedHeaders);
  // Only the headers the client signed take part, with the values received.
  const headers: Record<string, string> = {};
  for (const name of signedSet) {
    const value = header(req.headers, name);
    if (value !== undefined) headers[name] = value;
  }
  // A payload hash the client declares must be the body's: the signer would trust it. (Without
  // one, the signer hashes the body itself.)
  const declared = headers['x-amz-content-sha256'];
  if (declared !== undefined && declared !== createHash('sha256').update(req.body).digest('hex')) {
    throw new SwfFault('InvalidSignatureException', SIGNATURE_MISMATCH);
  }

  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const query: Record<string, string | string[]> = {};
  if (q >= 0) {
    for (const [k, v] of new URLSearchParams(req.url.slice(q + 1))) {
      const prev = query[k];
      query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
  }
  const request = new HttpRequest({ method: req.method, protocol: 'https:', hostname: headers.host ?? 'localhost', path: decodeURIComponentSafe(path), query, headers, body: req.body });
  let signer = signers.get(identity);
  if (!signer) {
    signer = new SignatureV4({
      credentials: { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey, ...(identity.sessionToken !== undefined ? { sessionToken: identity.sessionToken } : {}) },
      region,
      service: SIGNING_SERVICE,
      sha256: Sha256,
      // The payload hash header counts only when the client sent and signed it (boto3 does not).
      applyChecksum: false,
    });
    signers.set(identity, signer);
  }
  // The signer adds X-Amz-Date and X-Amz-Security-Token itself: they count only if the client signed them.
  const unsignable = new Set(['x-amz-date', 'x-amz-security-token'].filter((h) => !signedSet.has(h)));
  const signed = await signer.sign(request, { signingDate: parsed.date, signingRegion: region, signingService: SIGNING_SERVICE, signableHeaders: signedSet, unsignableHeaders: unsignable });
  const auth = signed.headers.authorization ?? signed.headers.Authorization ?? '';
  return /Signature=([0-9a-f]+)/.exec(auth)?.[1] ?? '';
}

/**
 * Constant-time equality of two signatures. Their length is no secret (a SHA-256 HMAC is 64
 * hex digits), so only equal lengths are compared, byte for byte in constant time.
 */
function sameSignature(expected: string, given: string): boolean {
  if (expected.length !== given.length || expected.length === 0) return false;
  return timingSafeEqual(Buffer.from(expected, 'latin1'), Buffer.from(given, 'latin1'));
}

/** Constant-time equality of two secrets (undefined equals only undefined). */
function sameSecret(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  // Hashing first makes the lengths equal, so timingSafeEqual never throws and leaks no length.
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function parseIsoBasic(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se] = m.map(Number);
  return new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, se));
}

function parseHttpDate(s: string): Date | undefined {
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}

function isoBasic(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function decodeURIComponentSafe(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
