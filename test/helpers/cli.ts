/** Runs the real `openswf` binary (the compiled dist/src/cli/main.js) as a user would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = resolve(fileURLToPath(import.meta.url), '../../../src/cli/main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Placeholder credentials, so the SDK's credential chain resolves at once from the environment. */
export const CLI_ENV: NodeJS.ProcessEnv = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'not-a-real-secret', NO_COLOR: '1' };

export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...CLI_ENV, ...env } });
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const child = startCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolvePromise, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** Runs the command and parses its stdout as JSON; fails with its output when it did not exit 0. */
export async function cliJson<T>(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<T> {
  const r = await runCli(args, env);
  if (r.code !== 0) throw new Error(`openswf ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout) as T;
}
