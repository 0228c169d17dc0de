/**
 * The web console in a real browser (headless Chromium via puppeteer-core) against the real
 * server on a virtual clock: find an execution by filter, open it, read its events and its
 * timeline, watch a new event arrive live, signal it from the page, advance the clock and see
 * its timer fire, and terminate another execution from the page — checking through the SDK
 * that each action really happened.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeWorkflowExecutionCommand, SignalWorkflowExecutionCommand } from '@aws-sdk/client-swf';
import type { Page } from 'puppeteer-core';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { serverForFile } from '../helpers/setup.js';
import { history } from '../helpers/swf.js';
import { attributes, browserMissing, countOf, inPage, launchBrowser, rowTexts, signIn, textOf, waitForText, type Launched } from '../helpers/browser.js';
import { seedDemo, type Demo } from './demo.js';
import { complete, decide, startOn } from '../helpers/workflow.js';

/** The issue asks for new events within 2 s; the page polls every second. */
const LIVE_MS = 2000;

const missing = browserMissing();

describe('web console', { skip: missing }, async () => {
  const { server, swf } = await serverForFile({ clock: 'virtual' });
  let launched: Launched;
  let page: Page;
  let demo: Demo;
  /** Every request the page sent to the API or to /admin/. */
  const calls: { method: string; url: URL; headers: Record<string, string>; body: string }[] = [];

  before(async () => {
    demo = await seedDemo(server, swf);
    launched = await launchBrowser();
    page = await launched.browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    page.setDefaultTimeout(10_000);
    if (process.env.DEBUG_CONSOLE) page.on('request', (r) => console.log('REQ', Date.now() % 100000, r.url(), r.headers()['x-amz-target']));
    if (process.env.DEBUG_CONSOLE) page.on('console', (m) => console.log('PAGE', m.text()));
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname === '/' || url.pathname.startsWith('/admin/')) calls.push({ method: r.method(), url, headers: r.headers(), body: r.postData() ?? '' });
    });
  });
  after(() => launched?.close());

  const eventRow = (type: string) => `table.events tr.event[data-event-type=${type}]`;

  it('lists the domains with their retention and counts', async () => {
    await signIn(page, server.url, { accessKeyId: 'console-test', secretAccessKey: 'console-test-secret', region: 'eu-west-3' });
    await page.waitForSelector('table.domains tbody tr th a ::-p-text(orders)');
    const row = (await rowTexts(page, 'table.domains tbody tr')).find((cells) => cells[0] === 'orders');
    assert.deepEqual(row?.slice(0, 5), ['orders', 'REGISTERED', '30 days', '3', '9']);
    const legacy = (await rowTexts(page, 'table.domains tbody tr')).find((cells) => cells[0] === 'legacy');
    assert.deepEqual(legacy?.slice(0, 3), ['legacy', 'DEPRECATED', '0 days'], 'deprecated domains are listed too');
  });

  it('finds an execution by its workflowId filter and opens it', async () => {
    await page.click('table.domains a ::-p-text(orders)');
    await page.waitForSelector('h1 ::-p-text(Executions in)');
    assert.match(page.url(), /\/console\/domains\/orders$/);
    await page.waitForSelector('table.executions tbody tr');
    assert.equal(await countOf(page, 'table.executions tbody tr'), 3, 'the open runs listed');
    await waitForText(page, '[data-testid=count]', '3 open executions match');
    // The list and its count follow the server without a reload.
    await startOn(swf, demo.fixture, 'order-1044');
    await waitForText(page, '[data-testid=count]', '4 open executions match', 5000);
    await page.waitForSelector('table.executions tbody a ::-p-text(order-1044)');
    await page.select('select[name=filter]', 'workflowId');
    await page.type('input[name=workflowId]', 'order-1042');
    await page.click('form.filters button[type=submit]');
    await page.waitForFunction("document.querySelectorAll('table.executions tbody tr').length === 1 && location.search.includes('workflowId=order-1042')");
    await waitForText(page, '[data-testid=count]', '1 open execution match');
    await page.click('table.executions tbody a ::-p-text(order-1042)');
    await page.waitForSelector('.execution h1');
    assert.equal(new URL(page.url()).pathname, `/console/domains/orders/executions/order-1042/${demo.main.runId}`);
  });

  it('shows the details, the events and the timeline with the retry on one row', async () => {
    await page.waitForSelector(eventRow('WorkflowExecutionSignaled'));
    const details = await textOf(page, 'dl.details');
    assert.match(details, /Task list\s+tl-order-1042/);
    assert.match(details, /Child policy\s+TERMINATE/);
    assert.match(await textOf(page, 'ul.children'), /order-1042-ship .* completed/);
    // The last heartbeat details of the running activity (from /admin/activities, read beside the history).
    await waitForText(page, 'section[aria-labelledby=pending-h] td', 'authorizing: 50%');
    const events = await attributes(page, 'table.events tr.event', 'data-event-type');
    assert.equal(events[0], 'WorkflowExecutionStarted');
    assert.ok(events.includes('ActivityTaskFailed') && events.includes('TimerStarted'));
    // One row for both attempts of "charge": the failed one and the running retry.
    const charge = await attributes(page, '.tl-row[data-row="a:charge"] .bar', 'data-outcome');
    assert.deepEqual(charge, ['failed', 'running']);
    assert.deepEqual(await attributes(page, '.tl-row[data-row="a:reserve"] .bar', 'data-outcome'), ['completed']);
    assert.deepEqual(await attributes(page, '.tl-row[data-row="t:payment-reminder"] .bar', 'data-outcome'), ['running']);
    assert.deepEqual(await attributes(page, '.tl-row[data-row="c:order-1042-ship"] .bar', 'data-outcome'), ['completed']);
    // A bar selects its event in the history, which opens to show its attributes.
    await page.click('.tl-row[data-row="a:charge"] .bar.failed');
    await page.waitForSelector('tr.detail ::-p-text(card declined)');
    await page.click('tr.detail button ::-p-text(Raw JSON)');
    await page.waitForSelector('tr.detail pre.raw');
    assert.match(await textOf(page, 'tr.detail pre.raw'), /"eventType": "ActivityTaskFailed"[\s\S]*"reason": "card declined"/);
    await launched.browser.defaultBrowserContext().overridePermissions(server.url, ['clipboard-read', 'clipboard-write', 'clipboard-sanitized-write']);
    await page.click('tr.detail button ::-p-text(Copy JSON)');
    await page.waitForFunction("Array.from(document.querySelectorAll('tr.detail button')).some((b) => b.textContent === 'Copied' || b.textContent === 'Copy failed')");
    assert.ok(await inPage<boolean>(page, "Array.from(document.querySelectorAll('tr.detail button')).some((b) => b.textContent === 'Copied')"), 'the copy succeeded');
    const copied = JSON.parse(await inPage<string>(page, 'navigator.clipboard.readText()')) as { eventType?: string; eventId?: number };
    assert.deepEqual([copied.eventType, copied.eventId], ['ActivityTaskFailed', 14]);
    // The keyboard moves among the timeline's bars (one tab stop), and between history rows.
    assert.equal(await countOf(page, '.timeline .bar[tabindex="0"]'), 1);
    await page.focus('.tl-row[data-row=workflow] .bar');
    for (const key of ['ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowRight'] as const) await page.keyboard.press(key);
    assert.equal(await inPage(page, "document.activeElement.closest('li').dataset.row + ' ' + document.activeElement.dataset.outcome"), 'a:charge running');
    await page.keyboard.press('Enter');
    await page.waitForSelector('tr.detail[data-event-id="19"]');
    await page.focus('table.events tr.event[data-event-id="1"] button.toggle');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForSelector('table.events tr.event[data-event-id="3"] button[aria-expanded=true]');
    await page.waitForSelector('tr.detail[data-event-id="3"] ::-p-text(scheduledEventId)');
  });

  it('links a child to its parent, and each run of a continue-as-new chain to the others', async () => {
    const mainUrl = page.url();
    await page.click('ul.children a ::-p-text(order-1042-ship)');
    await page.waitForSelector('.execution h1 ::-p-text(order-1042-ship)');
    assert.equal(new URL(page.url()).pathname, `/console/domains/orders/executions/order-1042-ship/${demo.child.runId}`);
    await page.click('dl.details a ::-p-text(order-1042)');
    await waitForText(page, '.execution h1 .badge', 'OPEN');
    assert.equal(page.url(), mainUrl);
    const [first, middle, last] = demo.chain;
    await page.goto(`${server.url}/console/domains/orders/executions/order-1050/${middle?.runId}`);
    await waitForText(page, 'ol.chain li[aria-current]', middle?.runId ?? '?');
    assert.deepEqual(await attributes(page, 'ol.chain li a', 'href'), [first, last].map((r) => `/console/domains/orders/executions/order-1050/${r?.runId}`));
    assert.match(await textOf(page, 'ol.chain li[aria-current]'), /this run/);
    await page.click(`ol.chain a ::-p-text(${last?.runId})`);
    await waitForText(page, '.execution h1 .badge', 'OPEN');
    // The chain is read after the run itself: wait for this run's place in it.
    await waitForText(page, 'ol.chain li[aria-current]', last?.runId ?? '?');
    assert.deepEqual(await attributes(page, 'ol.chain li a', 'href'), [first, middle].map((r) => `/console/domains/orders/executions/order-1050/${r?.runId}`));
    await page.goto(mainUrl);
    await page.waitForSelector(eventRow('WorkflowExecutionSignaled'));
  });

  it('shows an event the SDK caused within 2 s, without a reload', async () => {
    const before = await countOf(page, 'table.events tr.event');
    const sent = Date.now();
    await swf.send(new SignalWorkflowExecutionCommand({ domain: 'orders', ...demo.main, signalName: 'from-the-sdk' }));
    await page.waitForSelector('table.events tr.event ::-p-text(from-the-sdk)', { timeout: LIVE_MS });
    const elapsed = Date.now() - sent;
    assert.ok(elapsed <= LIVE_MS, `shown after ${elapsed} ms`);
    assert.ok((await countOf(page, 'table.events tr.event')) > before);
  });

  it('signals the execution from the page and shows the API answer', async () => {
    await page.click('.actions button ::-p-text(Signal)');
    await page.waitForSelector('dialog[open] form[data-action=signal]');
    await page.type('dialog[open] input[name=signalName]', 'from-the-console');
    await page.type('dialog[open] textarea[name=input]', '{"note":"hello"}');
    await page.click('dialog[open] button[type=submit]');
    await page.waitForSelector('dialog[open] [role=status] ::-p-text(SignalWorkflowExecution succeeded)');
    await page.click('dialog[open] button ::-p-text(Close)');
    await page.waitForSelector('table.events tr.event ::-p-text(from-the-console)');
    const signals = (await history(swf, 'orders', demo.main)).filter((e) => e.eventType === 'WorkflowExecutionSignaled');
    assert.deepEqual(signals.at(-1)?.workflowExecutionSignaledEventAttributes, { signalName: 'from-the-console', input: '{"note":"hello"}' });
  });

  it('advances the virtual clock from the page and shows the timer fire', async () => {
    await page.click('button.clock-button');
    await page.waitForSelector('dialog[open] ::-p-text(Next deadlines in orders)');
    await page.waitForSelector('dialog[open] table.deadlines ::-p-text(timer started by event)');
    const before = await server.now();
    await page.click('dialog[open] .advance button ::-p-text(1 h)');
    await page.waitForSelector('dialog[open] [role=status] ::-p-text(deadlines fired)');
    assert.ok((await server.now()) >= before + 3600);
    // A typed duration; one that is not a duration is refused before any call.
    await page.type('dialog[open] .advance input', 'soon');
    await page.click('dialog[open] .advance button[type=submit]');
    await page.waitForSelector('dialog[open] .fault ::-p-text(Type a duration)');
    assert.equal(await countOf(page, 'dialog[open] [role=status]'), 0, 'the previous answer is gone');
    // Cleared with the keyboard, as a user would: a value set on the element behind the
    // component's back is put back by its next render (the dialog re-renders with each poll).
    const stale = await page.$eval('dialog[open] .advance input', (input) => (input as unknown as { value: string }).value.length);
    await page.focus('dialog[open] .advance input');
    await page.keyboard.press('End');
    for (let i = 0; i < stale; i++) await page.keyboard.press('Backspace');
    const typedFrom = await server.now();
    await page.type('dialog[open] .advance input', '1h30m');
    await page.click('dialog[open] .advance button[type=submit]');
    await waitForText(page, 'dialog[open] [role=status]', 'Moved 1 h 30 m');
    assert.equal(Math.round((await server.now()) - typedFrom), 5400);
    await page.keyboard.press('Escape');
    await page.waitForSelector(eventRow('TimerFired'), { timeout: LIVE_MS });
    assert.deepEqual(await attributes(page, '.tl-row[data-row="t:payment-reminder"] .bar', 'data-outcome'), ['completed']);
  });

  it('terminates another execution from the page', async () => {
    await page.goto(`${server.url}/console/domains/orders?status=open`);
    await page.waitForSelector('table.executions tbody a ::-p-text(order-1043)');
    await page.click('table.executions tbody a ::-p-text(order-1043)');
    await page.waitForSelector('.execution h1 ::-p-text(order-1043)');
    await page.click('.actions button ::-p-text(Terminate)');
    await page.waitForSelector('dialog[open] form[data-action=terminate]');
    await page.type('dialog[open] input[name=reason]', 'customer cancelled');
    await page.click('dialog[open] button[type=submit]');
    await page.waitForSelector('dialog[open] [role=status] ::-p-text(TerminateWorkflowExecution succeeded)');
    await page.click('dialog[open] button ::-p-text(Close)');
    await waitForText(page, '.execution h1 .badge', 'TERMINATED');
    await page.waitForSelector(eventRow('WorkflowExecutionTerminated'));
    const out = await swf.send(new DescribeWorkflowExecutionCommand({ domain: 'orders', execution: demo.other }));
    assert.equal(out.executionInfo?.closeStatus, 'TERMINATED');
    const terminated = (await history(swf, 'orders', demo.other)).at(-1);
    assert.equal(terminated?.workflowExecutionTerminatedEventAttributes?.reason, 'customer cancelled');
  });

  it('reads a history longer than a page, every page of it, and draws only the rows in view', async () => {
    const run = await startOn(swf, demo.fixture, 'order-2000');
    const markers = Array.from({ length: 1500 }, (_, i) => ({ decisionType: 'RecordMarker' as const, recordMarkerDecisionAttributes: { markerName: `m-${i}` } }));
    await decide(swf, demo.fixture, run, [...markers, complete('done')]);
    const total = (await history(swf, 'orders', run)).length;
    assert.ok(total > 1500);
    await page.goto(`${server.url}/console/domains/orders/executions/order-2000/${run.runId}`);
    await waitForText(page, '.history-tools', `${total.toLocaleString('en-US')} events`);
    await page.waitForSelector('.timeline .tl-row[data-row=instants] .bar');
    const drawn = await countOf(page, 'table.events tr.event');
    assert.ok(drawn < 100, `${drawn} of ${total} rows in the DOM`);
    // End on a row's button jumps to the last event.
    await page.focus('table.events tr.event[data-event-id="1"] button.toggle');
    await page.keyboard.press('End');
    await page.waitForSelector(`table.events tr.event[data-event-id="${total}"][data-event-type=WorkflowExecutionCompleted]`);
  });

  it('shows the fault the API answers for an execution that does not exist', async () => {
    await page.goto(`${server.url}/console/domains/orders/executions/order-1043/not-a-run-id`);
    await page.waitForSelector('.fault ::-p-text(UnknownResourceFault)');
  });

  it('signed every call it made with SigV4 (service swf, the region of the sign-in form)', async () => {
    assert.ok(calls.length > 20, `${calls.length} calls seen`);
    const operations = new Set(calls.map((c) => c.headers['x-amz-target'] ?? c.url.pathname));
    for (const op of ['ListDomains', 'ListOpenWorkflowExecutions', 'GetWorkflowExecutionHistory', 'SignalWorkflowExecution', 'TerminateWorkflowExecution']) {
      assert.ok(operations.has(`SimpleWorkflowService.${op}`), `${op} was called`);
    }
    assert.ok(operations.has('/admin/clock/advance') && operations.has('/admin/deadlines'));
    const signer = new SignatureV4({ service: 'swf', region: 'eu-west-3', credentials: { accessKeyId: 'console-test', secretAccessKey: 'console-test-secret' }, sha256: Sha256 });
    for (const c of calls) {
      const auth = c.headers.authorization ?? '';
      assert.match(auth, /^AWS4-HMAC-SHA256 Credential=console-test\/\d{8}\/eu-west-3\/swf\/aws4_request, SignedHeaders=\S+, Signature=[0-9a-f]{64}$/, `${c.method} ${c.url.pathname}`);
      const signedNames = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(';') ?? [];
      const headers: Record<string, string> = { host: c.url.host };
      for (const name of signedNames) if (name !== 'host') headers[name] = c.headers[name] ?? '';
      const date = c.headers['x-amz-date'] ?? '';
      const signingDate = new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`);
      const again = await signer.sign(
        { method: c.method, protocol: 'http:', hostname: c.url.hostname, port: Number(c.url.port), path: c.url.pathname, query: Object.fromEntries(c.url.searchParams), headers, body: c.body },
        { signingDate },
      );
      assert.equal(c.headers.authorization, again.headers.authorization, `the signature of ${c.method} ${c.url.pathname} ${c.headers['x-amz-target'] ?? ''} verifies`);
    }
  });
});
