import type { Handler } from './context.js';
import type { DomainInfo } from '../model/shapes.js';
import type { DomainRecord } from '../store/types.js';
import type { ServerSettings } from './context.js';
import { requireDomain } from './common.js';
import { arnScope, domainArn } from './domain-arn.js';

export function domainInfo(settings: ServerSettings, d: DomainRecord): DomainInfo {
  return {
    name: d.name,
    status: d.status,
    ...(d.description !== undefined ? { description: d.description } : {}),
    arn: domainArn(settings, d.name),
  };
}

export const describeDomain: Handler<'DescribeDomain'> = async (input, { store, settings }, ctx) => {
  const d = await requireDomain(store, input.name);
  return { domainInfo: domainInfo(arnScope(settings, ctx), d), configuration: { workflowExecutionRetentionPeriodInDays: d.retentionDays } };
};
