/**
 * The `openswf` binary bounds V8's young generation before it loads the rest of itself
 * (src/cli/young-generation.ts). Measured on a child process that allocates like a busy server:
 * many short-lived objects, some surviving each scavenge. Without the bound V8 doubles the
 * space up to its maximum; with it the space keeps its first size.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { boundYoungGeneration } from '../../src/cli/young-generation.js';

const MODULE = fileURLToPath(new URL('../../src/cli/young-generation.js', import.meta.url));

/** The young generation's size (MiB) after a burst of allocation, in a fresh node process. */
function youngGenerationAfterBurst(bound: boolean, nodeArgs: string[] = [], startWorker = false): number {
  // With startWorker, a worker thread starts (as the SQLite store's checkpoint worker does) and
  // the burst runs once it is online.
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { Worker } from 'node:worker_threads';
    import { boundYoungGeneration } from ${JSON.stringify(MODULE)};
    if (${bound}) boundYoungGeneration(process.execArgv, process.env.NODE_OPTIONS);
    let worker;
    if (${startWorker}) {
      worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
      await new Promise((online) => worker.once('online', online));
    }
    let keep = [];
    for (let i = 0; i < 3e6; i++) { keep.push({ a: i, b: 'x' + i }); if (keep.length > 20000) keep = []; }
    const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    process.stdout.write(String(space.space_size / 1048576));
    await worker?.terminate();`;
  return Number(execFileSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } }));
}

test('the young generation keeps its first size once bounded, and grows without the bound', () => {
  const unbounded = youngGenerationAfterBurst(false);
  const bounded = youngGenerationAfterBurst(true);
  assert.ok(unbounded > 4, `the burst should grow an unbounded young generation (${unbounded} MiB)`);
  assert.ok(bounded <= 2, `bounded: ${bounded} MiB`);
});

test('the bound holds after a worker thread starts, which sets the V8 flags again', () => {
  const bounded = youngGenerationAfterBurst(true, [], true);
  assert.ok(bounded <= 2, `bounded, with a worker thread: ${bounded} MiB`);
});

test('a node command line that names a semi-space size itself is left alone', () => {
  assert.equal(boundYoungGeneration(['--max-semi-space-size=64'], undefined), false);
  assert.equal(boundYoungGeneration([], '--inspect --max_semi_space_size=64'), false);
  assert.equal(boundYoungGeneration([], '--min-semi-space-size=8'), false);
  const chosen = youngGenerationAfterBurst(true, ['--max-semi-space-size=4']);
  assert.ok(chosen > 2 && chosen <= 8, `the command line's 4 MiB semi-spaces: ${chosen} MiB`);
});
