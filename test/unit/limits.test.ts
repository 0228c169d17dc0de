/** The `--limit name=value` settings and SWF's defaults. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLimitSettings, SWF_LIMITS } from '../../src/engine/limits.js';

test("the defaults are SWF's published quotas", () => {
  assert.deepEqual(SWF_LIMITS, {
    maxEventsPerHistory: 25_000,
    maxOpenActivities: 1_000,
    maxOpenTimers: 1_000,
    maxOpenChildren: 1_000,
    maxOpenLambdas: 50,
    maxOpenExecutionsPerDomain: 100_000,
    maxDomains: 100,
    maxTypesPerDomain: 10_000,
    maxPollersPerTaskList: 1_000,
    maxVisibilityCount: 100_000,
  });
});

test('settings override limits by name; the last of a name wins', () => {
  assert.deepEqual(parseLimitSettings([]), {});
  assert.deepEqual(parseLimitSettings(['maxOpenTimers=3', ' maxDomains = 7 ', 'maxOpenTimers=4']), { maxOpenTimers: 4, maxDomains: 7 });
});

test('a setting that is not a known limit with a whole value of at least 1 is refused', () => {
  for (const [setting, message] of [
    ['maxWidgets=3', /unknown limit "maxWidgets" in --limit maxWidgets=3; known limits: maxEventsPerHistory, /],
    ['maxOpenTimers', /the value must be a whole number of at least 1/],
    ['maxOpenTimers=', /the value must be a whole number of at least 1/],
    ['maxOpenTimers=0', /the value must be a whole number of at least 1/],
    ['maxOpenTimers=-1', /the value must be a whole number of at least 1/],
    ['maxOpenTimers=2.5', /the value must be a whole number of at least 1/],
    ['maxOpenTimers=1e3', /the value must be a whole number of at least 1/],
    ['toString=1', /unknown limit "toString"/],
  ] as const) {
    assert.throws(() => parseLimitSettings([setting]), message, setting);
  }
});
