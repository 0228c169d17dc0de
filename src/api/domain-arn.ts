/** Domain ARNs: arn:aws:swf:<region>:<account>:/domain/<name>, as SWF shows them. */
import type { RequestContext, ServerSettings } from './context.js';
import { SwfFault } from '../faults.js';

export const domainArn = (settings: ServerSettings, name: string): string =>
  `arn:aws:swf:${settings.region}:${settings.accountId}:/domain/${name}`;

/** The domain name an ARN of ours names; anything else is an unknown resource. */
export function domainOfArn(settings: ServerSettings, arn: string): string {
  const prefix = `arn:aws:swf:${settings.region}:${settings.accountId}:/domain/`;
  if (!arn.startsWith(prefix) || arn.length === prefix.length) throw new SwfFault('UnknownResourceFault', `Unknown resource: ${arn}`);
  return arn.slice(prefix.length);
}

/**
 * The region and account a request's ARNs name: the region it was signed for and, with
 * authentication on, the caller's account (as SWF shows each caller its own account's ARNs).
 */
export function arnScope(settings: ServerSettings, ctx: Pick<RequestContext, 'region' | 'caller'>): ServerSettings {
  // Without authentication the configured region and account stay (as before this scope existed).
  if (ctx.caller === undefined) return settings;
  return { ...settings, region: ctx.region ?? settings.region, accountId: ctx.caller.accountId };
}
