// Writes a whole file or nothing: temp file in the same folder, fsync, then link/rename into place.
// Without `overwrite`, the final step is link(), which fails if the target appeared meanwhile.
import { randomBytes } from 'node:crypto';
import { link, lstat, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { assertNotAnInput } from './same-path';

/** Listed in full so "overwrite?" can name every file it would replace. */
const MAX_LISTED = 50;

/**
 * One or more outputs already exist and would be replaced with overwrite; the message names each one
 * (a line per file) unless the caller says why in its own words. `paths` lists them all.
 */
export class ExistsError extends Error {
  readonly paths: readonly string[];
  constructor(paths: string | readonly string[], message?: string) {
    const list = typeof paths === 'string' ? [paths] : [...paths];
    const lines = list.slice(0, MAX_LISTED).map((path) => `${path}: already exists (not overwritten)`);
    if (list.length > MAX_LISTED) lines.push(`… and ${list.length - MAX_LISTED} more`);
    super(message ?? lines.join('\n'));
    this.name = 'ExistsError';
    this.paths = list;
  }

  /** The first existing file. */
  get path(): string {
    return this.paths[0] ?? '';
  }
}

export interface WriteOptions {
  overwrite?: boolean;
  /** Original photos: writing onto any of them is refused even with `overwrite`. */
  inputs?: readonly string[];
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
}

export async function writeFileAtomic(target: string, data: Buffer | string, options: WriteOptions = {}): Promise<void> {
  if (options.inputs?.length) await assertNotAnInput(target, options.inputs);
  if (!options.overwrite && (await exists(target))) throw new ExistsError(target);
  const dir = dirname(target);
  const temp = join(dir, `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.overwrite) {
      await rename(temp, target);
    } else {
      await linkExclusive(temp, target);
    }
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncFolder(dir);
}

async function linkExclusive(temp: string, target: string): Promise<void> {
  try {
    await link(temp, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new ExistsError(target);
    // File systems without hard links (FAT, some network shares): re-check, then rename.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
    if (await exists(target)) throw new ExistsError(target);
    await rename(temp, target);
    return;
  }
  await unlink(temp);
}

/** Makes the rename durable; not every platform can open a folder, which only costs durability. */
async function syncFolder(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows and some file systems refuse fsync on folders.
  }
}
