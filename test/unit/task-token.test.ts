/** Task tokens: they name their task, fit SWF's 1024 characters, and nothing else decodes as one. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTaskToken, encodeTaskToken } from '../../src/executor/task-token.js';
import type { TaskTokenClaims } from '../../src/engine/index.js';

const CLAIMS: TaskTokenClaims = { kind: 'activity', domain: 'orders', workflowId: 'order-7', runId: 'a'.repeat(48), scheduledEventId: 5 };

test('a token says which task it names, and two tokens for the same task differ', () => {
  const token = encodeTaskToken(CLAIMS);
  assert.deepEqual(decodeTaskToken(token), CLAIMS);
  assert.notEqual(encodeTaskToken(CLAIMS), token);
  assert.deepEqual(decodeTaskToken(encodeTaskToken({ ...CLAIMS, kind: 'decision', scheduledEventId: 2 })), { ...CLAIMS, kind: 'decision', scheduledEventId: 2 });
});

test('tokens never start with "-" (the AWS CLI would read an option) and fit 1024 characters', () => {
  for (let i = 0; i < 200; i++) assert.match(encodeTaskToken(CLAIMS), /^V[A-Za-z0-9+/]+={0,2}$/);
  const longest = { ...CLAIMS, domain: 'd'.repeat(256), workflowId: 'w'.repeat(256) };
  const token = encodeTaskToken(longest);
  assert.ok(token.length <= 1024, `${token.length} characters`);
  assert.deepEqual(decodeTaskToken(token), longest);
});

test('names too long to fit in UTF-8 are left out, the workflowId first', () => {
  const wide = { ...CLAIMS, domain: 'д'.repeat(200), workflowId: 'ж'.repeat(256) };
  const token = encodeTaskToken(wide);
  assert.ok(token.length <= 1024);
  assert.deepEqual(decodeTaskToken(token), { kind: 'activity', domain: wide.domain, runId: wide.runId, scheduledEventId: 5 });
  const widest = { ...wide, domain: '𝒟'.repeat(256) };
  assert.deepEqual(decodeTaskToken(encodeTaskToken(widest)), { kind: 'activity', runId: wide.runId, scheduledEventId: 5 });
});

test('strings OpenSWF did not issue do not decode', () => {
  const token = encodeTaskToken(CLAIMS);
  const bytes = Buffer.from(token, 'base64');
  const variant = (change: (b: Buffer) => Buffer) => change(Buffer.from(bytes)).toString('base64');
  for (const bad of [
    '',
    'no-such-token',
    'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    `${token}=`, // not canonical
    token.slice(0, -4), // cut short
    variant((b) => Buffer.concat([b, Buffer.from([0])])), // a byte too many
    variant((b) => (b.writeUInt8(2, 1), b)), // another version
    variant((b) => (b.writeUInt8(7, 2), b)), // no such kind
    variant((b) => (b.writeUInt32BE(0, 3), b)), // event ids start at 1
    variant((b) => (b.writeUInt8(0xff, b.length - 1), b)), // not UTF-8
    'A'.repeat(1028),
  ]) {
    assert.equal(decodeTaskToken(bad), undefined, bad);
  }
});
