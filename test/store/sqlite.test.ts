/** The SQLite back end against the store conformance suite, each case on a fresh database file. */
import { after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { runStoreConformance } from './conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'openswf-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

// A real file in WAL mode, as the server uses, rather than ':memory:'.
runStoreConformance('sqlite', async () => new SqliteStore({ path: join(dir, `store-${++files}.sqlite`), synchronous: 'normal' }));
