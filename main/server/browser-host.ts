// `convscope serve`: the studio in a browser. Static renderer files, the media route and the API
// socket, on 127.0.0.1 only, behind a per-run token, a Host check (DNS rebinding) and an Origin
// check on the socket (cross-site WebSocket hijacking).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, relative, isAbsolute } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SocketMessage } from '../../preload/contract';
import type { AppCore } from '../services/app-core';
import { photoResponse } from '../services/media';
import { contentSecurityPolicy, withoutCspMetaTag } from '../csp';

export const MAX_MESSAGE_BYTES = 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export interface BrowserHostOptions {
  core: AppCore;
  /** Built renderer (out/renderer). */
  rendererDir: string;
  port: number;
  host?: string;
}

export interface BrowserHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** The page's policy: its socket is on the one address the host listens on (`127.0.0.1:PORT`). */
export function browserHostCsp(hostAndPort: string): string {
  return contentSecurityPolicy({ connect: [`ws://${hostAndPort}`] });
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const listenHost = options.host ?? '127.0.0.1';
  const token = randomBytes(24).toString('base64url');
  const shownHost = listenHost.includes(':') ? `[${listenHost}]` : listenHost;
  let port = 0;
  // Only the address it listens on: a Host of any name (even localhost) is refused (DNS rebinding).
  const hostAndPort = (): string => `${shownHost}:${port}`;
  const tokenMatches = (candidate: string | null): boolean => {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  const server = createServer((request, response) => {
    handleHttp(request, response).catch((error: unknown) => {
      send(response, 500, 'text/plain; charset=utf-8', error instanceof Error ? error.message : String(error));
    });
  });

  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.headers.host !== hostAndPort()) return send(response, 421, 'text/plain', 'wrong Host header');
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'text/plain', 'method not allowed');
    const url = new URL(request.url ?? '/', `http://${request.headers.host}`);
    if (url.pathname === '/media') {
      if (!tokenMatches(url.searchParams.get('token'))) return send(response, 401, 'text/plain', 'missing or wrong token');
      const media = await photoResponse(options.core.guard, options.core.thumbnails, url.searchParams.get('path'), url.searchParams.get('thumb'));
      return send(response, media.status, media.contentType, media.body, { 'Cache-Control': 'private, max-age=60' });
    }
    if (url.pathname === '/' || url.pathname === '/index.html') {
      // The page itself is harmless without the token, but nothing it asks for works without it.
      // The built page carries Electron's <meta> policy; here the header below is the one policy.
      const html = withoutCspMetaTag(await readFile(join(options.rendererDir, 'index.html'), 'utf8'));
      return send(response, 200, CONTENT_TYPES['.html'], html, { 'Content-Security-Policy': browserHostCsp(hostAndPort()) });
    }
    const file = staticFile(options.rendererDir, url.pathname);
    if (!file) return send(response, 404, 'text/plain', 'not found');
    const body = await readFile(file).catch(() => null);
    if (!body) return send(response, 404, 'text/plain', 'not found');
    return send(response, 200, CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', body);
  }

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://placeholder');
    const origin = request.headers.origin;
    const originOk = origin === undefined || origin === `http://${hostAndPort()}`;
    if (url.pathname !== '/api' || request.headers.host !== hostAndPort() || !originOk || !tokenMatches(url.searchParams.get('token'))) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    sockets.handleUpgrade(request, socket, head, (client) => serveClient(client));
  });

  const clients = new Set<WebSocket>();
  const stopEvents = options.core.onEvent((event) => {
    const message = JSON.stringify({ event } satisfies SocketMessage);
    for (const client of clients) if (client.readyState === client.OPEN) client.send(message);
  });

  function serveClient(client: WebSocket): void {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => clients.delete(client));
    client.on('message', async (raw) => {
      let id = 0;
      let method: unknown;
      let payload: unknown;
      try {
        const parsed = JSON.parse(String(raw)) as { id?: unknown; method?: unknown; request?: unknown };
        if (typeof parsed?.id === 'number' && Number.isSafeInteger(parsed.id)) id = parsed.id;
        method = parsed?.method;
        payload = parsed?.request;
      } catch {
        method = undefined;
      }
      const envelope = await options.core.dispatch(method, payload);
      if (client.readyState === client.OPEN) client.send(JSON.stringify({ id, envelope } satisfies SocketMessage));
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, listenHost, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${hostAndPort()}/?token=${token}`,
    port,
    token,
    async close() {
      stopEvents();
      for (const client of clients) client.terminate();
      sockets.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A file inside the renderer folder, or null for anything that tries to leave it. */
function staticFile(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  const file = normalize(join(root, decoded));
  const inside = relative(root, file);
  if (!inside || inside.startsWith('..') || isAbsolute(inside)) return null;
  return file;
}

function send(response: ServerResponse, status: number, type: string, body: Buffer | string, headers: Record<string, string> = {}): void {
  response.writeHead(status, {
    'Content-Type': type,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    ...headers,
  });
  response.end(body);
}
