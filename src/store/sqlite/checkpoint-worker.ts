/**
 * A worker thread that checkpoints the SQLite WAL into the database file with a connection
 * of its own. SQLite's automatic checkpoint runs inside the committing call, on the server's
 * only thread: it copied the WAL and fsynced for ~100 ms every few seconds, and every request
 * waited (bench/README.md, Timers). A PASSIVE checkpoint from another connection does the
 * same work beside the writer without blocking it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

interface CheckpointWorkerData {
  path: string;
  intervalMs: number;
}

const { path, intervalMs } = workerData as CheckpointWorkerData;
const db = new Database(path);
db.pragma('busy_timeout = 5000');
// A checkpoint copies WAL frames to the database file; it needs no page cache of its own
// (better-sqlite3's default, 16 MiB, grew with the database).
db.pragma('cache_size = -256');

const checkpoint = (): void => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort?.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};

const timer = setInterval(checkpoint, intervalMs);
parentPort?.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort?.close();
});
parentPort?.postMessage({ ready: true });
