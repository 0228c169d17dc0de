/**
 * Random bytes for run ids and task tokens, taken from a pool that one randomFillSync call
 * refills (as node's randomUUID does with its own cache): a randomBytes call per id cost a
 * Buffer and a trip into the CSPRNG each time, several per request. The bytes are the same
 * CSPRNG's; each is handed out once. The returned view is overwritten by later calls, so a
 * caller copies (hex, base64, Buffer.concat) before asking again.
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let used = POOL_BYTES;

export function pooledRandomBytes(n: number): Buffer {
  if (n > POOL_BYTES) return randomFillSync(Buffer.allocUnsafe(n));
  if (used + n > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const bytes = pool.subarray(used, used + n);
  used += n;
  return bytes;
}
