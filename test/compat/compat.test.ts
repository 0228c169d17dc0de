/**
 * Compatibility with boto3 and the AWS CLI v1: python scripts (test/compat/python/) drive the
 * same workflow stories against the real server (the core path: three activities and a timer;
 * signals; cancel requests; activity cancellation through heartbeats; terminate) and check
 * every history event's attributes. Each script exits non-zero on its first failed check.
 * Each job gets its own server on a virtual clock, which the stories move.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestServer } from '../helpers/server.js';
import { serverForTest } from '../helpers/setup.js';

const PYTHON_DIR = resolve(fileURLToPath(import.meta.url), '../../../../test/compat/python');
const STORIES = ['core', 'signal', 'cancel', 'activity-cancel', 'terminate', 'token-faults'];
const SCRIPT_TIMEOUT_MS = 90_000;

interface ScriptResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The scripts see dummy credentials and a region, and none of the caller's AWS settings (no
 * profile, config file or endpoint override) that could send them elsewhere.
 */
function scriptEnv(endpoint: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('AWS_')) env[key] = value;
  const nowhere = join(tmpdir(), 'openswf-compat-no-aws-config');
  return {
    ...env,
    OPENSWF_ENDPOINT: endpoint,
    AWS_ACCESS_KEY_ID: 'compat-dummy-key',
    AWS_SECRET_ACCESS_KEY: 'compat-dummy-secret',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: nowhere,
    AWS_SHARED_CREDENTIALS_FILE: nowhere,
    AWS_EC2_METADATA_DISABLED: 'true',
    PYTHONDONTWRITEBYTECODE: '1',
    ...extra,
  };
}

function runScript(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<ScriptResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('python3', [join(PYTHON_DIR, script), ...args], { cwd: PYTHON_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), SCRIPT_TIMEOUT_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (status) => {
      clearTimeout(timer);
      resolvePromise({ status, stdout, stderr });
    });
  });
}

function assertPassed(result: ScriptResult, stories: string[], driver: string, server: TestServer): void {
  const report = `exit ${result.status}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}\n--- server\n${server.logs()}`;
  assert.equal(result.status, 0, report);
  for (const story of stories) assert.ok(result.stdout.includes(`[${driver}] story ${story}: ok`), report);
  assert.match(result.stdout, /ALL CHECKS PASSED \(\d+ checks\)/, report);
}

describe('boto3 and AWS CLI v1 compatibility', { concurrency: 2 }, () => {
  // The slowest job first: every call here starts the installed `aws` command.
  test('the installed aws command: activity cancellation, respond-activity-task-canceled with options and --cli-input-json', async (t) => {
    const { server } = await serverForTest(t, { clock: 'virtual' });
    const result = await runScript('cli_workflow.py', ['--spawn', 'activity-cancel'], scriptEnv(server.url, {}));
    assertPassed(result, ['activity-cancel'], 'aws-cli', server);
  });

  test('boto3 drives every story', async (t) => {
    const { server } = await serverForTest(t, { clock: 'virtual' });
    const result = await runScript('boto3_workflow.py', [], scriptEnv(server.url, {}));
    assertPassed(result, STORIES, 'boto3', server);
  });

  test('AWS CLI v1 command lines drive every story', async (t) => {
    const { server } = await serverForTest(t, { clock: 'virtual' });
    const result = await runScript('cli_workflow.py', [], scriptEnv(server.url, {}));
    assertPassed(result, STORIES, 'aws-cli', server);
  });

  test('a failed check ends each script with a non-zero status', async (t) => {
    const { server } = await serverForTest(t, { clock: 'virtual' });
    const env = scriptEnv(server.url, { COMPAT_INJECT_FAILURE: '1' });
    for (const script of ['boto3_workflow.py', 'cli_workflow.py']) {
      const result = await runScript(script, [], env);
      const report = `${script}: exit ${result.status}\n${result.stdout}\n${result.stderr}`;
      assert.equal(result.status, 1, report);
      assert.match(result.stderr, /CHECK FAILED after 1 checks: .*inverted on purpose/, report);
      assert.doesNotMatch(result.stdout, /ALL CHECKS PASSED|story \S+: ok/, report);
    }
  });
});
