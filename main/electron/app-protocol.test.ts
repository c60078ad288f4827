// The app:// scheme's request → file logic, without Electron: only files inside the built renderer,
// with their MIME types and the studio's CSP as a response header.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEDIA_SCHEME } from '../../preload/channels';
import { APP_INDEX_URL, APP_ORIGIN, APP_SCHEME_PRIVILEGES, appFileResponse, mediaHeaders, resolveAppFile } from './app-protocol';
import { ELECTRON_CSP, isAppUrl } from './security';

let base: string;
let renderer: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'convscope-app-'));
  renderer = join(base, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>studio</title>');
  writeFileSync(join(renderer, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(renderer, 'assets', 'index-abc.css'), 'body{}');
  writeFileSync(join(renderer, 'assets', 'tfjs.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d]));
  writeFileSync(join(renderer, 'assets', 'icon.svg'), '<svg/>');
  writeFileSync(join(renderer, 'assets', 'data.bin'), 'x');
  writeFileSync(join(renderer, 'favicon.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  writeFileSync(join(renderer, 'ünïcode name.js'), 'ok');
  writeFileSync(join(base, 'secret.txt'), 'SECRET');
  // A sibling whose name starts with the renderer's (a bare startsWith would let it through).
  mkdirSync(join(base, 'renderer-evil'));
  writeFileSync(join(base, 'renderer-evil', 'x.js'), 'EVIL');
  symlinkSync(join(base, 'secret.txt'), join(renderer, 'link-out.txt'));
  symlinkSync(join(base, 'renderer-evil', 'x.js'), join(renderer, 'assets', 'evil.js'));
  symlinkSync(join(renderer, 'assets', 'index-abc.js'), join(renderer, 'link-in.js'));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

const get = (path: string, method?: string) => appFileResponse(renderer, `${APP_ORIGIN}${path}`, method);

describe('app:// serves the built renderer and nothing else', () => {
  it('serves the page at / and /index.html with the CSP of main/csp.ts as a header', async () => {
    for (const path of ['', '/', '/index.html']) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers['Content-Type']).toBe('text/html; charset=utf-8');
      expect(String(response.body)).toContain('<title>studio</title>');
      expect(response.headers['Content-Security-Policy']).toBe(ELECTRON_CSP);
    }
    // The header carries what a <meta> policy cannot.
    expect((await get('/')).headers['Content-Security-Policy']).toContain("frame-ancestors 'none'");
    expect((await get('/')).headers['X-Content-Type-Options']).toBe('nosniff');
  });

  it('sends each asset with its MIME type', async () => {
    const types: Record<string, string> = {
      '/assets/index-abc.js': 'text/javascript; charset=utf-8',
      '/assets/index-abc.css': 'text/css; charset=utf-8',
      '/assets/tfjs.wasm': 'application/wasm',
      '/assets/icon.svg': 'image/svg+xml',
      '/favicon.png': 'image/png',
      '/assets/data.bin': 'application/octet-stream',
      '/%C3%BCn%C3%AFcode%20name.js': 'text/javascript; charset=utf-8',
      '/link-in.js': 'text/javascript; charset=utf-8',
    };
    for (const [path, type] of Object.entries(types)) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers['Content-Type'], path).toBe(type);
      expect(response.headers['Content-Security-Policy'], path).toBe(ELECTRON_CSP);
    }
    expect(String((await get('/assets/index-abc.js?v=2#x')).body)).toBe('console.log(1)');
  });

  it('answers 404 for missing files and folders, still with the CSP', async () => {
    for (const path of ['/missing.js', '/assets', '/assets/', '/assets/missing.css']) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(response.headers['Content-Security-Policy']).toBe(ELECTRON_CSP);
    }
  });

  it('refuses traversal, encoded traversal, backslashes, NUL and bad encodings', async () => {
    const attempts = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2e/%2e%2E/secret.txt',
      '/..%2fsecret.txt',
      '/assets%2f..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets/..%5c..%5csecret.txt',
      '/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/index.html%00.js',
      '/%E0%A4%A',
      '/..%2frenderer-evil%2fx.js',
      '//etc/passwd',
      `/${encodeURIComponent(join(base, 'secret.txt'))}`,
    ];
    for (const path of attempts) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(String(response.body), path).not.toMatch(/SECRET|EVIL|root:/);
    }
  });

  it('refuses symlinks that point out of the renderer folder, prefix siblings included', async () => {
    expect((await get('/link-out.txt')).status).toBe(404);
    expect((await get('/assets/evil.js')).status).toBe(404);
    expect(await resolveAppFile(renderer, `${APP_ORIGIN}/assets/evil.js`)).toBeNull();
  });

  it('answers only its own scheme and host, and only GET and HEAD', async () => {
    expect(await resolveAppFile(renderer, 'app://evil/index.html')).toBeNull();
    expect(await resolveAppFile(renderer, 'app://convscope:8080/index.html')).toBeNull();
    expect(await resolveAppFile(renderer, 'app://user@convscope/index.html')).toBeNull();
    expect(await resolveAppFile(renderer, `file://${join(renderer, 'index.html')}`)).toBeNull();
    expect(await resolveAppFile(renderer, 'not a url')).toBeNull();
    expect((await get('/index.html', 'POST')).status).toBe(405);
    const head = await get('/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('is a secure, standard, fetch-capable scheme and the one page the window may show', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ standard: true, secure: true, supportFetchAPI: true, codeCache: true });
    expect(APP_INDEX_URL).toBe('app://convscope/index.html');
    expect(isAppUrl('app://convscope/index.html#photo', APP_INDEX_URL)).toBe(true);
    expect(isAppUrl('app://convscope/other.html', APP_INDEX_URL)).toBe(false);
    expect(isAppUrl('app://evil/index.html', APP_INDEX_URL)).toBe(false);
    expect(isAppUrl(`file://${join(renderer, 'index.html')}`, APP_INDEX_URL)).toBe(false);
  });
});

describe('the media scheme from the app:// page', () => {
  it('is allowed by img-src, and its CORS header names the page origin (not *)', () => {
    const imgSrc = ELECTRON_CSP.split('; ').find((directive) => directive.startsWith('img-src'))!;
    expect(imgSrc.split(' ')).toContain(`${MEDIA_SCHEME}:`);
    const headers = mediaHeaders('image/jpeg');
    expect(headers['Access-Control-Allow-Origin']).toBe(APP_ORIGIN);
    expect(headers['Content-Type']).toBe('image/jpeg');
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
    expect(mediaHeaders('image/jpeg', 'http://localhost:5173')['Access-Control-Allow-Origin']).toBe('http://localhost:5173');
  });
});
