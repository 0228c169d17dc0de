#!/usr/bin/env node
// Builds the web console (src/console) into dist/console: type-checks it with its own
// tsconfig (it needs the DOM library the server must not see), bundles it with esbuild into
// content-hashed assets, and writes index.html naming them. The server serves that folder
// at /console/ (src/server/console-static.ts).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createRequire } from 'node:module';

const out = 'dist/console';
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const check = spawnSync(process.execPath, [tsc, '-p', 'src/console/tsconfig.json'], { stdio: 'inherit' });
if (check.status !== 0) process.exit(check.status ?? 1);

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'assets'), { recursive: true });
const result = await build({
  entryPoints: ['src/console/main.tsx'],
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  format: 'esm',
  platform: 'browser',
  target: ['es2020'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: join(out, 'assets'),
  entryNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});
const outputs = Object.keys(result.metafile.outputs);
const js = outputs.find((f) => f.endsWith('.js'));
const css = outputs.find((f) => f.endsWith('.css'));
if (js === undefined || css === undefined) throw new Error(`esbuild wrote no script or no style sheet: ${outputs.join(', ')}`);
const html = readFileSync('src/console/index.html', 'utf8')
  .replace('%SCRIPT%', `/console/assets/${basename(js)}`)
  .replace('%STYLE%', `/console/assets/${basename(css)}`);
writeFileSync(join(out, 'index.html'), html);
const size = (f) => result.metafile.outputs[f].bytes;
// On stderr: stdout belongs to whoever runs the build (`npm pack --json` parses it).
process.stderr.write(`console: ${basename(js)} ${(size(js) / 1024).toFixed(1)} KiB, ${basename(css)} ${(size(css) / 1024).toFixed(1)} KiB\n`);
