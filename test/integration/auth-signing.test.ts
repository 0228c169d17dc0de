/**
 * Authentication (`--auth FILE`): signed requests pass; each failure is answered with the
 * exception AWS's JSON services use and changes nothing; the admin endpoints need a signed
 * request from a user allowed openswf:Admin; the identities file is checked at start and
 * reloaded on SIGHUP.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DescribeDomainCommand, ListDomainsCommand, RegisterDomainCommand, SWFClient } from '@aws-sdk/client-swf';
import { createHash } from 'node:crypto';
import { serverForFile, serverForTest, expectStartFailure } from '../helpers/setup.js';
import { expectFault, uniqueName } from '../helpers/swf.js';
import { signedFetch } from '../../src/auth/signed-fetch.js';
import { ACCOUNT, ADMIN, logLine, rawCall, user } from './auth-support.js';

const READER = user('reader', [{ Effect: 'Allow', Action: ['swf:Describe*', 'swf:List*'], Resource: '*' }]);
const TEMP = user('temp', [{ Effect: 'Allow', Action: 'swf:*', Resource: '*' }], { sessionToken: 'session-token-EXAMPLE' });
const { server, swf: admin } = await serverForFile({ clock: 'virtual', auth: { accountId: ACCOUNT, users: [ADMIN, READER, TEMP] } });
const url = server.url;
const creds = (u: typeof ADMIN) => ({ accessKeyId: u.accessKeyId, secretAccessKey: u.secretAccessKey, ...(u.sessionToken ? { sessionToken: u.sessionToken } : {}) });
const sdk = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, extra: Record<string, unknown> = {}) =>
  new SWFClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1, ...extra });

/** Registered domains, as the admin sees them: the proof that a refused call changed nothing. */
async function domains(): Promise<string[]> {
  const out = await admin.send(new ListDomainsCommand({ registrationStatus: 'REGISTERED' }));
  return (out.domainInfos ?? []).map((d) => d.name ?? '');
}

const register = (name: string) => ({ name, workflowExecutionRetentionPeriodInDays: '1' });

test('the startup line says authentication is on; signed requests of a listed key are served', async () => {
  assert.match(server.logs(), /auth: on, 3 users from /);
  const name = uniqueName('signed');
  await admin.send(new RegisterDomainCommand(register(name)));
  const d = await server.client('reader').send(new DescribeDomainCommand({ name }));
  assert.equal(d.domainInfo?.name, name);
  // With auth on, ARNs name the signed region and the caller's account.
  const eu = await server.client('reader', 'eu-west-1').send(new DescribeDomainCommand({ name }));
  assert.equal(eu.domainInfo?.arn, `arn:aws:swf:eu-west-1:${ACCOUNT}:/domain/${name}`);
});

test("only the headers the client listed in SignedHeaders count (a browser cannot sign them all)", async () => {
  const name = uniqueName('browser');
  const answer = await rawCall(url, 'RegisterDomain', register(name), {
    credentials: creds(ADMIN),
    unsigned: ['content-type', 'x-amz-content-sha256'],
    tamper: (r) => {
      assert.match(r.headers.authorization ?? '', /SignedHeaders=host;x-amz-date;x-amz-target,/);
      r.headers['x-amz-user-agent'] = 'a browser adds this after signing';
    },
  });
  assert.equal(answer.status, 200, JSON.stringify(answer.json));
  // A header that was signed cannot change.
  const changed = await rawCall(url, 'DescribeDomain', { name }, { credentials: creds(ADMIN), tamper: (r) => (r.headers['x-amz-target'] = 'SimpleWorkflowService.DeprecateDomain') });
  assert.equal(changed.json.__type, 'com.amazon.coral.service#InvalidSignatureException');
});

test('no Authorization header: MissingAuthenticationTokenException, nothing stored', async () => {
  const name = uniqueName('unsigned');
  const answer = await rawCall(url, 'RegisterDomain', register(name));
  assert.equal(answer.status, 400);
  assert.deepEqual(answer.json, { __type: 'com.amazon.coral.service#MissingAuthenticationTokenException', message: 'Request is missing Authentication Token' });
  assert.ok(!(await domains()).includes(name));
});

test('a malformed Authorization header or credential scope: IncompleteSignatureException', async () => {
  const name = uniqueName('malformed');
  const garbled = await rawCall(url, 'RegisterDomain', register(name), {
    credentials: creds(ADMIN),
    tamper: (r) => (r.headers.authorization = (r.headers.authorization ?? '').replace(/SignedHeaders=[^,]*, /, '')),
  });
  assert.equal(garbled.status, 400);
  assert.equal(garbled.json.__type, 'com.amazon.coral.service#IncompleteSignatureException');
  assert.match(garbled.json.message ?? '', /^Authorization header requires 'SignedHeaders' parameter\./);
  const scope = await rawCall(url, 'RegisterDomain', register(name), {
    credentials: creds(ADMIN),
    tamper: (r) => (r.headers.authorization = (r.headers.authorization ?? '').replace(/Credential=[^,]*/, `Credential=${ADMIN.accessKeyId}/20250101/us-east-1`)),
  });
  assert.equal(scope.json.__type, 'com.amazon.coral.service#IncompleteSignatureException');
  const noDate = await rawCall(url, 'RegisterDomain', register(name), { credentials: creds(ADMIN), tamper: (r) => delete r.headers['x-amz-date'] });
  assert.equal(noDate.json.__type, 'com.amazon.coral.service#IncompleteSignatureException');
  assert.match(noDate.json.message ?? '', /requires existence of either a 'X-Amz-Date' or a 'Date' header/);
  assert.ok(!(await domains()).includes(name));
});

test('a scope for another service: InvalidSignatureException, scoped to correct service', async () => {
  const name = uniqueName('dynamo');
  const answer = await rawCall(url, 'RegisterDomain', register(name), { credentials: creds(ADMIN), service: 'dynamodb' });
  assert.equal(answer.status, 400);
  assert.deepEqual(answer.json, { __type: 'com.amazon.coral.service#InvalidSignatureException', message: "Credential should be scoped to correct service: 'swf'. " });
  assert.ok(!(await domains()).includes(name));
});

test('an unknown access key id: UnrecognizedClientException', async () => {
  const name = uniqueName('stranger');
  await expectFault(sdk({ accessKeyId: 'AKIDNOBODY', secretAccessKey: 'x' }).send(new RegisterDomainCommand(register(name))), 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  assert.ok(!(await domains()).includes(name));
});

test('a wrong secret: InvalidSignatureException', async () => {
  const name = uniqueName('wrong');
  await expectFault(
    sdk({ accessKeyId: ADMIN.accessKeyId, secretAccessKey: 'not-the-secret' }).send(new RegisterDomainCommand(register(name))),
    'InvalidSignatureException',
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  );
  assert.ok(!(await domains()).includes(name));
});

test('a body changed after signing: InvalidSignatureException, even with the old body hash declared', async () => {
  const signedName = uniqueName('signed-body');
  const sentName = uniqueName('tampered-body');
  for (const declareHash of [false, true]) {
    const answer = await rawCall(url, 'RegisterDomain', register(signedName), {
      credentials: creds(ADMIN),
      tamper: (r) => {
        if (declareHash) {
          r.headers['x-amz-content-sha256'] = createHash('sha256').update(r.body).digest('hex');
        }
        r.body = JSON.stringify(register(sentName));
      },
    });
    assert.equal(answer.status, 400);
    assert.equal(answer.json.__type, 'com.amazon.coral.service#InvalidSignatureException');
  }
  const names = await domains();
  assert.ok(!names.includes(signedName) && !names.includes(sentName));
  // The same request untouched is served.
  const ok = await rawCall(url, 'RegisterDomain', register(signedName), { credentials: creds(ADMIN) });
  assert.equal(ok.status, 200, JSON.stringify(ok.json));
});

test('a request dated more than 5 minutes away: InvalidSignatureException, Signature expired', async () => {
  const name = uniqueName('stale');
  const err = sdk(creds(ADMIN), { systemClockOffset: -10 * 60 * 1000 }).send(new RegisterDomainCommand(register(name)));
  await expectFault(err, 'InvalidSignatureException', /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);
  const future = rawCall(url, 'RegisterDomain', register(name), { credentials: creds(ADMIN), signingDate: new Date(Date.now() + 10 * 60 * 1000) });
  assert.match((await future).json.message ?? '', /^Signature not yet current: /);
  assert.ok(!(await domains()).includes(name));
  // Within the window is fine.
  await sdk(creds(ADMIN), { systemClockOffset: -2 * 60 * 1000 }).send(new RegisterDomainCommand(register(name)));
});

test('a missing or wrong session token: UnrecognizedClientException; the right one is served', async () => {
  const name = uniqueName('token');
  const message = 'The security token included in the request is invalid.';
  await expectFault(sdk({ accessKeyId: TEMP.accessKeyId, secretAccessKey: TEMP.secretAccessKey }).send(new RegisterDomainCommand(register(name))), 'UnrecognizedClientException', message);
  await expectFault(sdk({ ...creds(TEMP), sessionToken: 'stolen' }).send(new RegisterDomainCommand(register(name))), 'UnrecognizedClientException', message);
  // A key without a session token given one it does not have.
  await expectFault(sdk({ ...creds(ADMIN), sessionToken: 'extra' }).send(new RegisterDomainCommand(register(name))), 'UnrecognizedClientException', message);
  assert.ok(!(await domains()).includes(name));
  await server.client('temp').send(new RegisterDomainCommand(register(name)));
  assert.ok((await domains()).includes(name));
});

test('the admin endpoints: unsigned refused, a user without openswf:Admin refused, the admin served', async () => {
  const unsigned = await fetch(`${url}/admin/clock/advance`, { method: 'POST', body: JSON.stringify({ seconds: 60 }) });
  assert.equal(unsigned.status, 400);
  assert.equal(((await unsigned.json()) as { __type: string }).__type, 'com.amazon.coral.service#MissingAuthenticationTokenException');
  const before = await server.now();
  const reader = signedFetch({ credentials: creds(READER) });
  const denied = await reader(`${url}/admin/clock/advance`, { method: 'POST', body: JSON.stringify({ seconds: 60 }) });
  assert.equal(denied.status, 400);
  assert.deepEqual(await denied.json(), {
    __type: 'com.amazonaws.swf.base.model#OperationNotPermittedFault',
    message: `User: arn:aws:iam::${ACCOUNT}:user/reader is not authorized to perform: openswf:Admin on resource: *`,
  });
  assert.equal(await server.now(), before, 'a refused advance did not move the clock');
  const moved = await server.advance(60);
  assert.equal(moved.now, before + 60);
});

test('the identities file is checked at start, and the error names the place', async () => {
  const bad = { accountId: ACCOUNT, users: [ADMIN, { ...READER, accessKeyId: ADMIN.accessKeyId }] };
  await expectStartFailure({ auth: bad }, /auth file .*auth\.json: users\[1\]\.accessKeyId: duplicate access key id/, 2);
  const refused = { users: [user('x', [{ Effect: 'Alow', Action: 'swf:*', Resource: '*' }])] };
  await expectStartFailure({ auth: refused }, /users\[0\]\.policies\[0\]\.Statement\[0\]\.Effect: must be "Allow" or "Deny"/, 2);
  await expectStartFailure({ args: ['--auth', join(server.dataDir, 'no-such-file.json')] }, /cannot read the file: ENOENT/, 2);
});

test('SIGHUP reloads the file; a bad new file keeps the old one and says why', async (t) => {
  const { server: s } = await serverForTest(t, { auth: { users: [ADMIN] } });
  const file = join(s.dataDir, 'auth.json');
  const late = user('late', [{ Effect: 'Allow', Action: 'swf:ListDomains', Resource: '*' }]);
  const lateClient = new SWFClient({ endpoint: s.url, region: 'us-east-1', credentials: creds(late), maxAttempts: 1 });
  await expectFault(lateClient.send(new ListDomainsCommand({ registrationStatus: 'REGISTERED' })), 'UnrecognizedClientException');
  writeFileSync(file, JSON.stringify({ users: [ADMIN, late] }));
  assert.ok(s.pid !== undefined);
  process.kill(s.pid, 'SIGHUP');
  await logLine(() => s.logs(), /auth: reloaded .* \(2 users\)/);
  await lateClient.send(new ListDomainsCommand({ registrationStatus: 'REGISTERED' }));
  writeFileSync(file, '{ "users": [ { "name": "broken" ');
  process.kill(s.pid, 'SIGHUP');
  await logLine(() => s.logs(), /auth: reload failed, keeping the previous identities: auth file .*: not valid JSON/);
  await lateClient.send(new ListDomainsCommand({ registrationStatus: 'REGISTERED' }));
  assert.doesNotMatch(s.logs(), /secret-EXAMPLE/, 'no secret in the logs');
});

test('the log holds no secret, no session token, no Authorization header', () => {
  const logs = server.logs();
  for (const secret of [ADMIN.secretAccessKey, READER.secretAccessKey, TEMP.secretAccessKey, TEMP.sessionToken ?? '', 'Signature=', 'AWS4-HMAC-SHA256']) {
    assert.ok(!logs.includes(secret), `the log does not contain ${secret.slice(0, 12)}...`);
  }
});

const CLI = resolve(fileURLToPath(import.meta.url), '../../../src/cli/main.js');

test('openswf clock signs with the standard AWS environment variables or profile', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'openswf-clock-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const clean: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home };
  const run = (env: NodeJS.ProcessEnv) =>
    promisify(execFile)(process.execPath, [CLI, 'clock', 'now', '--json', '--endpoint', url], { env: { ...clean, ...env } }).then(
      (r) => ({ code: 0, out: r.stdout }),
      // The CLI names a refusal on stderr.
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
    );
  const viaEnv = await run({ AWS_ACCESS_KEY_ID: ADMIN.accessKeyId, AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey });
  assert.equal(viaEnv.code, 0, viaEnv.out);
  assert.equal((JSON.parse(viaEnv.out) as { kind: string }).kind, 'virtual');
  const credentials = join(home, 'credentials');
  writeFileSync(credentials, `[ops]\naws_access_key_id = ${ADMIN.accessKeyId}\naws_secret_access_key = ${ADMIN.secretAccessKey}\n`);
  const viaProfile = await run({ AWS_PROFILE: 'ops', AWS_SHARED_CREDENTIALS_FILE: credentials });
  assert.equal(viaProfile.code, 0, viaProfile.out);
  const unsigned = await run({});
  assert.equal(unsigned.code, 1);
  assert.match(unsigned.out, /MissingAuthenticationTokenException/);
  const reader = await run({ AWS_ACCESS_KEY_ID: READER.accessKeyId, AWS_SECRET_ACCESS_KEY: READER.secretAccessKey });
  assert.equal(reader.code, 1);
  assert.match(reader.out, /OperationNotPermittedFault/);
});

test('OPENSWF_AUTH_FILE turns authentication on like --auth', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'openswf-authenv-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'auth.json');
  writeFileSync(file, JSON.stringify({ users: [ADMIN] }), { mode: 0o644 });
  const { server: s } = await serverForTest(t, { env: { OPENSWF_AUTH_FILE: file } });
  assert.match(s.logs(), /auth: on, 1 user from /);
  await logLine(() => s.logs(), /holds secret keys but is readable by others \(mode 644\); chmod 600 it/);
  await expectFault(s.client().send(new ListDomainsCommand({ registrationStatus: 'REGISTERED' })), 'UnrecognizedClientException');
});

test('without --auth the startup line says so and any credentials are served', async (t) => {
  const { server: s, swf } = await serverForTest(t);
  assert.match(s.logs(), /auth: off, any credentials accepted/);
  await swf.send(new RegisterDomainCommand(register(uniqueName('open'))));
});
