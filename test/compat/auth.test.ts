/**
 * docs/security.md's sample identities with boto3 and the AWS CLI v1: each user, as an AWS
 * profile, is allowed exactly what its policy says, and each refusal is AWS's exception.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestAuth } from '../helpers/server.js';
import { serverForTest } from '../helpers/setup.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');
const PYTHON_DIR = join(ROOT, 'test/compat/python');
const SAMPLE = JSON.parse(readFileSync(join(ROOT, 'docs/auth-sample.json'), 'utf8')) as TestAuth;

/** A shared credentials file with one profile per sample user, and two bad ones. */
function credentialsFile(dir: string): string {
  const profiles = SAMPLE.users.map((u) => `[${u.name}]\naws_access_key_id = ${u.accessKeyId}\naws_secret_access_key = ${u.secretAccessKey}\n`);
  const first = SAMPLE.users[0];
  assert.ok(first);
  profiles.push(`[wrong-secret]\naws_access_key_id = ${first.accessKeyId}\naws_secret_access_key = not-the-secret\n`);
  profiles.push('[stranger]\naws_access_key_id = AKIDNOBODYEXAMPLE\naws_secret_access_key = whatever\n');
  const file = join(dir, 'credentials');
  writeFileSync(file, profiles.join('\n'));
  return file;
}

function run(kind: string, endpoint: string, credentials: string): Promise<{ status: number | null; out: string }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  Object.assign(env, {
    OPENSWF_ENDPOINT: endpoint,
    AWS_SHARED_CREDENTIALS_FILE: credentials,
    AWS_CONFIG_FILE: join(tmpdir(), 'openswf-compat-no-aws-config'),
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    PYTHONDONTWRITEBYTECODE: '1',
  });
  return new Promise((resolvePromise, reject) => {
    const child = spawn('python3', [join(PYTHON_DIR, 'auth_story.py'), kind], { cwd: PYTHON_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000); // a safety net: every aws command starts a Python (6-9 s each on a loaded machine)
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolvePromise({ status, out });
    });
  });
}

describe('the three-user sample with boto3 and the AWS CLI', () => {
  test('each user allowed exactly its policy, each refusal as AWS answers it', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'openswf-compat-auth-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const credentials = credentialsFile(dir);
    const { server } = await serverForTest(t, { auth: SAMPLE });
    for (const [kind, label] of [['boto3', 'boto3'], ['aws-cli', 'aws-cli'], ['aws-spawn', 'aws-cli']] as const) {
      const result = await run(kind, server.url, credentials);
      const report = `${kind}: exit ${result.status}\n${result.out}\n--- server\n${server.logs()}`;
      assert.equal(result.status, 0, report);
      assert.ok(result.out.includes(`[${label}] auth story: ok`), report);
      assert.match(result.out, /ALL CHECKS PASSED/, report);
    }
  });
});
