/**
 * `--tls-cert/--tls-key`: the server speaks HTTPS, so keys' signatures and task tokens do not
 * cross a network in clear. A round trip with a self-signed certificate, signed requests over it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeDomainCommand, RegisterDomainCommand, SWFClient } from '@aws-sdk/client-swf';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { serverForTest } from '../helpers/setup.js';
import { expectFault, uniqueName } from '../helpers/swf.js';
import { ACCOUNT, ADMIN, user } from './auth-support.js';

/** Allowed only over TLS, as IAM policies say with aws:SecureTransport. */
const SECURE_ONLY = user('secure', [{ Effect: 'Allow', Action: 'swf:DescribeDomain', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }]);

test('a TLS round trip with a self-signed certificate', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'openswf-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  const { server } = await serverForTest(t, { auth: { accountId: ACCOUNT, users: [ADMIN, SECURE_ONLY] }, args: ['--tls-cert', cert, '--tls-key', key] });
  assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const agent = new https.Agent({ ca: readFileSync(cert), keepAlive: true });
  t.after(() => agent.destroy());
  const client = (secretAccessKey: string, accessKeyId = ADMIN.accessKeyId) =>
    new SWFClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1, requestHandler: new NodeHttpHandler({ httpsAgent: agent }) });
  const name = uniqueName('tls');
  await client(ADMIN.secretAccessKey).send(new RegisterDomainCommand({ name, workflowExecutionRetentionPeriodInDays: '1' }));
  assert.equal((await client(ADMIN.secretAccessKey).send(new DescribeDomainCommand({ name }))).domainInfo?.name, name);
  // aws:SecureTransport is true here.
  await client(SECURE_ONLY.secretAccessKey, SECURE_ONLY.accessKeyId).send(new DescribeDomainCommand({ name }));
  // Authentication works the same over TLS.
  await expectFault(client('wrong').send(new DescribeDomainCommand({ name })), 'InvalidSignatureException');
  // A client that does not trust the certificate is refused by TLS itself.
  const untrusting = new SWFClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: ADMIN.accessKeyId, secretAccessKey: ADMIN.secretAccessKey }, maxAttempts: 1 });
  await assert.rejects(untrusting.send(new DescribeDomainCommand({ name })), /self[- ]signed|certificate/i);
  // Plain HTTP to the TLS port gets nothing served.
  const plain = await fetch(server.url.replace('https:', 'http:')).then(
    (r) => r.status,
    () => 'refused',
  );
  assert.notEqual(plain, 200);
});
