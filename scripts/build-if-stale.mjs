#!/usr/bin/env node
// `npm start` runs this first: it rebuilds (npm run build) only when a source file is newer
// than what dist/ holds, so an unchanged checkout starts at once instead of compiling again.
// Sources: src/, test/, bench/ (tsc builds them together), tsconfig.json, package.json.
// With --check it only tells: exit 0 when dist/ is up to date, 1 when a build is due.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const newest = (path) => {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const name of readdirSync(path)) latest = Math.max(latest, newest(join(path, name)));
  return latest;
};

// tsc rewrites every output on each build, so the entry point's time is the build's time.
const built = existsSync('dist/src/cli/main.js') ? statSync('dist/src/cli/main.js').mtimeMs : 0;
const sources = Math.max(...['src', 'test', 'bench', 'tsconfig.json', 'package.json'].map(newest));
if (built !== 0 && sources <= built) process.exit(0);
if (process.argv.includes('--check')) process.exit(1);
console.error(built === 0 ? 'openswf: no build yet; building' : 'openswf: sources changed since the last build; rebuilding');
const result = spawnSync('npm', ['run', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(result.status ?? 1);
