/**
 * Resource tags on domains (RegisterDomain's tags, TagResource, UntagResource): at most 50
 * per resource (TooManyTagsFault), one value per key, and keys and values made only of
 * "unicode letters, digits, whitespace, or these symbols: _ . : / = + - @" (API reference,
 * ResourceTag). The model's length limits are checked by the validator before these.
 */
import type { ResourceTag } from '../model/shapes.js';
import { SwfFault } from '../faults.js';

export const MAX_RESOURCE_TAGS = 50;

const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const TAG_PATTERN_TEXT = String.raw`^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`;

/** The characters rule, reported the way the AWS validator reports a pattern. */
function checkText(value: string, path: string): void {
  if (!TAG_TEXT.test(value)) {
    throw new SwfFault(
      'ValidationException',
      `1 validation error detected: Value '${value}' at '${path}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${TAG_PATTERN_TEXT}`,
    );
  }
}

/** Checks the tags of a TagResource or RegisterDomain input (`member` names the list). */
export function checkTagInput(tags: readonly ResourceTag[], member: string): void {
  tags.forEach((tag, i) => {
    checkText(tag.key, `${member}.${i + 1}.member.key`);
    if (tag.value !== undefined) checkText(tag.value, `${member}.${i + 1}.member.value`);
  });
}

/** Checks the keys of an UntagResource input. */
export function checkTagKeys(keys: readonly string[]): void {
  keys.forEach((key, i) => checkText(key, `tagKeys.${i + 1}.member`));
}

/** The tags a resource may hold: at most MAX_RESOURCE_TAGS. */
export function validateResourceTags(tags: readonly ResourceTag[]): void {
  if (tags.length > MAX_RESOURCE_TAGS) {
    throw new SwfFault('TooManyTagsFault', `A resource can have at most ${MAX_RESOURCE_TAGS} tags; this request would leave it with ${tags.length}`);
  }
}

/** Adds or replaces tags by key (a key given twice keeps its last value). */
export function mergeTags(existing: readonly ResourceTag[], added: readonly ResourceTag[]): ResourceTag[] {
  const byKey = new Map(existing.map((t) => [t.key, t] as const));
  for (const tag of added) byKey.set(tag.key, tag);
  return [...byKey.values()];
}
