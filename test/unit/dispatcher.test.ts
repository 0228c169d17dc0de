/**
 * The dispatcher's wake-ups: a commit that adds k tasks to a list wakes k of its waiting
 * pollers (the longest waiting first), all of them when the store gives no count; a woken
 * poller whose claim throws hands the wake-up on; a list the store says is empty costs no
 * claim at all. The claims here are plain functions counting their calls; the store and the
 * real claim transactions are covered by the store and integration suites.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dispatcher } from '../../src/dispatch/dispatcher.js';
import type { TaskListKey } from '../../src/store/types.js';

const key: TaskListKey = { domain: 'd', kind: 'decision', taskList: 'tl' };
const turns = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

/** `n` pollers waiting on `key`; each claim finds nothing until `tasks` holds something. */
async function waitingPollers(d: Dispatcher, n: number, claim: (id: number) => Promise<string | undefined>) {
  const abort = new AbortController();
  const claims: number[] = Array.from({ length: n }, () => 0);
  const polls = Array.from({ length: n }, (_, id) =>
    d.poll(key, 10_000, abort.signal, () => {
      claims[id] = (claims[id] ?? 0) + 1;
      return claim(id);
    }),
  );
  await turns();
  assert.deepEqual(claims, Array.from({ length: n }, () => 1), 'each poller claimed once, then waited');
  return { claims, polls, stop: () => abort.abort() };
}

test('one new task wakes one waiting poller, the longest waiting', async () => {
  const d = new Dispatcher(100);
  const tasks: string[] = [];
  const p = await waitingPollers(d, 4, async () => tasks.shift());
  tasks.push('t1');
  d.notify([{ ...key, tasks: 1 }]);
  await turns();
  assert.deepEqual(p.claims, [2, 1, 1, 1]);
  assert.equal(await p.polls[0], 't1');
  p.stop();
  await Promise.all(p.polls);
});

test('without a count every waiting poller wakes (a back end that does not count)', async () => {
  const d = new Dispatcher(100);
  const p = await waitingPollers(d, 3, async () => undefined);
  d.notify([key]);
  await turns();
  assert.deepEqual(p.claims, [2, 2, 2]);
  p.stop();
  await Promise.all(p.polls);
});

test('a woken poller whose claim throws hands the wake-up on', async () => {
  const d = new Dispatcher(100);
  const calls = [0, 0];
  // Poller 0's second claim (after its wake-up) fails, as when its client hung up.
  const p = await waitingPollers(d, 2, async (id) => {
    calls[id] = (calls[id] ?? 0) + 1;
    if (id === 0 && calls[0] === 2) throw new Error('client gone');
    return undefined;
  });
  d.notify([{ ...key, tasks: 1 }]);
  await assert.rejects(p.polls[0] as Promise<unknown>, /client gone/);
  await turns();
  assert.equal(p.claims[1], 2, 'the other poller was woken in its place');
  p.stop();
  await Promise.all(p.polls.slice(1));
});

test('a poll on a list the store says is empty runs no claim', async () => {
  let claims = 0;
  const d = new Dispatcher(100, () => false);
  const abort = new AbortController();
  const poll = d.poll(key, 10_000, abort.signal, async () => {
    claims++;
    return 'never';
  });
  await turns();
  abort.abort();
  assert.equal(await poll, undefined);
  assert.equal(claims, 0);
});

test('the empty-list check runs only when there is no task at once, once, before the wait, and its fault is the poll’s', async () => {
  const d = new Dispatcher(100);
  let checks = 0;
  const whenEmpty = async () => void checks++;
  // A task at once: no check (the task proves what the check would).
  assert.equal(await d.poll(key, 10_000, new AbortController().signal, async () => 't0', { whenEmpty }), 't0');
  assert.equal(checks, 0);

  // No task: the check runs once, before the poll waits; a wake-up does not run it again.
  const tasks: string[] = [];
  const abort = new AbortController();
  const waiting = d.poll(key, 10_000, abort.signal, async () => tasks.shift(), { whenEmpty });
  await turns();
  assert.equal(checks, 1);
  d.notify([{ ...key, tasks: 1 }]); // woken with nothing to claim: waits again
  await turns();
  tasks.push('t1');
  d.notify([{ ...key, tasks: 1 }]);
  assert.equal(await waiting, 't1');
  assert.equal(checks, 1);

  // A check that throws ends the poll with its error, before any wait.
  const refused = d.poll(key, 10_000, new AbortController().signal, async () => undefined, {
    whenEmpty: async () => {
      throw new Error('Unknown domain: d');
    },
  });
  await assert.rejects(refused, /Unknown domain: d/);
  abort.abort();
});
