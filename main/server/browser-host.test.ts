// The browser host as an attacker and as the studio see it: token, Host and Origin checks,
// path containment on the media route, validation and a fuzzed socket.
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createAppCore, type AppCore } from '../services/app-core';
import { spawnNodeCompute } from '../host/spawn-node';
import { photo } from '../testing/paths';
import { cspOfPage, metaPolicy } from '../csp';
import { ELECTRON_CSP } from '../electron/security';
import { browserHostCsp, startBrowserHost, type BrowserHost, MAX_MESSAGE_BYTES } from './browser-host';

let core: AppCore;
let host: BrowserHost;
let root: string;

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; csp: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), csp: String(res.headers['content-security-policy']), body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(options: { token?: string; origin?: string; host?: string } = {}): Promise<WebSocket> {
  const token = options.token ?? host.token;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${host.port}/api?token=${encodeURIComponent(token)}`, {
      origin: options.origin ?? `http://127.0.0.1:${host.port}`,
      headers: options.host ? { Host: options.host } : {},
    });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function ask(socket: WebSocket, message: string): Promise<{ id: number; envelope: { ok: boolean; error?: { code: string; message: string }; result?: unknown } }> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer): void => {
      const parsed = JSON.parse(String(data));
      if ('event' in parsed) return;
      socket.off('message', onMessage);
      resolve(parsed);
    };
    socket.on('message', onMessage);
    socket.send(message);
  });
}

beforeAll(async () => {
  const userData = mkdtempSync(join(tmpdir(), 'convscope-host-'));
  const renderer = mkdtempSync(join(tmpdir(), 'convscope-renderer-'));
  // As the build writes it: Electron's <meta> policy, which the browser host replaces by its header.
  writeFileSync(join(renderer, 'index.html'), `<!doctype html><head><meta http-equiv="Content-Security-Policy" content="${metaPolicy(ELECTRON_CSP)}"><title>studio</title></head>`);
  root = mkdtempSync(join(tmpdir(), 'convscope-media-'));
  mkdirSync(join(root, 'photos'));
  mkdirSync(join(root, 'photos-evil'));
  copyFileSync(photo('everyday/chelsea.png'), join(root, 'photos', 'chelsea.png'));
  copyFileSync(photo('everyday/rocket.jpg'), join(root, 'photos-evil', 'rocket.jpg'));
  writeFileSync(join(root, 'secret.txt'), 'secret');
  // A photo just outside the opened folder: only the containment check can refuse it.
  copyFileSync(photo('everyday/chelsea.png'), join(root, 'outside.png'));
  symlinkSync(join(root, 'photos-evil', 'rocket.jpg'), join(root, 'photos', 'link-out.jpg'));
  core = createAppCore({ hostKind: 'browser', spawnCompute: () => spawnNodeCompute(), userDataDir: userData });
  host = await startBrowserHost({ core, rendererDir: renderer, port: 0 });
  await core.guard.allow(join(root, 'photos'));
});

afterAll(async () => {
  await host?.close();
  core?.close();
});

describe('browser host', () => {
  it('listens on 127.0.0.1 and prints a tokened URL', () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/\\?token=[\\w-]{20,}$`));
  });

  it('serves the studio page with a strict CSP and rejects foreign Host headers (DNS rebinding)', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.csp).toBe(browserHostCsp(`127.0.0.1:${host.port}`));
    expect(page.csp).toContain(`connect-src 'self' ws://127.0.0.1:${host.port}`);
    expect(cspOfPage(String(page.body))).toBeNull();
    expect(String(page.body)).toContain('<title>studio</title>');
    const rebinding = await get('/', { Host: `evil.example:${host.port}` });
    expect(rebinding.status).toBe(421);
    // Not even another loopback name: only the address the host listens on.
    expect((await get('/', { Host: `localhost:${host.port}` })).status).toBe(421);
    expect((await get('/', { Host: `127.0.0.1:${host.port + 1}` })).status).toBe(421);
    const media = await get(`/media?token=${host.token}&path=${encodeURIComponent(join(root, 'photos', 'chelsea.png'))}`, { Host: 'evil.example' });
    expect(media.status).toBe(421);
  });

  it('serves photos only inside opened folders and only with the token', async () => {
    const inside = encodeURIComponent(join(root, 'photos', 'chelsea.png'));
    expect((await get(`/media?path=${inside}`)).status).toBe(401);
    expect((await get(`/media?path=${inside}&token=wrong`)).status).toBe(401);
    const ok = await get(`/media?path=${inside}&token=${host.token}&thumb=160`);
    expect(ok.status).toBe(200);
    expect(ok.type).toBe('image/jpeg');
    expect(ok.body.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    // Each query value as sent on the wire; the server's URL parser decodes it once.
    const attempts = [
      encodeURIComponent(join(root, 'outside.png')),
      encodeURIComponent(`${join(root, 'photos')}/../outside.png`),
      `${encodeURIComponent(join(root, 'photos'))}/%2e%2e/outside.png`,
      `${encodeURIComponent(join(root, 'photos'))}%2F%2E%2E%2Foutside.png`,
      encodeURIComponent(join(root, 'photos-evil', 'rocket.jpg')),
      encodeURIComponent(join(root, 'photos', 'link-out.jpg')),
      encodeURIComponent(join(root, 'secret.txt')),
      encodeURIComponent('/etc/passwd'),
    ];
    expect((await get(`/media?path=${encodeURIComponent(join(root, 'outside.png'))}&token=${host.token}`)).status).toBe(403);
    const opened = await core.guard.allow(root);
    // The same photo is served once its folder is opened: the refusals above were containment, not format.
    expect((await get(`/media?path=${encodeURIComponent(join(root, 'outside.png'))}&token=${host.token}`)).status).toBe(200);
    expect(core.guard.forget(opened)).toBe(true);
    for (const attempt of attempts) {
      const response = await get(`/media?path=${attempt}&token=${host.token}`);
      expect(response.status, decodeURIComponent(attempt)).toBe(403);
    }
    expect((await get(`/%2e%2e/%2e%2e/etc/passwd`)).status).toBe(404);
  });

  it('refuses sockets without the token, from other origins or with a foreign Host', async () => {
    await expect(connect({ token: 'nope' })).rejects.toThrow(/403/);
    await expect(connect({ origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await expect(connect({ host: 'evil.example' })).rejects.toThrow(/403/);
  });

  it('answers the contract over the socket and survives random and oversized payloads', async () => {
    const socket = await connect();
    const info = await ask(socket, JSON.stringify({ id: 1, method: 'app:info', request: {} }));
    expect(info).toMatchObject({ id: 1, envelope: { ok: true, result: { host: 'browser' } } });
    let seed = 7;
    const random = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const junk = ['{', 'null', '[]', '"x"', '{"id":"a"}', '{"id":5,"method":"library:open","request":{"path":7}}', '{"id":6,"method":"explain:heatmap","request":{"jobId":"j","spec":{"path":"/etc/passwd","model":"inception_v3"}}}'];
    for (let i = 0; i < 200; i++) {
      const message = random() < 0.5 ? junk[Math.floor(random() * junk.length)] : JSON.stringify({ id: i, method: ['job:cancel', 'photo:info', 'x'][i % 3], request: { jobId: random() < 0.5 ? 3 : 'j', path: String(random()) } });
      const reply = await ask(socket, message);
      expect(typeof reply.envelope.ok).toBe('boolean');
      if (!reply.envelope.ok) expect(reply.envelope.error!.message.length).toBeGreaterThan(0);
    }
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send('x'.repeat(MAX_MESSAGE_BYTES + 10));
    expect(await closed).toBe(1009);
    const again = await connect();
    expect((await ask(again, JSON.stringify({ id: 2, method: 'app:info', request: {} }))).envelope.ok).toBe(true);
    again.close();
  });
});
