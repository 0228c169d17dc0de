#!/usr/bin/env node
// Runs every compiled test file under dist/test with node's test runner.
// Usage: node scripts/run-tests.mjs [unit|integration|compat|postgres ...]  (default: all)
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

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
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=spec', ...selected], { stdio: 'inherit' });
process.exit(result.status ?? 1);
