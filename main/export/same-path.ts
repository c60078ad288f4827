// Exports must never replace an original photo: compare by file identity (device + inode: catches
// hard links, symlinks and case-insensitive file systems), else by resolved real path.
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

export class InputOverwriteError extends Error {
  constructor(readonly path: string) {
    super(`${path}: is an original photo; exports never overwrite inputs`);
    this.name = 'InputOverwriteError';
  }
}

/** Real path of `path`, or of its folder joined with its name when the file does not exist yet. */
async function realish(path: string): Promise<string> {
  const absolute = resolve(path);
  try {
    return await realpath(absolute);
  } catch {
    try {
      return join(await realpath(dirname(absolute)), basename(absolute));
    } catch {
      return absolute;
    }
  }
}

export async function isSamePath(a: string, b: string): Promise<boolean> {
  const [statA, statB] = await Promise.all([stat(a).catch(() => null), stat(b).catch(() => null)]);
  if (statA && statB) return statA.dev === statB.dev && statA.ino === statB.ino;
  return (await realish(a)) === (await realish(b));
}

export async function assertNotAnInput(target: string, inputs: readonly string[]): Promise<void> {
  for (const input of inputs) {
    if (await isSamePath(target, input)) throw new InputOverwriteError(target);
  }
}
