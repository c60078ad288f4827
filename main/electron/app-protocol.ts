// The studio page's own origin in Electron: app://convscope/… serves the built renderer (out/renderer)
// and nothing else. Chromium treats every file: URL as one origin, so on a file:// page CSP 'self'
// would allow any local file as a script or image and the header-only directives (frame-ancestors)
// would be lost; a privileged standard scheme gives the page a real origin and real response headers.
// Everything here is plain Node (no Electron), so it is unit-tested directly.
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { isInside } from '../library/guard';
import { ELECTRON_CSP } from './security';

export const APP_SCHEME = 'app';
export const APP_HOST = 'convscope';
/** The page's origin: what CSP 'self' means in Electron, and the one origin the media scheme allows. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * Privileges for protocol.registerSchemesAsPrivileged (before app ready): a standard, secure origin
 * that may fetch() its own files and keeps V8's code cache. Not corsEnabled: nothing else may read it.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, codeCache: true } as const;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

export interface AppFileResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

/** Headers on every app:// response, errors included. */
function baseHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': ELECTRON_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-cache',
  };
}

function failure(status: number, message: string): AppFileResponse {
  return { status, headers: baseHeaders('text/plain; charset=utf-8'), body: message };
}

/**
 * The file under `rendererDir` that an app:// URL names, or null. The decoded path may not hold
 * `..`, NUL or backslashes; the file's real path (symlinks resolved) must lie inside the real
 * `rendererDir` (path.relative, not startsWith: `renderer-evil` is not inside `renderer`).
 */
export async function resolveAppFile(rendererDir: string, requestUrl: string): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || url.username || url.password || url.port) return null;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return null; // malformed percent-encoding
  }
  if (path === '' || path === '/') path = '/index.html';
  if (path.includes('\0') || path.includes('\\')) return null;
  const segments = path.split('/').filter((segment) => segment !== '');
  if (segments.length === 0 || segments.some((segment) => segment === '..' || segment === '.')) return null;
  let root: string;
  let real: string;
  try {
    root = await realpath(rendererDir);
    real = await realpath(join(root, ...segments));
    if (!(await stat(real)).isFile()) return null;
  } catch {
    return null;
  }
  return isInside(root, real) ? real : null;
}

/** The response to one app:// request: a renderer file with its MIME type and the studio's CSP, or an error. */
export async function appFileResponse(rendererDir: string, requestUrl: string, method = 'GET'): Promise<AppFileResponse> {
  if (method !== 'GET' && method !== 'HEAD') return failure(405, 'method not allowed');
  const file = await resolveAppFile(rendererDir, requestUrl);
  if (!file) return failure(404, 'not found');
  const body = await readFile(file).catch(() => null);
  if (!body) return failure(404, 'not found');
  const contentType = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  return { status: 200, headers: baseHeaders(contentType), body: method === 'HEAD' ? '' : body };
}

/**
 * Headers for convscope-media: responses. The page (app://convscope) is another origin than the
 * media scheme, which is registered corsEnabled so the page may also read its images back (canvas
 * pixels, crossorigin loads); the CORS header names the page's origin, never `*`.
 */
export function mediaHeaders(contentType: string, pageOrigin: string = APP_ORIGIN): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Access-Control-Allow-Origin': pageOrigin,
    Vary: 'Origin',
    'X-Content-Type-Options': 'nosniff',
  };
}
