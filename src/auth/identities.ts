/**
 * The identities file (`openswf serve --auth FILE`): who may call, with which keys, and the IAM
 * policies that say what each caller may do.
 *
 *   { "accountId": "123456789012",
 *     "users": [ { "name": "decider", "accessKeyId": "AKID...", "secretAccessKey": "...",
 *                  "sessionToken": "... (optional)", "accountId": "... (optional)",
 *                  "policies": [ { "Version": "2012-10-17", "Statement": [ ... ] } ] } ] }
 *
 * Everything is checked before the server listens; an error names its place
 * (`users[1].policies[0].Statement[2].Effect`) and never echoes a secret.
 */
import { readFileSync } from 'node:fs';
import { PolicyError, PolicySet } from './policy.js';

export const DEFAULT_ACCOUNT_ID = '000000000000';

export interface Identity {
  name: string;
  accountId: string;
  /** arn:aws:iam::<account>:user/<name> */
  arn: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  policies: PolicySet;
}

/** The users of one identities file, by access key id. */
export class Identities {
  private constructor(private readonly byKey: ReadonlyMap<string, Identity>) {}

  get size(): number {
    return this.byKey.size;
  }

  byAccessKeyId(accessKeyId: string): Identity | undefined {
    return this.byKey.get(accessKeyId);
  }

  /** Reads and checks a file; throws IdentitiesError naming the file and the place. */
  static load(path: string): Identities {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new IdentitiesError(path, `cannot read the file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new IdentitiesError(path, `not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
      return Identities.fromJson(parsed);
    } catch (err) {
      if (err instanceof PolicyError) throw new IdentitiesError(path, err.message);
      throw err;
    }
  }

  /** Checks a parsed file's content; throws PolicyError naming the place. */
  static fromJson(doc: unknown): Identities {
    if (!isObject(doc)) throw new PolicyError('(top level)', 'must be a JSON object with "users"');
    for (const key of Object.keys(doc)) {
      if (key !== 'accountId' && key !== 'users') throw new PolicyError(key, 'unknown element (expected accountId, users)');
    }
    const defaultAccount = doc.accountId === undefined ? DEFAULT_ACCOUNT_ID : accountId(doc.accountId, 'accountId');
    if (!Array.isArray(doc.users)) throw new PolicyError('users', 'must be a list of users');
    const byKey = new Map<string, Identity>();
    const names = new Set<string>();
    doc.users.forEach((u: unknown, i) => {
      const at = `users[${i}]`;
      if (!isObject(u)) throw new PolicyError(at, 'a user must be a JSON object');
      for (const key of Object.keys(u)) {
        if (!USER_KEYS.has(key)) throw new PolicyError(`${at}.${key}`, 'unknown element');
      }
      const name = str(u.name, `${at}.name`);
      if (!/^[\w+=,.@-]{1,64}$/.test(name)) throw new PolicyError(`${at}.name`, 'an IAM user name has 1 to 64 letters, digits and +=,.@_-');
      const account = u.accountId === undefined ? defaultAccount : accountId(u.accountId, `${at}.accountId`);
      if (names.has(`${account}/${name}`)) throw new PolicyError(`${at}.name`, `duplicate user name "${name}"`);
      names.add(`${account}/${name}`);
      const accessKeyId = str(u.accessKeyId, `${at}.accessKeyId`);
      if (!/^\w{1,128}$/.test(accessKeyId)) throw new PolicyError(`${at}.accessKeyId`, 'an access key id has 1 to 128 letters and digits');
      if (byKey.has(accessKeyId)) throw new PolicyError(`${at}.accessKeyId`, `duplicate access key id "${accessKeyId}"`);
      const secretAccessKey = str(u.secretAccessKey, `${at}.secretAccessKey`);
      const sessionToken = u.sessionToken === undefined ? undefined : str(u.sessionToken, `${at}.sessionToken`);
      if (!Array.isArray(u.policies)) throw new PolicyError(`${at}.policies`, 'must be a list of IAM policy documents');
      const policies = PolicySet.parse(u.policies, `${at}.policies`);
      byKey.set(accessKeyId, {
        name,
        accountId: account,
        arn: `arn:aws:iam::${account}:user/${name}`,
        accessKeyId,
        secretAccessKey,
        ...(sessionToken !== undefined ? { sessionToken } : {}),
        policies,
      });
    });
    return new Identities(byKey);
  }
}

export class IdentitiesError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`auth file ${path}: ${detail}`);
    this.name = 'IdentitiesError';
  }
}

const USER_KEYS = new Set(['name', 'accessKeyId', 'secretAccessKey', 'sessionToken', 'accountId', 'policies']);

function accountId(v: unknown, where: string): string {
  if (typeof v !== 'string' || !/^[0-9]{12}$/.test(v)) throw new PolicyError(where, 'an account id is 12 digits, as a string');
  return v;
}

function str(v: unknown, where: string): string {
  if (typeof v !== 'string' || v === '') throw new PolicyError(where, 'must be a non-empty string');
  return v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The identities in force, swapped whole on reload (SIGHUP). A bad new file leaves the old one
 * in force; `reload` says why.
 */
export class IdentitiesHolder {
  constructor(
    readonly path: string,
    private current: Identities,
  ) {}

  static open(path: string): IdentitiesHolder {
    return new IdentitiesHolder(path, Identities.load(path));
  }

  get identities(): Identities {
    return this.current;
  }

  reload(): { ok: true; users: number } | { ok: false; error: string } {
    try {
      this.current = Identities.load(this.path);
      return { ok: true, users: this.current.size };
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  }
}
