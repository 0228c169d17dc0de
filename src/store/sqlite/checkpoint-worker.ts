/**
 * A worker thread that checkpoints the SQLite WAL into the database file with a connection
 * of its own. SQLite's automatic checkpoint runs inside the committing call, on the server's
 * only thread: it copied the WAL and fsynced for ~100 ms every few seconds, and every request
 * waited (bench/README.md, Timers). A PASSIVE checkpoint from another connection does the
 * same work beside the writer without blocking it.
 *
 * A PASSIVE checkpoint never lets the WAL start over while the writer keeps writing: SQLite
 * rewinds the WAL only at a write transaction that begins when every frame has been copied,
 * and under load the next batch has begun before a checkpoint ends. So when the WAL holds more
 * than `restartFrames` frames, the worker catches up and asks the store for a pause
 * ({ walFrames }); the store lets its open batch commit and become durable, holds new ones, and
 * sends 'catch-up'; the worker copies the few frames written meanwhile and answers
 * ({ caughtUp }), and the store's next batch rewinds the WAL.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

interface CheckpointWorkerData {
  path: string;
  intervalMs: number;
  restartFrames: number;
}

interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

const { path, intervalMs, restartFrames } = workerData as CheckpointWorkerData;
const db = new Database(path);
db.pragma('busy_timeout = 5000');
// A checkpoint copies WAL frames to the database file; it needs no page cache of its own
// (better-sqlite3's default, 16 MiB, grew with the database).
db.pragma('cache_size = -256');

const checkpoint = (): CheckpointResult | undefined => {
  try {
    return (db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[])[0];
  } catch (err) {
    parentPort?.postMessage({ error: err instanceof Error ? err.message : String(err) });
    return undefined;
  }
};

/** When the worker asked for a pause, if it did; a store that gave up waiting is asked again later. */
let pauseAskedAt: number | undefined;
const ASK_AGAIN_MS = 5_000;
const periodic = (): void => {
  const result = checkpoint();
  if (pauseAskedAt !== undefined && Date.now() - pauseAskedAt < ASK_AGAIN_MS) return;
  if (!result || result.log < restartFrames) return;
  checkpoint(); // the bulk of the copying, before the store pauses
  pauseAskedAt = Date.now();
  parentPort?.postMessage({ walFrames: result.log });
};

const timer = setInterval(periodic, intervalMs);
parentPort?.on('message', (message: unknown) => {
  if (message === 'catch-up') {
    const result = checkpoint();
    pauseAskedAt = undefined;
    parentPort?.postMessage({ caughtUp: result ? result.log === result.checkpointed : false });
    return;
  }
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort?.close();
});
parentPort?.postMessage({ ready: true });
