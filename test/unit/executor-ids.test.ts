/** Run ids and task tokens: unguessable, and safe to pass as AWS CLI option values. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newOpaqueId } from '../../src/executor/executor.js';

test('opaque ids are 24 random bytes in hex: never a leading "-" the AWS CLI would take for an option', () => {
  const ids = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const id = newOpaqueId();
    assert.match(id, /^[0-9a-f]{48}$/);
    ids.add(id);
  }
  assert.equal(ids.size, 2000);
});
