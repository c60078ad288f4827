// Streams one URL into one file: resumes with HTTP Range when the server and a validator allow it,
// restarts the file otherwise, hashes as it writes, and turns every failure into a ModelDownloadError.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat, truncate } from 'node:fs/promises';
import { ModelDownloadError } from './errors';

/** What the partial folder remembers about one file between attempts. */
export interface FileState {
  done?: boolean;
  bytes?: number;
  sha256?: string;
  /** Strong ETag or Last-Modified of the response that wrote the bytes on disk (for If-Range). */
  validator?: string;
  /** Full size the server announced, when it did. */
  total?: number;
}

export interface FetchFileArgs {
  url: string;
  dest: string;
  /** The file's name in the model folder, for messages and progress. */
  file: string;
  /** Mutated in place; `save` persists it. */
  state: FileState;
  save: () => Promise<void>;
  fetch: typeof fetch;
  signal: AbortSignal;
  /** Fires when the user's signal fired (distinguishes "cancelled" from our stall timeout). */
  cancelled: () => boolean;
  /** No byte for this long → the attempt fails with code 'network'. */
  stallTimeoutMs: number;
  /** Bytes already on disk that count towards this file (called once before any onBytes). */
  onStart: (bytesOnDisk: number, total: number | null) => void;
  onBytes: (n: number) => void;
}

const OFFLINE_CODES: Record<string, string> = {
  ENOTFOUND: 'name lookup failed',
  EAI_AGAIN: 'name lookup failed',
  EAI_NONAME: 'name lookup failed',
  ECONNREFUSED: 'connection refused',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'host unreachable',
  ENETDOWN: 'network down',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

/** Every `code` in an error's cause chain (undici nests them; happy-eyeballs wraps them in AggregateError). */
function errorCodes(error: unknown, depth = 0): string[] {
  if (!error || typeof error !== 'object' || depth > 5) return [];
  const e = error as { code?: unknown; cause?: unknown; errors?: unknown };
  const own = typeof e.code === 'string' ? [e.code] : [];
  const nested = Array.isArray(e.errors) ? e.errors.flatMap((x) => errorCodes(x, depth + 1)) : [];
  return [...own, ...nested, ...errorCodes(e.cause, depth + 1)];
}

function innermostMessage(error: unknown): string {
  let e = error as { message?: string; cause?: unknown } | undefined;
  let message = e?.message ?? String(error);
  for (let i = 0; i < 5 && e?.cause; i++) {
    e = e.cause as { message?: string; cause?: unknown };
    if (e?.message) message = e.message;
  }
  return message;
}

const hostOf = (url: string) => new URL(url).host;

function isAbort(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'AbortError';
}

export function cancelledError(file: string): ModelDownloadError {
  return new ModelDownloadError('cancelled', `download cancelled while fetching ${file}`, file);
}

/** Classifies a failure of fetch() itself (no response yet). */
export function requestError(error: unknown, url: string, file: string, args: Pick<FetchFileArgs, 'cancelled'>): ModelDownloadError {
  if (error instanceof ModelDownloadError) return error;
  if (args.cancelled()) return cancelledError(file);
  const host = hostOf(url);
  if (isAbort(error)) return new ModelDownloadError('network', `${host} did not answer for ${file} in time; try again`, file);
  const reason = errorCodes(error).map((code) => OFFLINE_CODES[code]).find(Boolean);
  if (reason) {
    return new ModelDownloadError(
      'offline',
      `could not reach ${host} (${reason}): you appear to be offline; the bundled models still work`,
      file,
    );
  }
  return new ModelDownloadError('network', `could not download ${file} from ${host}: ${innermostMessage(error)}`, file);
}

function bodyError(error: unknown, url: string, file: string, args: Pick<FetchFileArgs, 'cancelled'>, stalled: boolean): ModelDownloadError {
  if (error instanceof ModelDownloadError) return error;
  if (args.cancelled()) return cancelledError(file);
  const host = hostOf(url);
  if (stalled) return new ModelDownloadError('network', `the download of ${file} from ${host} stalled; try again to resume`, file);
  const code = (error as NodeJS.ErrnoException).code;
  if (code && /^E[A-Z]+$/.test(code) && !code.startsWith('ECONN') && code !== 'EPIPE') {
    return new ModelDownloadError('io', `could not write ${file}: ${(error as Error).message}`, file);
  }
  return new ModelDownloadError('network', `the connection to ${host} dropped while downloading ${file}; try again to resume`, file);
}

function httpError(response: Response, url: string, file: string): ModelDownloadError {
  const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  return new ModelDownloadError('http', `${hostOf(url)} answered HTTP ${status} for ${file}`, file, response.status);
}

async function sizeOnDisk(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

async function hashExisting(path: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

function strongValidator(response: Response): string | undefined {
  const etag = response.headers.get('etag');
  if (etag && !etag.startsWith('W/')) return etag;
  return response.headers.get('last-modified') ?? undefined;
}

function identityEncoded(response: Response): boolean {
  const encoding = response.headers.get('content-encoding');
  return !encoding || encoding.toLowerCase() === 'identity';
}

function contentLength(response: Response): number | null {
  const raw = response.headers.get('content-length');
  if (raw === null || !/^\d+$/.test(raw.trim()) || !identityEncoded(response)) return null;
  return Number(raw);
}

/** "bytes 100-199/300" → {start: 100, total: 300}; total null for "*". */
function contentRange(response: Response): { start: number; total: number | null } | null {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get('content-range')?.trim() ?? '');
  if (!match) return null;
  return { start: Number(match[1]), total: match[3] === '*' ? null : Number(match[3]) };
}

/**
 * Downloads `url` into `dest` (appending to the bytes already there when the server resumes).
 * Returns the complete file's size and sha256. On failure the bytes on disk and `state` stay,
 * so the next attempt can resume.
 */
export async function fetchFile(args: FetchFileArgs): Promise<{ bytes: number; sha256: string }> {
  const { url, dest, file, state } = args;
  let onDisk = await sizeOnDisk(dest).catch(() => 0);
  const canResume = onDisk > 0 && state.validator !== undefined;
  if (!canResume && onDisk > 0) {
    await truncate(dest, 0);
    onDisk = 0;
  }
  // A file already complete on disk from an attempt that failed before marking it done.
  if (canResume && state.total !== undefined && onDisk === state.total) {
    const hash = createHash('sha256');
    await hashExisting(dest, hash);
    args.onStart(onDisk, onDisk);
    return { bytes: onDisk, sha256: hash.digest('hex') };
  }

  const stall = new AbortController();
  const signal = AbortSignal.any([args.signal, stall.signal]);
  let stalled = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      stall.abort();
    }, args.stallTimeoutMs);
  };

  const headers: Record<string, string> = { 'accept-encoding': 'identity' };
  if (canResume) {
    headers.range = `bytes=${onDisk}-`;
    headers['if-range'] = state.validator!;
  }

  arm();
  let response: Response;
  try {
    response = await args.fetch(url, { headers, signal, redirect: 'follow' });
  } catch (error) {
    clearTimeout(timer);
    throw requestError(error, url, file, args);
  }

  const restart = async (stale: Response) => {
    clearTimeout(timer);
    await stale.body?.cancel().catch(() => undefined);
    state.validator = undefined;
    return fetchFile(args);
  };

  try {
    let start = 0;
    let total: number | null;
    if (canResume && response.status === 206) {
      const range = contentRange(response);
      if (!range || range.start !== onDisk) {
        // The server resumed from somewhere else: start the file over without Range.
        return await restart(response);
      }
      start = onDisk;
      const length = contentLength(response);
      total = range.total ?? (length === null ? null : onDisk + length);
    } else if (canResume && response.status === 416) {
      return await restart(response);
    } else if (response.ok && response.status !== 206) {
      total = contentLength(response);
    } else {
      await response.body?.cancel().catch(() => undefined);
      throw httpError(response, url, file);
    }

    const validator = identityEncoded(response) ? strongValidator(response) : undefined;
    state.validator = validator;
    state.total = total ?? undefined;
    await args.save();

    const hash = createHash('sha256');
    if (start > 0) await hashExisting(dest, hash);
    args.onStart(start, total);

    let written = start;
    const handle = await open(dest, start > 0 ? 'a' : 'w').catch((error) => {
      throw new ModelDownloadError('io', `could not write ${file}: ${(error as Error).message}`, file);
    });
    try {
      if (response.body) {
        for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
          arm();
          await handle.write(chunk);
          hash.update(chunk);
          written += chunk.byteLength;
          args.onBytes(chunk.byteLength);
        }
      }
      await handle.sync();
    } catch (error) {
      throw bodyError(error, url, file, args, stalled);
    } finally {
      await handle.close().catch(() => undefined);
    }

    if (total !== null && written !== total) {
      // Bytes that are known wrong must not be resumed from.
      await truncate(dest, 0).catch(() => undefined);
      state.validator = undefined;
      state.total = undefined;
      await args.save();
      throw new ModelDownloadError(
        'integrity',
        `${file} from ${hostOf(url)} is ${written} bytes but the server announced ${total}; try again`,
        file,
      );
    }
    return { bytes: written, sha256: hash.digest('hex') };
  } finally {
    clearTimeout(timer);
  }
}
