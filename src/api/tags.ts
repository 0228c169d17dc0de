/** Resource tags on domains: at most 50 per resource, keys unique. */
import type { ResourceTag } from '../model/shapes.js';
import { SwfFault } from '../faults.js';

export const MAX_RESOURCE_TAGS = 50;

export function validateResourceTags(tags: readonly ResourceTag[]): void {
  if (tags.length > MAX_RESOURCE_TAGS) throw new SwfFault('TooManyTagsFault', `A resource can have at most ${MAX_RESOURCE_TAGS} tags`);
}

/** Adds or replaces tags by key. */
export function mergeTags(existing: readonly ResourceTag[], added: readonly ResourceTag[]): ResourceTag[] {
  const byKey = new Map(existing.map((t) => [t.key, t] as const));
  for (const tag of added) byKey.set(tag.key, tag);
  return [...byKey.values()];
}
