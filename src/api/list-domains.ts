import type { Handler } from './context.js';
import { pageByKey } from './common.js';
import { domainInfo } from './describe-domain.js';

export const listDomains: Handler<'ListDomains'> = async (input, { store, settings }, request) => {
  const domains = (await store.listDomains()).filter((d) => d.status === input.registrationStatus);
  const { page, nextPageToken } = pageByKey(domains, (d) => d.name, input);
  return { domainInfos: page.map((d) => domainInfo(settings, request, d)), ...(nextPageToken ? { nextPageToken } : {}) };
};
