/** The long-poll dispatcher after a claim that rolled back while other pollers waited (issue 11). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Dispatcher } from '../../src/dispatch/dispatcher.js';
import type { TaskListKey } from '../../src/store/types.js';

const KEY: TaskListKey = { domain: 'd', kind: 'decision', taskList: 'tl' };

test('a claim that throws (rolled back: its client hung up) wakes the other waiters of the list at once', async () => {
  const dispatcher = new Dispatcher(10);
  // One task, held by the first poller's claim while it runs; the second poller's claim
  // meanwhile finds nothing (as a claim passing over a locked task does) and waits.
  let free = true;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const first = dispatcher.poll(KEY, 10_000, new AbortController().signal, async () => {
    free = false;
    await held;
    free = true;
    throw new Error('client gone: rolled back');
  });
  await sleep(10);
  let claims = 0;
  const second = dispatcher.poll(KEY, 10_000, new AbortController().signal, async () => {
    claims++;
    return free ? 'the task' : undefined;
  });
  await sleep(50);
  assert.equal(claims, 1, 'the second poller looked once, found nothing, and waits');
  const rolledBackAt = Date.now();
  release();
  await assert.rejects(first, /rolled back/);
  assert.equal(await second, 'the task');
  const wait = Date.now() - rolledBackAt;
  assert.ok(wait < 1_000, `the second poller claimed ${wait} ms after the rollback (its re-check is 5 s)`);
});
