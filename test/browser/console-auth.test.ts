/**
 * The console with authentication on (--auth): its calls are judged by the signed-in user's
 * policies like any other client's. A reader sees the executions and their histories but is
 * refused a terminate (the dialog shows the API's fault) and the admin endpoints; a wrong
 * secret is refused at sign-in; an admin's terminate goes through.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeWorkflowExecutionCommand, RegisterDomainCommand, RegisterWorkflowTypeCommand, StartWorkflowExecutionCommand, SWFClient } from '@aws-sdk/client-swf';
import type { Page } from 'puppeteer-core';
import { serverForFile } from '../helpers/setup.js';
import { browserMissing, launchBrowser, signIn, textOf, type Launched } from '../helpers/browser.js';

const ADMIN = { accessKeyId: 'AKIDCONSOLEADMINEXAMPLE', secretAccessKey: 'console-admin-secret-EXAMPLE' };
const READER = { accessKeyId: 'AKIDCONSOLEREADEREXAMPLE', secretAccessKey: 'console-reader-secret-EXAMPLE' };
const NARROW = { accessKeyId: 'AKIDCONSOLENARROWEXAMPLE', secretAccessKey: 'console-narrow-secret-EXAMPLE' };
const folder = mkdtempSync(join(tmpdir(), 'openswf-console-auth-'));
const authFile = join(folder, 'auth.json');
writeFileSync(
  authFile,
  JSON.stringify({
    accountId: '123456789012',
    users: [
      { name: 'admin', ...ADMIN, policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['swf:*', 'openswf:Admin'], Resource: '*' }] }] },
      {
        name: 'reader',
        ...READER,
        policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['swf:Describe*', 'swf:List*', 'swf:Count*', 'swf:GetWorkflowExecutionHistory'], Resource: '*' }] }],
      },
      {
        name: 'narrow',
        ...NARROW,
        policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['swf:DescribeWorkflowExecution', 'swf:GetWorkflowExecutionHistory'], Resource: 'arn:aws:swf:*:123456789012:/domain/guarded' }] }],
      },
    ],
  }),
);

const missing = browserMissing();

describe('web console with authentication on', { skip: missing }, async () => {
  const { server } = await serverForFile({ args: ['--auth', authFile] });
  const admin = new SWFClient({ endpoint: server.url, region: 'us-east-1', credentials: ADMIN, maxAttempts: 1 });
  const domain = 'guarded';
  const run = { workflowId: 'guarded-1', runId: '' };
  let launched: Launched;
  let page: Page;

  before(async () => {
    await admin.send(new RegisterDomainCommand({ name: domain, workflowExecutionRetentionPeriodInDays: '1' }));
    await admin.send(
      new RegisterWorkflowTypeCommand({ domain, name: 'flow', version: '1', defaultTaskList: { name: 'tl' }, defaultExecutionStartToCloseTimeout: '3600', defaultTaskStartToCloseTimeout: '60', defaultChildPolicy: 'TERMINATE' }),
    );
    run.runId = (await admin.send(new StartWorkflowExecutionCommand({ domain, workflowId: run.workflowId, workflowType: { name: 'flow', version: '1' } }))).runId ?? '';
    launched = await launchBrowser();
    page = await launched.browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    page.setDefaultTimeout(10_000);
  });
  after(async () => {
    await launched?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const executionUrl = () => `${server.url}/console/domains/${domain}/executions/${run.workflowId}/${run.runId}`;
  const isOpen = async () => (await admin.send(new DescribeWorkflowExecutionCommand({ domain, execution: run }))).executionInfo?.executionStatus === 'OPEN';

  it('refuses a wrong secret at sign-in with the API’s fault', async () => {
    await page.goto(`${server.url}/console/`);
    await page.waitForSelector('input[name=accessKeyId]');
    await page.type('input[name=accessKeyId]', READER.accessKeyId);
    await page.type('input[name=secretAccessKey]', 'not-the-secret');
    await page.click('form button[type=submit]');
    await page.waitForSelector('.fault ::-p-text(InvalidSignatureException)');
  });

  it('lets a reader read, and shows the fault when it tries to terminate', async () => {
    await signIn(page, server.url, READER);
    await page.waitForSelector(`table.domains a ::-p-text(${domain})`);
    await page.goto(executionUrl());
    await page.waitForSelector('table.events tr.event[data-event-type=WorkflowExecutionStarted]');
    // The admin endpoints are refused to a reader: the page says so instead of the clock.
    await page.waitForSelector('.top-right ::-p-text(Clock unavailable)');
    await page.waitForSelector('section[aria-labelledby=pending-h] .fault ::-p-text(OperationNotPermittedFault)');
    assert.match(await textOf(page, 'section[aria-labelledby=pending-h]'), /No activity is scheduled or running/, 'the list read from the history instead');
    await page.click('.actions button ::-p-text(Terminate)');
    await page.waitForSelector('dialog[open] form[data-action=terminate]');
    await page.click('dialog[open] button[type=submit]');
    await page.waitForSelector('dialog[open] .fault ::-p-text(OperationNotPermittedFault)');
    assert.match(await textOf(page, 'dialog[open] .fault'), /user\/reader is not authorized to perform: swf:TerminateWorkflowExecution/);
    assert.ok(await isOpen(), 'the run is still open');
    await page.click('dialog[open] button ::-p-text(Cancel)');
    await page.click('.top-right button ::-p-text(Sign out)');
  });

  it('signs in a user who may not list domains, and shows what it may read', async () => {
    await signIn(page, server.url, NARROW);
    await page.waitForSelector('.fault ::-p-text(OperationNotPermittedFault)');
    assert.match(await textOf(page, '.fault'), /user\/narrow is not authorized to perform: swf:ListDomains/);
    await page.goto(executionUrl());
    await page.waitForSelector('table.events tr.event[data-event-type=WorkflowExecutionStarted]');
    await page.click('.top-right button ::-p-text(Sign out)');
  });

  it('lets an admin terminate', async () => {
    await signIn(page, server.url, ADMIN);
    await page.goto(executionUrl());
    await page.waitForSelector('button.clock-button');
    await page.click('.actions button ::-p-text(Terminate)');
    await page.waitForSelector('dialog[open] form[data-action=terminate]');
    await page.click('dialog[open] button[type=submit]');
    await page.waitForSelector('dialog[open] [role=status] ::-p-text(TerminateWorkflowExecution succeeded)');
    assert.equal(await isOpen(), false);
  });
});
