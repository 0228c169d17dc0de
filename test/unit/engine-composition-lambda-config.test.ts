import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLambdaConfig } from '../../src/lambda/config.js';
import { outcomeOf } from '../../src/lambda/invoker.js';

test('the Lambda mapping resolves plain names, and ARNs by the function name inside them', () => {
  const functions = parseLambdaConfig(JSON.stringify({ resize: { url: 'http://127.0.0.1:9000/resize', headers: { 'X-Key': 'k' } } }));
  assert.deepEqual(functions.resolve('resize'), { url: 'http://127.0.0.1:9000/resize', headers: { 'x-key': 'k' } });
  assert.equal(functions.resolve('arn:aws:lambda:eu-west-1:123456789012:function:resize')?.url, 'http://127.0.0.1:9000/resize');
  assert.equal(functions.resolve('arn:aws:lambda:eu-west-1:123456789012:function:resize:PROD')?.url, 'http://127.0.0.1:9000/resize');
  assert.equal(functions.resolve('other'), undefined);
  assert.equal(functions.resolve('arn:aws:lambda:eu-west-1:123456789012:function:other'), undefined);
});

test('a bad Lambda mapping is refused with a message that names the entry', () => {
  const cases: [string, RegExp][] = [
    ['not json', /not JSON/],
    ['[]', /expected an object/],
    ['{"f": "http://x"}', /function "f": expected \{ "url"/],
    ['{"f": {"url": "nope"}}', /function "f": invalid url/],
    ['{"f": {"url": "file:///etc/passwd"}}', /function "f": the url must be http or https/],
    ['{"f": {"url": "http://x", "headers": {"a": 1}}}', /function "f": header "a" must be a string/],
    ['{"f": {"url": "http://x", "timeout": 3}}', /function "f": unknown setting "timeout"/],
  ];
  for (const [text, message] of cases) assert.throws(() => parseLambdaConfig(text, 'cfg'), message, text);
});

test('an endpoint’s answer becomes the task’s outcome', () => {
  assert.deepEqual(outcomeOf(200, 'r'), { ok: true, result: 'r' });
  assert.deepEqual(outcomeOf(204, ''), { ok: true });
  assert.deepEqual(outcomeOf(200, 'x'.repeat(32_769)), { ok: false, reason: 'ResultTooLarge', details: 'the result has 32769 characters; SWF allows 32768' });
  assert.deepEqual(outcomeOf(500, '{"reason":"bad","details":"why"}'), { ok: false, reason: 'bad', details: 'why' });
  assert.deepEqual(outcomeOf(400, '{"error":"x"}'), { ok: false, reason: 'HTTP 400', details: '{"error":"x"}' });
  assert.deepEqual(outcomeOf(502, ''), { ok: false, reason: 'HTTP 502' });
});
