/**
 * The package: `npm pack` from a checkout without dist/ builds first and ships only what runs;
 * the tarball installed in an empty folder serves with `npx openswf serve` and answers a call.
 *
 * The install compiles nothing by default: better-sqlite3's native build (a minute of a
 * loaded machine) is the one `npm ci` already made for this Node, copied in; set
 * OPENSWF_PACK_FULL_INSTALL=1 to let npm run its install scripts instead.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListDomainsCommand, RegisterDomainCommand, SWFClient } from '@aws-sdk/client-swf';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function run(command: string, args: string[], cwd: string): string {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });
  assert.equal(r.status, 0, `${command} ${args.join(' ')} failed:\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

test('npm pack builds first and ships only what runs; the installed package serves', { timeout: 300_000 }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'openswf-pack-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));

  // A checkout as a fresh clone has it: sources, no dist/.
  const checkout = join(work, 'checkout');
  for (const entry of ['src', 'migrations', 'scripts', 'package.json', 'package-lock.json', 'tsconfig.json', 'README.md', 'LICENSE']) {
    cpSync(join(ROOT, entry), join(checkout, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'), 'dir');

  const packed = JSON.parse(run(NPM, ['pack', '--json', '--pack-destination', work], checkout)) as { filename: string; files: { path: string }[] }[];
  const files = packed[0]?.files.map((f) => f.path) ?? [];
  assert.ok(files.includes('dist/src/cli/main.js'), 'the bin was built by prepack');
  assert.ok(files.includes('LICENSE') && files.includes('README.md') && files.includes('package.json'));
  assert.ok(files.includes('migrations/sqlite/001_init.sql') && files.includes('migrations/postgres/001_init.sql'));
  assert.ok(files.includes('dist/console/index.html'), 'the console bundle was built by prepack');
  const stray = files.filter((f) => !/^(dist\/src\/.+\.js|dist\/console\/.+|migrations\/.+\.sql|README\.md|LICENSE|package\.json)$/.test(f));
  assert.deepEqual(stray, [], 'nothing but the compiled server, the console bundle, migrations, README, LICENSE');

  // npm start's pre-step: the build just made is up to date; a newer source makes it due.
  const check = (): number | null => spawnSync(process.execPath, ['scripts/build-if-stale.mjs', '--check'], { cwd: checkout }).status;
  assert.equal(check(), 0, 'no rebuild right after a build');
  const later = new Date(Date.now() + 60_000);
  utimesSync(join(checkout, 'src/faults.ts'), later, later);
  assert.equal(check(), 1, 'a source newer than dist/ asks for a build');

  // Installed into an empty folder, as a user would.
  const app = join(work, 'app');
  cpSync(join(ROOT, 'LICENSE'), join(app, 'LICENSE')); // (any file: makes the folder)
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'pack-test', private: true }));
  const tarball = join(work, packed[0]?.filename ?? '');
  const full = process.env.OPENSWF_PACK_FULL_INSTALL === '1';
  const sqliteVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules/better-sqlite3/package.json'), 'utf8')) as { version: string }).version;
  run(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', ...(full ? [] : ['--ignore-scripts']), tarball, `better-sqlite3@${sqliteVersion}`], app);
  if (!full) cpSync(join(ROOT, 'node_modules/better-sqlite3/build'), join(app, 'node_modules/better-sqlite3/build'), { recursive: true });
  const installed = JSON.parse(readFileSync(join(app, 'node_modules/openswf/package.json'), 'utf8')) as { dependencies: Record<string, string> };
  assert.ok(installed.dependencies['@aws-sdk/client-swf'], 'the CLI\'s SDK is a dependency, not a devDependency');

  const server = spawn(NPX, ['--no', 'openswf', 'serve', '--port', '0', '--in-memory', '--log-format', 'json'], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  server.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  server.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolveExit) => server.once('exit', resolveExit));
  let pid: number | undefined;
  t.after(() => {
    if (pid !== undefined) process.kill(pid, 'SIGKILL');
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    const look = () => {
      const m = /"pid":(\d+),[^\n]*listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1] && m[2]) {
        pid = Number(m[1]);
        resolveUrl(m[2]);
      }
    };
    server.stdout?.on('data', look);
    void exited.then((code) => reject(new Error(`npx openswf serve exited ${code}:\n${out}`)));
  });
  const swf = new SWFClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-real-secret' }, maxAttempts: 1 });
  await swf.send(new RegisterDomainCommand({ name: 'packed', workflowExecutionRetentionPeriodInDays: '1' }));
  const domains = await swf.send(new ListDomainsCommand({ registrationStatus: 'REGISTERED' }));
  assert.deepEqual(domains.domainInfos?.map((d) => d.name), ['packed']);
  swf.destroy();
  // npx runs the server as its child: signal the server itself (the pid its log lines carry).
  assert.ok(pid !== undefined);
  process.kill(pid, 'SIGTERM');
  assert.equal(await exited, 0, out);
  pid = undefined;
  assert.match(out, /"msg":"stopped"/);
});
