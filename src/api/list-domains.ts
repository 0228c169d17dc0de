import type { Handler } from './context.js';
import { pageByKey } from './common.js';
import { domainInfo } from './describe-domain.js';
import { arnScope } from './domain-arn.js';

export const listDomains: Handler<'ListDomains'> = async (input, { store, settings }, ctx) => {
  const domains = (await store.listDomains()).filter((d) => d.status === input.registrationStatus);
  const { page, nextPageToken } = pageByKey(domains, (d) => d.name, input);
  return { domainInfos: page.map((d) => domainInfo(arnScope(settings, ctx), d)), ...(nextPageToken ? { nextPageToken } : {}) };
};
