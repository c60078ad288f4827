// The cache folder's layout: <cacheDir>/<id>/ is a complete, verified model (it only ever appears by
// an atomic rename), <cacheDir>/<id>.partial/ is an unfinished download that a retry resumes.
import { readFile, rm, stat, writeFile, rename } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Written last into a finished model folder; its presence and sizes make the folder "cached". */
export const RECORD_FILE = 'download.json';

export interface DownloadRecord {
  id: string;
  url: string;
  completedAt: string;
  /** Every file of the folder (except this record) with its size and sha256. */
  files: Record<string, { bytes: number; sha256: string }>;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** The folder a model id is cached in; ids are plain names so they cannot escape the cache. */
export function modelDir(cacheDir: string, id: string): string {
  if (!ID.test(id) || id.includes('..') || id.endsWith('.partial')) {
    throw new Error(`catalogue: model id ${JSON.stringify(id)} is not a plain folder name`);
  }
  return join(resolve(cacheDir), id);
}

export const partialDir = (finalDir: string) => `${finalDir}.partial`;

export async function readRecord(dir: string): Promise<DownloadRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, RECORD_FILE), 'utf8')) as DownloadRecord;
  } catch {
    return undefined;
  }
}

/** True when `dir` holds a finished download of `url` whose files all have their recorded sizes. */
export async function isCompleteModelDir(dir: string, url?: string): Promise<boolean> {
  const record = await readRecord(dir);
  if (!record || typeof record.files !== 'object' || (url !== undefined && record.url !== url)) return false;
  const checks = Object.entries(record.files).map(async ([file, { bytes }]) => {
    try {
      return (await stat(join(dir, file))).size === bytes;
    } catch {
      return false;
    }
  });
  return (await Promise.all(checks)).every(Boolean) && 'model.json' in record.files;
}

/** Is the model with this id and source URL downloaded and complete? Touches only the disk. */
export async function isModelCached(cacheDir: string, entry: { id: string; url: string }): Promise<boolean> {
  return isCompleteModelDir(modelDir(cacheDir, entry.id), entry.url);
}

/** Removes a cached model and any unfinished download of it. */
export async function deleteCachedModel(cacheDir: string, id: string): Promise<void> {
  const dir = modelDir(cacheDir, id);
  await rm(partialDir(dir), { recursive: true, force: true });
  await rm(dir, { recursive: true, force: true });
}

/** Writes a small file so that a crash leaves either the old content or the new, never half. */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}

/**
 * Moves a verified partial folder into place. A stale final folder (incomplete, or an older URL)
 * is first renamed aside so that `finalDir` is never a mix of the two.
 */
export async function promote(partial: string, finalDir: string): Promise<void> {
  const exists = await stat(finalDir).then(() => true, () => false);
  let stale: string | undefined;
  if (exists) {
    stale = `${finalDir}.stale-${process.pid}-${Date.now()}`;
    await rename(finalDir, stale);
  }
  await rename(partial, finalDir);
  if (stale) await rm(stale, { recursive: true, force: true });
}

const locks = new Map<string, Promise<unknown>>();

/** Runs `task` after every earlier task on the same key has settled (one download per folder). */
export async function withFolderLock<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = locks.get(key) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(task);
  const settled = run.catch(() => undefined);
  locks.set(key, settled);
  try {
    return await run;
  } finally {
    if (locks.get(key) === settled) locks.delete(key);
  }
}
