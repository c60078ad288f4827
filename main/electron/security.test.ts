import { describe, expect, it } from 'vitest';
import { ELECTRON_CSP, isAppUrl, secureWebPreferences } from './security';
import { browserHostCsp } from '../server/browser-host';
import { cspOfPage, metaPolicy, withoutCspMetaTag } from '../csp';

describe('studio window security settings', () => {
  it('isolates the page from Node', () => {
    const preferences = secureWebPreferences('/app/preload.cjs');
    expect(preferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: '/app/preload.cjs',
    });
  });

  it('has a strict CSP on both hosts: no inline or remote scripts, no eval', () => {
    for (const csp of [ELECTRON_CSP, metaPolicy(ELECTRON_CSP), browserHostCsp('127.0.0.1:4321')]) {
      const scriptSrc = csp.split(';').map((part) => part.trim()).find((part) => part.startsWith('script-src'));
      expect(scriptSrc).toBe("script-src 'self'");
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toMatch(/unsafe-eval|\*/);
    }
  });

  it('the page carries the same policy as a <meta> tag (less frame-ancestors), which the browser host removes', () => {
    expect(metaPolicy(ELECTRON_CSP)).toBe(ELECTRON_CSP.replace("; frame-ancestors 'none'", ''));
    const page = `<head><meta http-equiv="Content-Security-Policy" content="${metaPolicy(ELECTRON_CSP)}"><title>t</title></head>`;
    expect(cspOfPage(page)).toBe(metaPolicy(ELECTRON_CSP));
    expect(withoutCspMetaTag(page)).toBe('<head><title>t</title></head>');
  });

  it('only lets the window navigate to its own page', () => {
    const own = 'app://convscope/index.html';
    expect(isAppUrl('app://convscope/index.html', own)).toBe(true);
    // Dot segments, plain or as %2e, are resolved by the URL parser before the compare (what is left
    // is the page or another path); what the parser leaves in place — an encoded slash, a backslash,
    // NUL — is never the page. (The file server refuses the same: app-protocol.test.ts.)
    expect(isAppUrl('app://convscope/assets/%2e%2e/index.html', own)).toBe(true);
    expect(isAppUrl('app://convscope/assets/..%2findex.html', own)).toBe(false);
    expect(isAppUrl('app://convscope/assets%5c..%5cindex.html', own)).toBe(false);
    expect(isAppUrl('app://convscope/assets\\..\\index.html', own)).toBe(false);
    expect(isAppUrl('app://convscope/index.html%00', own)).toBe(false);
    expect(isAppUrl('file:///etc/passwd', own)).toBe(false);
    expect(isAppUrl('file:///app/out/renderer/index.html', own)).toBe(false);
    expect(isAppUrl('https://example.com/', own)).toBe(false);
    expect(isAppUrl('not a url', own)).toBe(false);
    expect(isAppUrl('http://localhost:5173/', 'http://localhost:5173/')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
  });
});
