import type { Handler } from './context.js';
import type { DomainInfo } from '../model/shapes.js';
import type { DomainRecord } from '../store/types.js';
import type { RequestContext, ServerSettings } from './context.js';
import { requireDomain } from './common.js';
import { domainArn } from './domain-arn.js';

export function domainInfo(settings: ServerSettings, request: Pick<RequestContext, 'region' | 'caller'>, d: DomainRecord): DomainInfo {
  return {
    name: d.name,
    status: d.status,
    ...(d.description !== undefined ? { description: d.description } : {}),
    arn: domainArn(settings, request, d.name),
  };
}

export const describeDomain: Handler<'DescribeDomain'> = async (input, { store, settings }, request) => {
  const d = await requireDomain(store, input.name);
  return { domainInfo: domainInfo(settings, request, d), configuration: { workflowExecutionRetentionPeriodInDays: d.retentionDays } };
};
