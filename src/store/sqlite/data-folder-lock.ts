/**
 * One server per SQLite data folder. Two processes on one file would both run (SQLite allows
 * it) but neither would hear the other's wake-ups or timers, and each would fire deadlines
 * the other already fired: the second is refused at start instead.
 *
 * The lock is an exclusive SQLite lock on a file of its own (`openswf.lock`), held for the
 * life of the store: the operating system drops it when the process ends however it ends
 * (kill -9 included), so no stale lock is ever left to clean up. The holder writes its pid
 * beside it (`openswf.pid`) so the refusal can name it.
 */
import Database from 'better-sqlite3';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DataFolderLock {
  release(): void;
}

export class DataFolderInUse extends Error {
  constructor(readonly folder: string, readonly pid: number | undefined) {
    super(
      `the data folder ${folder} is in use by another openswf server${pid !== undefined ? ` (pid ${pid})` : ''}: ` +
        'stop that server first, or give this one another --data folder (or a shared --database-url)',
    );
  }
}

export function lockDataFolder(folder: string): DataFolderLock {
  const lockFile = join(folder, 'openswf.lock');
  const pidFile = join(folder, 'openswf.pid');
  const db = new Database(lockFile, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // A write takes the exclusive lock, and locking_mode keeps it after the commit.
    db.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS held (pid INTEGER); COMMIT');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw new DataFolderInUse(folder, readPid(pidFile));
    throw err;
  }
  writeFileSync(pidFile, `${process.pid}\n`);
  return {
    release() {
      if (!db.open) return;
      rmSync(pidFile, { force: true });
      db.close();
    },
  };
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
