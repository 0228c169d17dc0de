/**
 * The serve options of docs/security.md, checked before the server listens:
 *   --auth FILE (or OPENSWF_AUTH_FILE), --tls-cert FILE --tls-key FILE, --max-connections N.
 * Kept out of cli/main.ts so the command line only maps flags to AppOptions.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AppOptions } from './app.js';

export const SECURITY_USAGE = `[--auth <identities file; or OPENSWF_AUTH_FILE>] [--tls-cert <PEM file> --tls-key <PEM file>] [--max-connections <n, default 4096>]
                [--headers-timeout-ms 80000] [--keep-alive-timeout-ms 75000]`;

export interface SecurityFlags {
  auth?: string | undefined;
  'tls-cert'?: string | undefined;
  'tls-key'?: string | undefined;
  'max-connections'?: string | undefined;
  'headers-timeout-ms'?: string | undefined;
  'keep-alive-timeout-ms'?: string | undefined;
}

/** Throws an Error whose message says what to fix. */
export function securityOptions(flags: SecurityFlags, env: NodeJS.ProcessEnv = process.env): Pick<AppOptions, 'authFile' | 'tls' | 'maxConnections' | 'headersTimeoutMs' | 'keepAliveTimeoutMs'> {
  const authFile = flags.auth || env.OPENSWF_AUTH_FILE || undefined;
  const certFile = flags['tls-cert'];
  const keyFile = flags['tls-key'];
  if ((certFile === undefined) !== (keyFile === undefined)) throw new Error('--tls-cert and --tls-key go together');
  const read = (file: string, flag: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(`${flag} ${file}: cannot read the file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  };
  const tls = certFile !== undefined && keyFile !== undefined ? { cert: read(certFile, '--tls-cert'), key: read(keyFile, '--tls-key') } : undefined;
  let maxConnections: number | undefined;
  if (flags['max-connections'] !== undefined) {
    maxConnections = Number(flags['max-connections']);
    if (!Number.isInteger(maxConnections) || maxConnections < 1) throw new Error(`invalid --max-connections ${flags['max-connections']}`);
  }
  const ms = (flag: 'headers-timeout-ms' | 'keep-alive-timeout-ms'): number | undefined => {
    const raw = flags[flag];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`invalid --${flag} ${raw}`);
    return n;
  };
  const headersTimeoutMs = ms('headers-timeout-ms');
  const keepAliveTimeoutMs = ms('keep-alive-timeout-ms');
  // Node may drop a reused socket before its next request's headers arrive otherwise.
  if ((headersTimeoutMs ?? 80_000) <= (keepAliveTimeoutMs ?? 75_000)) throw new Error('--headers-timeout-ms must exceed --keep-alive-timeout-ms');
  return {
    ...(headersTimeoutMs !== undefined ? { headersTimeoutMs } : {}),
    ...(keepAliveTimeoutMs !== undefined ? { keepAliveTimeoutMs } : {}),
    ...(authFile !== undefined ? { authFile: resolve(authFile) } : {}),
    ...(tls !== undefined ? { tls } : {}),
    ...(maxConnections !== undefined ? { maxConnections } : {}),
  };
}

/** The part of the startup line that says how callers are checked. */
export function authSummary(auth: { on: false } | { on: true; users: number; file: string }): string {
  return auth.on ? `auth: on, ${auth.users} user${auth.users === 1 ? '' : 's'} from ${auth.file}` : 'auth: off, any credentials accepted';
}

/** A warning for an identities file others may read (it holds secret keys), or undefined. */
export function authFileWarning(file: string | undefined): string | undefined {
  if (file === undefined || process.platform === 'win32') return undefined;
  try {
    const mode = statSync(file).mode & 0o777;
    return (mode & 0o077) !== 0 ? `openswf: warning: ${file} holds secret keys but is readable by others (mode ${mode.toString(8)}); chmod 600 it` : undefined;
  } catch {
    return undefined; // createApp reports an unreadable file
  }
}
