// The real Electron app, where an Electron binary exists (not on offline machines: then skipped).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { _electron as electron } from '@playwright/test';
import { cspOfPage, metaPolicy } from '../main/csp';
import { ELECTRON_CSP } from '../main/electron/security';
import { test, expect, PHOTOS, REPO } from './fixtures';

// Playwright drives Electron through `--inspect=0`. This launches node_modules' Electron binary,
// whose fuses are untouched; the packaged app is built with enableNodeCliInspectArguments off
// (package.json → build.electronFuses), so this spec cannot be pointed at dist/ builds.

function electronBinary(): string | null {
  try {
    const path = createRequire(join(REPO, 'package.json'))('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
if (!binary) console.log('skipped: no Electron binary');

test.describe('Electron app', () => {
  test.skip(!binary, 'skipped: no Electron binary');

  test('opens one secure window with the studio', async () => {
    const app = await electron.launch({ executablePath: binary!, args: [REPO], env: { ...process.env, CONVSCOPE_USER_DATA: join(REPO, 'e2e/artifacts/electron-user-data') } });
    try {
      const page = await app.firstWindow();
      const preferences = await app.evaluate(({ BrowserWindow }) => {
        const [window] = BrowserWindow.getAllWindows();
        const prefs = (window.webContents as unknown as { getLastWebPreferences(): Record<string, unknown> }).getLastWebPreferences();
        return { contextIsolation: prefs.contextIsolation, sandbox: prefs.sandbox, nodeIntegration: prefs.nodeIntegration };
      });
      expect(preferences).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false });
      expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
      expect(await page.evaluate(() => typeof window.convscope.call)).toBe('function');
      // The page has its own origin (app://convscope, not file://) and gets main/csp.ts as a header
      // (frame-ancestors included) and as its <meta> tag; eval and other local files are refused.
      expect(page.url()).toBe('app://convscope/index.html');
      const header = await page.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
      expect(header).toBe(ELECTRON_CSP);
      const csp = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content'));
      expect(csp).toBe(metaPolicy(ELECTRON_CSP));
      expect(await page.evaluate(() => { try { return String(eval('1 + 1')); } catch { return 'refused'; } })).toBe('refused');
      expect(await page.evaluate(() => fetch('file:///etc/hostname').then(() => 'read', () => 'refused'))).toBe('refused');
      expect(await page.evaluate(() => fetch('app://convscope/../../package.json').then((r) => r.status, () => 'refused'))).not.toBe(200);
      const imageLoads = (src: string) => page.evaluate((url) => new Promise<boolean>((resolve) => {
        const image = new Image();
        image.onload = () => resolve(true);
        image.onerror = () => resolve(false);
        image.src = url;
      }), src);
      expect(await imageLoads('app://convscope/favicon.png')).toBe(true);
      expect(await imageLoads(`file://${join(REPO, 'resources/icon.png')}`)).toBe(false);
      // Photos still reach the app:// page through the media scheme (img-src), only from opened folders.
      const everyday = join(PHOTOS, 'everyday');
      await page.evaluate((folder) => window.convscope.call('library:open', { path: folder }), everyday);
      expect(await imageLoads(await page.evaluate((file) => window.convscope.photoUrl(file, 128), join(everyday, 'chelsea.png')))).toBe(true);
      expect(await imageLoads(await page.evaluate((file) => window.convscope.photoUrl(file), join(REPO, 'resources/icon.png')))).toBe(false);
      await expect(page.getByTestId('status-backend')).toContainText(/wasm|tensorflow|cpu/, { timeout: 120_000 });
    } finally {
      await app.close();
    }
  });
});

// Runs everywhere: the page Electron loads (out/renderer, built for this run) holds the one policy.
test('the built studio page carries the CSP of main/csp.ts', () => {
  const html = readFileSync(join(REPO, 'out/renderer/index.html'), 'utf8');
  expect(cspOfPage(html)).toBe(metaPolicy(ELECTRON_CSP));
});
