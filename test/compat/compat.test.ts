/**
 * Compatibility with boto3, the AWS CLI v1 and boto 2: python scripts (test/compat/python/)
 * drive the same workflow stories against the real server (the core path: three activities and
 * a timer; signals; cancel requests; activity cancellation through heartbeats; terminate; task
 * token faults) and check every history event's attributes. boto 2 then runs stories of its own
 * through its layer1 methods and layer2 Decider/ActivityWorker classes, boto 2's SWF tutorial
 * decider among them. Each script exits non-zero on its first failed check. Each job gets its
 * own server on a virtual clock, which the stories move.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestServer } from '../helpers/server.js';
import { serverForTest } from '../helpers/setup.js';

const PYTHON_DIR = resolve(fileURLToPath(import.meta.url), '../../../../test/compat/python');
const STORIES = ['core', 'signal', 'cancel', 'activity-cancel', 'terminate', 'token-faults'];
const BOTO2_STORIES = ['tutorial', 'workflow', 'visibility'];
/**
 * boto 2 is Debian's python3-boto, for Debian's own python3 (boto3 lives in another python, the
 * one `python3` finds first). .ci/run installs it when it is missing.
 */
const DEBIAN_PYTHON = '/usr/bin/python3';
const SCRIPT_TIMEOUT_MS = 240_000;

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

/** Whether Debian's python3 imports boto 2's SWF classes; what went wrong when it does not. */
function boto2Missing(): string | undefined {
  const probe = spawnSync(DEBIAN_PYTHON, ['-c', 'import boto.swf.layer1, boto.swf.layer2'], { encoding: 'utf8' });
  if (probe.error) return `${DEBIAN_PYTHON}: ${probe.error.message}`;
  return probe.status === 0 ? undefined : `${DEBIAN_PYTHON} cannot import boto 2 (apt-get install python3-boto): ${probe.stderr.trim()}`;
}

function runScript(script: string, args: string[], env: NodeJS.ProcessEnv, python = 'python3'): Promise<ScriptResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(python, [join(PYTHON_DIR, script), ...args], { cwd: PYTHON_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
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

describe('python clients: boto3, AWS CLI v1, boto 2', { concurrency: 2 }, () => {
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

  // Under CI a client that cannot be installed fails the suite; elsewhere the test says why it skipped.
  const boto2 = boto2Missing();
  const boto2Skip = boto2 !== undefined && process.env.CI !== 'true' ? boto2 : false;

  test('boto 2 (layer1 and layer2) drives every story, its own workflow and its tutorial decider', { skip: boto2Skip }, async (t) => {
    assert.equal(boto2, undefined, boto2);
    const { server } = await serverForTest(t, { clock: 'virtual' });
    const result = await runScript('boto2_workflow.py', [], scriptEnv(server.url, {}), DEBIAN_PYTHON);
    assertPassed(result, [...STORIES, ...BOTO2_STORIES], 'boto2', server);
  });

  test('a failed check ends each script with a non-zero status', async (t) => {
    const { server } = await serverForTest(t, { clock: 'virtual' });
    const env = scriptEnv(server.url, { COMPAT_INJECT_FAILURE: '1' });
    const scripts: [string, string][] = [['boto3_workflow.py', 'python3'], ['cli_workflow.py', 'python3']];
    if (boto2 === undefined) scripts.push(['boto2_workflow.py', DEBIAN_PYTHON]);
    for (const [script, python] of scripts) {
      const result = await runScript(script, [], env, python);
      const report = `${script}: exit ${result.status}\n${result.stdout}\n${result.stderr}`;
      assert.equal(result.status, 1, report);
      assert.match(result.stderr, /CHECK FAILED after 1 checks: .*inverted on purpose/, report);
      assert.doesNotMatch(result.stdout, /ALL CHECKS PASSED|story \S+: ok/, report);
    }
  });
});
