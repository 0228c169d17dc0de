/**
 * Domain ARNs: arn:aws:swf:<region>:<account>:/domain/<name>, as SWF shows them. The region is
 * the one the request was signed for (its SigV4 credential scope), as a regional endpoint of
 * SWF would answer; a request that carries none gets the server's `--region`. The account is
 * the authenticated caller's (auth on), else the server's `--account-id`.
 */
import type { RequestContext, ServerSettings } from './context.js';
import { SwfFault } from '../faults.js';

type ArnScope = Pick<RequestContext, 'region' | 'caller'>;

const prefix = (settings: ServerSettings, request: ArnScope): string =>
  `arn:aws:swf:${request.region ?? settings.region}:${request.caller?.accountId ?? settings.accountId}:/domain/`;

export const domainArn = (settings: ServerSettings, request: ArnScope, name: string): string => `${prefix(settings, request)}${name}`;

/** The domain name an ARN of this account and the request's region names; anything else is an unknown resource. */
export function domainOfArn(settings: ServerSettings, request: ArnScope, arn: string): string {
  const ours = prefix(settings, request);
  if (!arn.startsWith(ours) || arn.length === ours.length) throw new SwfFault('UnknownResourceFault', `Unknown resource: ${arn}`);
  return arn.slice(ours.length);
}
