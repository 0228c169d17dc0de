import type { Handler } from './context.js';
import { SwfFault } from '../faults.js';
import { checkTagInput, mergeTags, validateResourceTags } from './tags.js';

export const registerDomain: Handler<'RegisterDomain'> = async (input, { store, clock, settings }) => {
  // The validator already holds retention to NONE or 0..90 days.
  const retention = input.workflowExecutionRetentionPeriodInDays;
  checkTagInput(input.tags ?? [], 'tags');
  const tags = mergeTags([], input.tags ?? []);
  validateResourceTags(tags);
  await store.transaction(async (tx) => {
    // Answered before the quota, as SWF does; the insert below still decides a race.
    if (await tx.getDomain(input.name)) throw new SwfFault('DomainAlreadyExistsFault', input.name);
    // So that the count below holds until commit on every node.
    await tx.lockDomainRegistrations();
    if ((await tx.listDomains()).length >= settings.limits.maxDomains) {
      throw new SwfFault('LimitExceededFault', `The number of domains reached the limit of ${settings.limits.maxDomains}`);
    }
    // The insert itself refuses a name already taken (AlreadyExists → DomainAlreadyExistsFault),
    // so two concurrent registrations, on any nodes, cannot both succeed.
    await tx.insertDomain({
      name: input.name,
      status: 'REGISTERED',
      ...(input.description !== undefined ? { description: input.description } : {}),
      retentionDays: retention,
      createdAt: clock.now(),
      tags,
    });
  });
};
