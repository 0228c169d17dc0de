/**
 * Headless Chromium for the console's browser tests, driven by puppeteer-core. Debian's
 * `chromium` is looked up on PATH (`.ci/run` installs it when missing). Every launch gets a
 * fresh profile folder and the flags that keep it off the network: the tests only talk to the
 * server they started.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** The browser to drive: $CHROMIUM if set, else the first of NAMES on PATH. */
export function findChromium(): string | undefined {
  const explicit = process.env.CHROMIUM;
  if (explicit) return explicit;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of NAMES) {
      const candidate = join(dir, name);
      if (dir !== '' && existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

/** Why the browser tests cannot run here, or undefined when they can. Under CI they must run. */
export function browserMissing(): string | undefined {
  if (findChromium() !== undefined) return undefined;
  const why = 'no Chromium on PATH (apt-get install chromium, or set CHROMIUM)';
  if (process.env.CI === 'true') throw new Error(`CI: ${why}`);
  return why;
}

export interface Launched {
  browser: Browser;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Launched> {
  const executablePath = findChromium();
  if (executablePath === undefined) throw new Error('no Chromium on PATH');
  const profile = mkdtempSync(join(tmpdir(), 'openswf-chromium-'));
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    userDataDir: profile,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens the console and signs in with the given keys (any keys while authentication is off). */
export async function signIn(page: Page, baseUrl: string, keys: { accessKeyId: string; secretAccessKey: string; region?: string } = { accessKeyId: 'console-test', secretAccessKey: 'console-test-secret' }): Promise<void> {
  await page.goto(`${baseUrl}/console/`);
  await page.waitForSelector('input[name=accessKeyId]');
  await page.type('input[name=accessKeyId]', keys.accessKeyId);
  await page.type('input[name=secretAccessKey]', keys.secretAccessKey);
  if (keys.region !== undefined) {
    await page.$eval('input[name=region]', (input) => void ((input as unknown as { value: string }).value = ''));
    await page.type('input[name=region]', keys.region);
  }
  await page.click('form button[type=submit]');
  await page.waitForSelector('h1 ::-p-text(Domains)');
}

/** The page's text content, for assertions that read like what a person sees. */
export function textOf(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (el) => (el as unknown as { innerText: string }).innerText);
}

/**
 * Code run in the page is given as text: the tests compile without the DOM library (the
 * console's own code has it, under src/console/tsconfig.json).
 */
export function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate(expression) as Promise<T>;
}

/** An attribute of every element matching `selector`. */
export function attributes(page: Page, selector: string, name: string): Promise<(string | null)[]> {
  return inPage(page, `Array.from(document.querySelectorAll(${JSON.stringify(selector)})).map((e) => e.getAttribute(${JSON.stringify(name)}))`);
}

/** The visible text of every cell of each row matching `selector`. */
export function rowTexts(page: Page, selector: string): Promise<string[][]> {
  return inPage(page, `Array.from(document.querySelectorAll(${JSON.stringify(selector)})).map((tr) => Array.from(tr.children).map((c) => c.innerText.trim()))`);
}

/** How many elements match `selector`. */
export function countOf(page: Page, selector: string): Promise<number> {
  return inPage(page, `document.querySelectorAll(${JSON.stringify(selector)}).length`);
}

/**
 * Waits until some element matching `selector` contains `text`. (Puppeteer's ::-p-text can miss
 * a text node that changes in place, as a count or a badge does; this reads textContent afresh.)
 */
export async function waitForText(page: Page, selector: string, text: string, timeout?: number): Promise<void> {
  await page.waitForFunction(
    `Array.from(document.querySelectorAll(${JSON.stringify(selector)})).some((e) => e.textContent.includes(${JSON.stringify(text)}))`,
    timeout !== undefined ? { timeout } : {},
  );
}
