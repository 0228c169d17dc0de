/**
 * A `fetch` that signs each request with SigV4 for service `swf`, for the operator commands
 * (`openswf clock`) and the test helpers. Credentials come from where every AWS tool looks:
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, else the profile
 * (AWS_PROFILE, default "default") in the shared credentials and config files. Without any,
 * requests go unsigned (a server with authentication off takes them).
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import type { SourceData } from '@smithy/types';
import { SIGNING_SERVICE } from './sigv4.js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

class Sha256 extends Hash {
  constructor(secret?: SourceData) {
    super('sha256', secret);
  }
}

type Fetch = (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<Response>;

export function signedFetch(options: { credentials?: Credentials; region?: string; env?: NodeJS.ProcessEnv } = {}): Fetch {
  const env = options.env ?? process.env;
  const credentials = options.credentials ?? credentialsFromEnvironment(env);
  if (!credentials) return (url, init) => fetch(url, init);
  const region = options.region ?? regionFromEnvironment(env);
  const signer = new SignatureV4({ credentials, region, service: SIGNING_SERVICE, sha256: Sha256 });
  return async (url, init = {}) => {
    const u = new URL(url);
    const body = init.body ?? '';
    const query: Record<string, string> = {};
    u.searchParams.forEach((v, k) => (query[k] = v));
    const request = new HttpRequest({
      method: init.method ?? 'GET',
      protocol: u.protocol,
      hostname: u.hostname,
      ...(u.port !== '' ? { port: Number(u.port) } : {}),
      path: u.pathname,
      query,
      headers: { ...(init.headers ?? {}), host: u.host },
      body,
    });
    const signed = await signer.sign(request);
    const headers: Record<string, string> = {};
    // fetch sets Host itself (and refuses to be told).
    for (const [k, v] of Object.entries(signed.headers)) if (k.toLowerCase() !== 'host') headers[k] = v;
    return fetch(url, { method: request.method, headers, ...(init.body !== undefined ? { body } : {}) });
  };
}

export function credentialsFromEnvironment(env: NodeJS.ProcessEnv): Credentials | undefined {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
  }
  const profile = env.AWS_PROFILE || 'default';
  const file = env.AWS_SHARED_CREDENTIALS_FILE || join(homedir(), '.aws', 'credentials');
  const section = iniSection(file, profile) ?? iniSection(env.AWS_CONFIG_FILE || join(homedir(), '.aws', 'config'), profile === 'default' ? 'default' : `profile ${profile}`);
  const accessKeyId = section?.aws_access_key_id;
  const secretAccessKey = section?.aws_secret_access_key;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, ...(section.aws_session_token ? { sessionToken: section.aws_session_token } : {}) };
}

function regionFromEnvironment(env: NodeJS.ProcessEnv): string {
  if (env.AWS_REGION) return env.AWS_REGION;
  if (env.AWS_DEFAULT_REGION) return env.AWS_DEFAULT_REGION;
  const profile = env.AWS_PROFILE || 'default';
  const section = iniSection(env.AWS_CONFIG_FILE || join(homedir(), '.aws', 'config'), profile === 'default' ? 'default' : `profile ${profile}`);
  return section?.region || 'us-east-1';
}

/** One section of an AWS INI file (`[name]`, `key = value` lines), or undefined. */
function iniSection(file: string, name: string): Record<string, string> | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let current: string | undefined;
  const values: Record<string, string> = {};
  let found = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = header[1]?.trim();
      if (current === name) found = true;
      continue;
    }
    const eq = line.indexOf('=');
    if (current === name && eq > 0) values[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return found ? values : undefined;
}
