/**
 * The JSON logger writes a turn's lines together at the turn's end, and whatever is pending
 * when the process exits is written before it goes: a fatal path's last line is never lost.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

const LOG_MODULE = resolve(fileURLToPath(import.meta.url), '../../../src/log.js');

/** Runs `body` in a fresh node with `createLogger` in scope: its stdout's lines and its exit status. */
function run(body: string): { lines: Record<string, unknown>[]; status: number | null } {
  const script = `import { createLogger } from ${JSON.stringify(LOG_MODULE)};\nconst log = createLogger({ format: 'json' });\n${body}`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  const lines = child.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { lines, status: child.status };
}

test('lines logged just before process.exit are written, in order', () => {
  const { lines, status } = run(`log.info('one'); log.error({ code: 3 }, 'fatal: two'); process.exit(3);`);
  assert.equal(status, 3);
  assert.deepEqual(lines.map((l) => l.msg), ['one', 'fatal: two']);
  assert.equal(lines[1]?.level, 'error');
});

test('a line logged before an uncaught exception is written', () => {
  const { lines, status } = run(`log.warn('before the crash'); throw new Error('boom');`);
  assert.equal(status, 1);
  assert.deepEqual(lines.map((l) => l.msg), ['before the crash']);
});

test("the lines of one turn reach stdout at its end, before the next turn's", () => {
  // stdout is a file here, so the second turn can see how much of the first is written.
  const dir = mkdtempSync(join(tmpdir(), 'openswf-log-'));
  try {
    const file = join(dir, 'out.log');
    const fd = openSync(file, 'w');
    const script = `import { createLogger } from ${JSON.stringify(LOG_MODULE)};
      import { statSync } from 'node:fs';
      const log = createLogger({ format: 'json' });
      for (let i = 0; i < 3; i++) log.info({ i }, 'first turn');
      setTimeout(() => log.info({ written: statSync(${JSON.stringify(file)}).size }, 'second turn'), 5);`;
    spawnSync(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', fd, 'inherit'] });
    closeSync(fd);
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(lines.map((l) => l.msg), ['first turn', 'first turn', 'first turn', 'second turn']);
    const firstTurn = lines.slice(0, 3).reduce((n, l) => n + JSON.stringify(l).length + 1, 0);
    assert.equal(lines[3]?.written, firstTurn);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a redacted field stays redacted; the request line logger is the only one that skips it', () => {
  const { lines } = run(`log.info({ taskToken: 'secret' }, 'x');`);
  assert.equal(lines[0]?.taskToken, '[redacted]');
});
