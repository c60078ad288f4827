// Fixtures for e2e specs: a real browser host (`convscope serve`) and Debian's Chromium.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { test as base, chromium, type Browser, type Page } from '@playwright/test';

// The package is ESM ("type": "module"), where __dirname does not exist.
const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, '..');
export const PHOTOS = process.env.CONVSCOPE_PHOTOS ?? resolve(REPO, '../shared/photos');
export const ARTIFACTS = resolve(here, 'artifacts');

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface StudioHost {
  url: string;
  userData: string;
  process: ChildProcess;
  /** Everything the host printed, for assertions and failure reports. */
  output: string[];
}

/** Starts `convscope serve --port 0` and resolves with the URL it prints on its first line. */
export async function startHost(env: Record<string, string> = {}): Promise<StudioHost> {
  const userData = mkdtempSync(join(tmpdir(), 'convscope-e2e-'));
  const child = spawn(process.execPath, [join(REPO, 'bin/convscope.mjs'), 'serve', '--port', '0'], {
    cwd: REPO,
    env: { ...process.env, CONVSCOPE_USER_DATA: userData, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stderr!.on('data', (chunk) => output.push(String(chunk)));
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`host did not print its URL:\n${output.join('')}`)), 60_000);
    // The URL is the first line on stdout (users script it): anything before it is a failure.
    lines.once('line', (line) => {
      output.push(line);
      clearTimeout(timer);
      if (/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+$/.test(line)) resolveUrl(line);
      else reject(new Error(`the first line of \`convscope serve\` is not the studio URL: ${JSON.stringify(line)}\n${output.join('')}`));
    });
    child.on('exit', (code) => reject(new Error(`host exited with ${code}:\n${output.join('')}`)));
  });
  return { url, userData, process: child, output };
}

export const test = base.extend<{ host: StudioHost; studio: Page }, { browser: Browser }>({
  browser: [
    async ({}, use) => {
      if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium)`);
      const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
      await use(browser);
      await browser.close();
    },
    { scope: 'worker' },
  ],
  host: async ({}, use) => {
    const host = await startHost();
    await use(host);
    host.process.kill();
  },
  studio: async ({ browser, host }, use) => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error('[page error]', error.message));
    await page.goto(host.url);
    await use(page);
    await context.close();
  },
});

export { expect } from '@playwright/test';
