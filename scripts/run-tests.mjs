#!/usr/bin/env node
// Runs every compiled test file under dist/test with node's test runner.
// Usage: node scripts/run-tests.mjs [unit|integration|compat|store ...]  (default: all)
//        OPENSWF_TEST_BACKENDS=sqlite  (or postgres) to run the integration files on one back end only
//
// Integration and compat files start real servers; they run once per back end, with
// OPENSWF_TEST_BACKEND telling test/helpers/server.ts which (every server on postgres gets a
// fresh database). The files that are about PostgreSQL itself (integration/postgres-*) name
// their database and run in the postgres pass only. Unit and store files run once (the store
// files test both back ends themselves).
//
// Outside CI, the postgres pass is skipped with a message when PostgreSQL cannot be reached;
// under CI=true that is a failure: a CI run must not pass by testing nothing.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import pg from 'pg';

const root = 'dist/test';
const groups = process.argv.slice(2);
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.js')) files.push(path);
  }
}
walk(root);
const selected = groups.length === 0 ? files : files.filter((f) => groups.some((g) => f.startsWith(join(root, g))));
if (selected.length === 0) {
  console.error(`no test files found for ${groups.join(', ') || 'all'}`);
  process.exit(1);
}

const startsServers = (f) => f.startsWith(join(root, 'integration')) || f.startsWith(join(root, 'compat'));
const aboutPostgres = (f) => f.startsWith(join(root, 'integration', 'postgres-'));
const backends = (process.env.OPENSWF_TEST_BACKENDS ?? 'sqlite,postgres').split(',').filter(Boolean);

/** Every pass: a name, its files, the back end its servers use. */
const passes = [];
const once = selected.filter((f) => !startsServers(f));
if (once.length > 0) passes.push({ name: 'unit and store', files: once, backend: 'sqlite' });
for (const backend of backends) {
  const these = selected.filter((f) => startsServers(f) && (backend === 'postgres' || !aboutPostgres(f)));
  if (these.length > 0) passes.push({ name: `integration on ${backend}`, files: these, backend });
}

async function postgresProblem() {
  const url = process.env.OPENSWF_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return `PostgreSQL unreachable at ${new URL(url).host} (${err instanceof Error ? err.message : String(err)})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function run(pass) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=spec', ...pass.files], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OPENSWF_TEST_BACKEND: pass.backend },
    });
    // Passes run side by side: each one's output is printed whole when it ends, so they do not interleave.
    const out = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => out.push(d));
    child.on('close', (code, signal) => {
      process.stdout.write(`\n===== ${pass.name} (${pass.files.length} files) =====\n`);
      process.stdout.write(Buffer.concat(out));
      const status = code ?? 1;
      process.stdout.write(`===== ${pass.name}: ${status === 0 ? 'passed' : `FAILED (${signal ?? code})`} in ${((Date.now() - started) / 1000).toFixed(1)} s =====\n`);
      resolve(status);
    });
  });
}

let failed = false;
if (passes.some((p) => p.backend === 'postgres')) {
  const problem = await postgresProblem();
  if (problem !== undefined) {
    if (process.env.CI === 'true') {
      console.error(`${problem}: required under CI`);
      failed = true;
    } else {
      console.error(`${problem}: skipping the postgres pass (set OPENSWF_TEST_DATABASE_URL to run it)`);
    }
    for (let i = passes.length - 1; i >= 0; i--) if (passes[i].backend === 'postgres' && passes[i].name.startsWith('integration')) passes.splice(i, 1);
  }
}
// The passes are independent (own servers, own data folders and databases): run them together.
const statuses = await Promise.all(passes.map(run));
if (statuses.some((s) => s !== 0)) failed = true;
process.exit(failed ? 1 : 0);
