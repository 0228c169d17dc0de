/**
 * The text of a request body, refused rather than rewritten when it is not valid Unicode:
 * bytes that are not UTF-8 would otherwise become U+FFFD, and a `\ud800` escape that pairs
 * with nothing would be stored as U+FFFD by a UTF-8 database, so that a name listed later no
 * longer finds what was stored under it. AWS JSON services answer such a body with
 * SerializationException.
 */
import { SwfFault } from '../faults.js';

/** A high surrogate with no low one after it, or a low one with no high one before it (code units, no `u` flag). */
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The body as text; SerializationException when it is not UTF-8. */
export function decodeUtf8(body: Buffer): string {
  try {
    return utf8.decode(body);
  } catch {
    throw new SwfFault('SerializationException', 'Request body is not valid UTF-8');
  }
}

/** Throws SerializationException when a string (or member name) of `value` holds an unpaired surrogate. */
export function assertWellFormed(value: unknown): void {
  if (typeof value === 'string') {
    if (UNPAIRED_SURROGATE.test(value)) throw new SwfFault('SerializationException', 'Request body holds a string with an unpaired surrogate');
  } else if (Array.isArray(value)) {
    for (const v of value) assertWellFormed(v);
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      assertWellFormed(k);
      assertWellFormed(v);
    }
  }
}
