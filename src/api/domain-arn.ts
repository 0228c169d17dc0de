/**
 * Domain ARNs: arn:aws:swf:<region>:<account>:/domain/<name>, as SWF shows them. The region is
 * the one the request was signed for (its SigV4 credential scope), as a regional endpoint of
 * SWF would answer; a request that carries none gets the server's `--region`.
 */
import type { RequestContext, ServerSettings } from './context.js';
import { SwfFault } from '../faults.js';

const prefix = (settings: ServerSettings, request: Pick<RequestContext, 'region'>): string =>
  `arn:aws:swf:${request.region ?? settings.region}:${settings.accountId}:/domain/`;

export const domainArn = (settings: ServerSettings, request: Pick<RequestContext, 'region'>, name: string): string => `${prefix(settings, request)}${name}`;

/** The domain name an ARN of this account and the request's region names; anything else is an unknown resource. */
export function domainOfArn(settings: ServerSettings, request: Pick<RequestContext, 'region'>, arn: string): string {
  const ours = prefix(settings, request);
  if (!arn.startsWith(ours) || arn.length === ours.length) throw new SwfFault('UnknownResourceFault', `Unknown resource: ${arn}`);
  return arn.slice(ours.length);
}
