/**
 * The server's memory under long runs: V8's young generation (where every request's short-lived
 * objects are allocated) starts at 1 MiB per semi-space and doubles, up to 16 MiB each, whenever
 * a scavenge finds many survivors, which a busy server does within seconds. Both semi-spaces
 * stay resident: that growth was much of what made the server's peak RSS at 10,000 workflows
 * 1.3-1.5 times that at 200 (bench/README.md, "C=64 latency and memory").
 *
 * `node --max-semi-space-size` would bound it, but only as a flag of the node command line,
 * which users start as they please (the `openswf` bin, `npm start`, a service file, a test
 * harness). V8 reads that limit once, when the heap is created; it reads the growth factor
 * each time it grows the space. So the first thing the program does, before it loads the rest
 * of itself, is set the growth factor to 1: the young generation keeps its initial size.
 * The cost is more frequent scavenges; at C=64, side by side with main's build, throughput
 * was not lower (bench/README.md: the machine was loaded, so no finer figure).
 *
 * A worker thread undoes it: while a new Worker starts up, node applies V8's flags again for
 * the new isolate, and the growth factor is back at its default (2) for the whole process. The
 * SQLite store starts one (the checkpoint worker), so under load the young generation grew to
 * 16 MiB per semi-space anyway (bench/README.md, "The young generation's bound, kept"). The
 * bound is therefore set again as soon as each worker is online; what the main thread
 * allocates during those few milliseconds of start-up can grow it a step or two at most.
 *
 * A node command line that names a semi-space flag itself (in its arguments or NODE_OPTIONS)
 * is left alone: whoever wrote it chose.
 */
import type { Worker } from 'node:worker_threads';
import { setFlagsFromString } from 'node:v8';

export const YOUNG_GENERATION_FLAG = '--semi-space-growth-factor=1';

/** True when the young generation was bounded here. */
export function boundYoungGeneration(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  const chosen = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((a) => /^--((max|min)[-_])?semi[-_]space[-_]/.test(a));
  if (chosen) return false;
  setFlagsFromString(YOUNG_GENERATION_FLAG);
  process.on('worker', (worker: Worker) => worker.once('online', () => setFlagsFromString(YOUNG_GENERATION_FLAG)));
  return true;
}
