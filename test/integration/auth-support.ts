/** Users, policies and raw signed requests shared by the authentication tests. */
import http from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import type { SourceData } from '@smithy/types';
import type { SWFClient } from '@aws-sdk/client-swf';
import type { TestUser } from '../helpers/server.js';
import { registerFixtureNamed, type Fixture } from '../helpers/swf.js';

export const ACCOUNT = '123456789012';

/** Fake keys, obviously: none of these is a real credential. */
export const ADMIN: TestUser = {
  name: 'admin',
  accessKeyId: 'AKIDADMINEXAMPLE',
  secretAccessKey: 'admin-secret-EXAMPLE',
  policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['swf:*', 'openswf:Admin'], Resource: '*' }] }],
};

export function user(name: string, statements: unknown[], extra: Partial<TestUser> = {}): TestUser {
  return {
    name,
    accessKeyId: `AKID${name.toUpperCase().replace(/[^A-Z0-9]/g, '')}EXAMPLE`,
    secretAccessKey: `${name}-secret-EXAMPLE`,
    policies: [{ Version: '2012-10-17', Statement: statements }],
    ...extra,
  };
}

export const domainArn = (domain: string, region = 'us-east-1', account = ACCOUNT): string => `arn:aws:swf:${region}:${account}:/domain/${domain}`;

export const notAuthorized = (u: TestUser, action: string, resource: string, account = ACCOUNT): string =>
  `User: arn:aws:iam::${account}:user/${u.name} is not authorized to perform: swf:${action} on resource: ${resource}`;

class Sha256 extends Hash {
  constructor(secret?: SourceData) {
    super('sha256', secret);
  }
}

export interface RawAnswer {
  status: number;
  json: { __type?: string; message?: string } & Record<string, unknown>;
}

/**
 * One SWF call over plain HTTP, signed (unless `sign` is false) and then altered by `tamper`,
 * for the failures an SDK cannot be made to send.
 */
export async function rawCall(
  url: string,
  operation: string,
  input: unknown,
  options: {
    credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    service?: string;
    region?: string;
    signingDate?: Date;
    /** Headers left out of the signature, as a browser that cannot sign them would. */
    unsigned?: string[];
    tamper?: (req: { headers: Record<string, string>; body: string }) => void;
  } = {},
): Promise<RawAnswer> {
  const u = new URL(url);
  let headers: Record<string, string> = {
    host: u.host,
    'content-type': 'application/x-amz-json-1.0',
    'x-amz-target': `SimpleWorkflowService.${operation}`,
  };
  let body = JSON.stringify(input);
  if (options.credentials) {
    const signer = new SignatureV4({ credentials: options.credentials, region: options.region ?? 'us-east-1', service: options.service ?? 'swf', sha256: Sha256 });
    const signed = await signer.sign(new HttpRequest({ method: 'POST', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: '/', headers, body }), {
      ...(options.signingDate ? { signingDate: options.signingDate } : {}),
      ...(options.unsigned ? { unsignableHeaders: new Set(options.unsigned) } : {}),
    });
    headers = { ...(signed.headers as Record<string, string>) };
  }
  const req = { headers, body };
  options.tamper?.(req);
  body = req.body;
  return new Promise((resolve, reject) => {
    const r = http.request(
      { host: u.hostname, port: Number(u.port), method: 'POST', path: '/', headers: { ...req.headers, 'content-length': String(Buffer.byteLength(body)) }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, json: text === '' ? {} : (JSON.parse(text) as RawAnswer['json']) });
        });
      },
    );
    r.on('error', reject);
    r.end(body);
  });
}

/** Waits (bounded) until the server's output matches: the log line is the hook. */
export async function logLine(logs: () => string, pattern: RegExp, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(logs())) {
    if (Date.now() > deadline) throw new Error(`no log line matching ${pattern}:\n${logs()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A domain of a chosen name (policies name their domains) with one workflow and one activity type. */
export function namedFixture(swf: SWFClient, domain: string, tags: { key: string; value: string }[] = []): Promise<Fixture> {
  return registerFixtureNamed(swf, { domain, taskList: `${domain}-decisions`, activityTaskList: `${domain}-activities`, tags });
}
