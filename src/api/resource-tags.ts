/** TagResource, UntagResource and ListTagsForResource, on domain ARNs (the only taggable resource of SWF). */
import type { Handler } from './context.js';
import { requireDomain } from './common.js';
import { domainOfArn } from './domain-arn.js';
import { checkTagInput, checkTagKeys, mergeTags, validateResourceTags } from './tags.js';

export const listTagsForResource: Handler<'ListTagsForResource'> = async (input, { store, settings }, request) => {
  const d = await requireDomain(store, domainOfArn(settings, request, input.resourceArn));
  return { tags: d.tags };
};

/** Adds tags, replacing the value of a key already there; the result may hold 50 at most. */
export const tagResource: Handler<'TagResource'> = async (input, { store, settings }, request) => {
  checkTagInput(input.tags, 'tags');
  await store.transaction(async (tx) => {
    const d = await requireDomain(tx, domainOfArn(settings, request, input.resourceArn));
    const tags = mergeTags(d.tags, input.tags);
    validateResourceTags(tags);
    await tx.putDomain({ ...d, tags });
  });
};

/** Removes the tags with these keys; keys the resource lacks are ignored. */
export const untagResource: Handler<'UntagResource'> = async (input, { store, settings }, request) => {
  checkTagKeys(input.tagKeys);
  await store.transaction(async (tx) => {
    const d = await requireDomain(tx, domainOfArn(settings, request, input.resourceArn));
    const removed = new Set(input.tagKeys);
    await tx.putDomain({ ...d, tags: d.tags.filter((t) => !removed.has(t.key)) });
  });
};
