import type { Handler } from './context.js';
import { requireDomain } from './common.js';
import { domainOfArn } from './domain-arn.js';
import { mergeTags, validateResourceTags } from './tags.js';

export const listTagsForResource: Handler<'ListTagsForResource'> = async (input, { store, settings }) => {
  const d = await requireDomain(store, domainOfArn(settings, input.resourceArn));
  return { tags: d.tags };
};

export const tagResource: Handler<'TagResource'> = async (input, { store, settings }) => {
  await store.transaction(async (tx) => {
    const d = await requireDomain(tx, domainOfArn(settings, input.resourceArn));
    const tags = mergeTags(d.tags, input.tags);
    validateResourceTags(tags);
    await tx.putDomain({ ...d, tags });
  });
};

export const untagResource: Handler<'UntagResource'> = async (input, { store, settings }) => {
  await store.transaction(async (tx) => {
    const d = await requireDomain(tx, domainOfArn(settings, input.resourceArn));
    const removed = new Set(input.tagKeys);
    await tx.putDomain({ ...d, tags: d.tags.filter((t) => !removed.has(t.key)) });
  });
};
