/** The token bucket and the throttle configuration, on an injected monotonic clock. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseThrottleConfig, SWF_THROTTLE_RATES, Throttle, TokenBucket } from '../../src/server/throttle.js';
import { SwfFault } from '../../src/faults.js';
import { operations } from '../../src/model/tables.js';

function fakeTime(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

test('a bucket passes a burst of its size, then one call per refill interval', () => {
  const time = fakeTime();
  const bucket = new TokenBucket({ bucketSize: 3, refillPerSecond: 2 }, time.now);
  assert.deepEqual([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()], [true, true, true, false]);
  time.advance(499);
  assert.equal(bucket.tryTake(), false, 'half a token is not a token');
  time.advance(1);
  assert.equal(bucket.tryTake(), true);
  assert.equal(bucket.tryTake(), false);
});

test('an idle bucket fills up to its size, no further', () => {
  const time = fakeTime();
  const bucket = new TokenBucket({ bucketSize: 2, refillPerSecond: 100 }, time.now);
  assert.ok(bucket.tryTake() && bucket.tryTake());
  time.advance(60_000);
  assert.deepEqual([bucket.tryTake(), bucket.tryTake(), bucket.tryTake()], [true, true, false]);
});

test('Throttle answers ThrottlingException for an empty bucket and lets unlisted operations through', () => {
  const time = fakeTime();
  const throttle = new Throttle({ ListDomains: { bucketSize: 1, refillPerSecond: 1 } }, time.now);
  throttle.admit('ListDomains');
  assert.throws(
    () => throttle.admit('ListDomains'),
    (err: unknown) => err instanceof SwfFault && err.code === 'ThrottlingException' && err.message === 'Rate exceeded' && err.httpStatus === 400 &&
      err.type === 'com.amazon.coral.availability#ThrottlingException',
  );
  for (let i = 0; i < 1000; i++) throttle.admit('DescribeDomain');
  time.advance(1000);
  throttle.admit('ListDomains');
});

test("the swf preset covers every operation, with SWF's published rates", () => {
  assert.deepEqual(Object.keys(SWF_THROTTLE_RATES).sort(), Object.keys(operations).sort());
  assert.deepEqual(SWF_THROTTLE_RATES.PollForDecisionTask, { bucketSize: 2000, refillPerSecond: 200 });
  assert.deepEqual(SWF_THROTTLE_RATES.RecordActivityTaskHeartbeat, { bucketSize: 2000, refillPerSecond: 160 });
  assert.deepEqual(SWF_THROTTLE_RATES.SignalWorkflowExecution, { bucketSize: 2000, refillPerSecond: 30 });
  assert.deepEqual(SWF_THROTTLE_RATES.TerminateWorkflowExecution, { bucketSize: 2000, refillPerSecond: 60 });
  assert.deepEqual(SWF_THROTTLE_RATES.ListOpenWorkflowExecutions, { bucketSize: 200, refillPerSecond: 48 });
  assert.deepEqual(SWF_THROTTLE_RATES.TagResource, { bucketSize: 50, refillPerSecond: 30 });
});

test('a configuration file: a preset, operations that replace or lift its buckets', () => {
  const rates = parseThrottleConfig(
    JSON.stringify({ preset: 'swf', operations: { ListDomains: { bucketSize: 5, refillPerSecond: 0.5 }, PollForDecisionTask: null } }),
    undefined,
  );
  assert.deepEqual(rates?.ListDomains, { bucketSize: 5, refillPerSecond: 0.5 });
  assert.equal(rates?.PollForDecisionTask, undefined);
  assert.deepEqual(rates?.StartWorkflowExecution, SWF_THROTTLE_RATES.StartWorkflowExecution);
  // Without a preset, the file's operations go over what --throttle gave.
  const over = parseThrottleConfig(JSON.stringify({ operations: { ListDomains: { bucketSize: 1, refillPerSecond: 1 } } }), { DescribeDomain: { bucketSize: 9, refillPerSecond: 9 } });
  assert.deepEqual(over, { DescribeDomain: { bucketSize: 9, refillPerSecond: 9 }, ListDomains: { bucketSize: 1, refillPerSecond: 1 } });
  assert.equal(parseThrottleConfig(JSON.stringify({ preset: 'off' }), { ...SWF_THROTTLE_RATES }), undefined);
});

test('a configuration file that is wrong is refused with the reason', () => {
  const refused = (text: string, why: RegExp) => assert.throws(() => parseThrottleConfig(text, undefined, 'throttle.json'), (err: Error) => why.test(err.message) && err.message.startsWith('throttle.json: '));
  refused('[]', /must be a JSON object/);
  refused('{"presets": "swf"}', /unknown setting "presets"/);
  refused('{"operations": []}', /"operations" must be an object/);
  refused('{"operations": {"ListDomains": {"bucketSize": 1.5, "refillPerSecond": 1}}}', /"ListDomains" must be/);
  refused('{"operations": {"ListDomains": {"bucketSize": 1, "refillPerSecond": 0}}}', /"ListDomains" must be/);
  refused('{"operations": {"ListDomains": {"bucketSize": 1}}}', /"ListDomains" must be/);
});
