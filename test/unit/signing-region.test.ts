/** The region of a request's SigV4 scope: only names shaped like AWS regions count. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signingRegion } from '../../src/server/signing-region.js';

const scope = (region: string) => `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/${region}/swf/aws4_request, SignedHeaders=host, Signature=0f`;

test('the region of the credential scope', () => {
  for (const region of ['us-east-1', 'eu-west-2', 'us-gov-west-1', 'cn-north-1', 'ap-southeast-4', 'us-isob-east-1']) {
    assert.equal(signingRegion(scope(region)), region);
  }
});

test('no region when unsigned, or when the scope names none (boto 2 signs for "0" at 127.0.0.1)', () => {
  assert.equal(signingRegion(undefined), undefined);
  assert.equal(signingRegion('AWS AKIDEXAMPLE:c2ln'), undefined);
  for (const region of ['0', 'localhost', 'local', '127']) assert.equal(signingRegion(scope(region)), undefined);
});
