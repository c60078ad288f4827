// The JSON written next to every export: what made it, so it can be reproduced.
import { lstat, open } from 'node:fs/promises';
import { extname } from 'node:path';
import { APP_VERSION } from '../app-version';

export function sidecarJson(fields: Record<string, unknown>): string {
  // app and appVersion come first and always tell the truth, whatever the fields say.
  const document: Record<string, unknown> = { app: 'convscope', appVersion: APP_VERSION };
  for (const [key, value] of Object.entries(fields)) if (key !== 'app' && key !== 'appVersion') document[key] = value;
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function sidecarPathFor(file: string): string {
  return file.slice(0, file.length - extname(file).length) + '.json';
}

/** The document if it is one Convscope wrote (an object whose app is "convscope"), else null. */
function convscopeDocument(text: string): Record<string, unknown> | null {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    return (parsed as { app?: unknown }).app === 'convscope' ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Convscope's sidecars and parameters.json are a few KB: a bigger JSON file is not one, and is not read. */
export const MAX_RECORD_BYTES = 64 * 1024;
/** A batch's summary.json names every photo of the run, so it may be much larger. */
export const MAX_SUMMARY_BYTES = 64 * 1024 * 1024;

/** Nothing (or no regular file) there: not a record. Any other failure (EMFILE, EACCES, EIO…) is the caller's to report. */
const NOT_THERE = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'ELOOP']);

/**
 * The JSON document at `file` if Convscope wrote it (a regular file, at most `maxBytes`, whose app
 * is "convscope"), else null. Null only when there is no such file or it is not Convscope's; a file
 * that cannot be read (too many open files, permission, I/O) throws, so that nobody mistakes "could
 * not look" for "not ours".
 */
export async function readConvscopeJsonAsync(file: string, maxBytes = MAX_RECORD_BYTES): Promise<Record<string, unknown> | null> {
  try {
    const info = await lstat(file);
    if (!info.isFile() || info.size > maxBytes) return null;
    const handle = await open(file, 'r');
    try {
      // At most maxBytes + 1 bytes, however the file grew since: one byte more says "too big".
      const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
      let length = 0;
      while (length < buffer.length) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
        if (bytesRead === 0) break;
        length += bytesRead;
      }
      if (length > maxBytes) return null;
      return convscopeDocument(buffer.toString('utf8', 0, length));
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (NOT_THERE.has((error as NodeJS.ErrnoException).code ?? '')) return null;
    throw error;
  }
}
