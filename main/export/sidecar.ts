// The JSON written next to every export: what made it, so it can be reproduced.
import { lstatSync, readFileSync } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';
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

/** The JSON document at `file` if Convscope wrote it (a regular file whose app is "convscope"), else null. */
export function readConvscopeJson(file: string): Record<string, unknown> | null {
  try {
    if (!lstatSync(file).isFile()) return null;
    return convscopeDocument(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** readConvscopeJson without blocking (folder listings read many). */
export async function readConvscopeJsonAsync(file: string): Promise<Record<string, unknown> | null> {
  try {
    if (!(await lstat(file)).isFile()) return null;
    return convscopeDocument(await readFile(file, 'utf8'));
  } catch {
    return null;
  }
}

/** True when the JSON file is one Convscope wrote (a sidecar or a batch summary). */
export function isConvscopeJson(file: string): boolean {
  return readConvscopeJson(file) !== null;
}

/** True when the file is an export Convscope wrote: a sidecar beside it says so. */
export function isConvscopeExport(file: string): boolean {
  return isConvscopeJson(sidecarPathFor(file));
}
