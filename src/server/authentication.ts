/**
 * Authentication at the HTTP front: a request's SigV4 signature checked against the identities
 * in force (reloaded on SIGHUP), giving the caller and its policies to the request context.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Caller } from '../api/context.js';
import type { PolicySet } from '../auth/policy.js';
import type { IdentitiesHolder } from '../auth/identities.js';
import { verifySignature } from '../auth/sigv4.js';

export interface Authentication {
  caller: Caller;
  policies: PolicySet;
  /** The credential scope's region. */
  region: string;
}

export type Authenticate = (req: { method: string; url: string; headers: IncomingHttpHeaders; body: Buffer }) => Promise<Authentication>;

/** SigV4 dates are judged on the wall clock, never on a virtual SWF clock. */
export function authenticator(holder: IdentitiesHolder, wallClock: () => number = Date.now): Authenticate {
  return async (req) => {
    const { identity, region } = await verifySignature(req, holder.identities, wallClock());
    return { caller: { name: identity.name, accountId: identity.accountId, arn: identity.arn }, policies: identity.policies, region };
  };
}
