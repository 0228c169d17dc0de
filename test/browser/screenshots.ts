/**
 * Refreshes the console's screenshots in docs/console/ (docs/console.md shows them):
 *
 *   npm run build && node dist/test/browser/screenshots.js
 *
 * Starts a server on a virtual clock, seeds the demo domain (demo.ts) and photographs the
 * three main pages at 1280 px, and the execution page at phone width.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TestServer } from '../helpers/server.js';
import { launchBrowser, signIn } from '../helpers/browser.js';
import { seedDemo } from './demo.js';

const out = process.argv[2] ?? join('docs', 'console');
mkdirSync(out, { recursive: true });
const server = await TestServer.start({ clock: 'virtual' });
const { browser, close } = await launchBrowser();
try {
  const swf = server.client();
  const demo = await seedDemo(server, swf);
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await signIn(page, server.url);
  await page.waitForSelector('table.domains td.num a ::-p-text(9)');
  await page.screenshot({ path: join(out, 'domains.png') });
  await page.goto(`${server.url}/console/domains/orders?status=closed`);
  await page.waitForSelector('table.executions tbody tr');
  await page.waitForSelector('[data-testid=count] ::-p-text(match)');
  await page.screenshot({ path: join(out, 'executions.png') });
  await page.goto(`${server.url}/console/domains/orders/executions/${demo.main.workflowId}/${demo.main.runId}`);
  await page.waitForSelector('.timeline .bar');
  await page.waitForSelector('table.events tr.event');
  await page.click('tr.event[data-event-type=ActivityTaskFailed] button.toggle');
  await page.screenshot({ path: join(out, 'execution.png'), fullPage: true });
  await page.setViewport({ width: 390, height: 844, isMobile: true });
  await page.waitForSelector('.timeline .bar');
  await page.evaluate("document.getElementById('timeline-h').scrollIntoView()");
  await page.screenshot({ path: join(out, 'execution-phone.png') });
  process.stdout.write(`screenshots written to ${out}\n`);
} finally {
  await close();
  await server.dispose();
}
