// Recursive listing of the visible files under a folder. Hidden entries (leading dot) are skipped;
// symbolic links are never followed, so nothing outside the folder is ever reached. Files Convscope
// wrote (exports: main/export/ownership.ts) are marked, so that no caller takes them for photos.
import { lstat, opendir, realpath, stat } from 'node:fs/promises';
import type { Dirent, Stats } from 'node:fs';
import { join, relative } from 'node:path';
import { convscopeFilesAmong } from '../export/ownership';

export interface WalkedFile {
  path: string;
  relPath: string;
  name: string;
  /** Convscope wrote it (an overlay, a dream frame, a sidecar…), not the user. */
  convscopeExport: boolean;
}

export interface Walk {
  /** Real path of the folder. */
  root: string;
  files: WalkedFile[];
  skipped: { path: string; reason: string }[];
}

export class FolderError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'FolderError';
  }
}

export async function resolveFolder(root: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(root);
    if (!(await stat(real)).isDirectory()) throw new FolderError(root, 'not a folder');
  } catch (error) {
    if (error instanceof FolderError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new FolderError(root, code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'not a folder' : code === 'EACCES' ? 'permission denied' : 'cannot open folder');
  }
  return real;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });
export const byRelPath = (a: { relPath: string }, b: { relPath: string }): number =>
  collator.compare(a.relPath, b.relPath) || (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0);

/** `includeHidden`: also walk dot-files and dot-folders (for `convscope scan`; the library never shows them). */
export async function walkFolder(root: string, accept: (name: string) => boolean = () => true, includeHidden = false): Promise<Walk> {
  const real = await resolveFolder(root);
  const files: WalkedFile[] = [];
  const skipped: Walk['skipped'] = [];
  const pending = [real];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let handle;
    try {
      handle = await opendir(dir, { bufferSize: 256 });
    } catch (error) {
      skipped.push({ path: dir, reason: `folder not readable (${(error as NodeJS.ErrnoException).code ?? 'error'})` });
      continue;
    }
    // Every file's name (accepted or not: sidecars are .json), to tell exports from photos below.
    const siblings = new Set<string>();
    const accepted: string[] = [];
    try {
      for await (const entry of handle) {
        if (entry.name.startsWith('.') && !includeHidden) continue;
        const path = join(dir, entry.name);
        const kind = await kindOf(entry, path);
        if (kind === 'link') {
          if (accept(entry.name)) skipped.push({ path, reason: 'symbolic link (not followed)' });
        } else if (kind === 'dir') {
          pending.push(path);
        } else if (kind === 'file') {
          siblings.add(entry.name);
          if (accept(entry.name)) accepted.push(entry.name);
        }
      }
    } catch (error) {
      skipped.push({ path: dir, reason: `folder not fully readable (${(error as NodeJS.ErrnoException).code ?? 'error'})` });
    }
    const exports = await convscopeFilesAmong(dir, accepted, siblings);
    for (const name of accepted) {
      const path = join(dir, name);
      // Whose it is could not be told (its sidecar unreadable: too many open files, permission):
      // listed as skipped with why, never taken for a photo nor hidden as an export.
      const unknown = exports.unknown.get(name);
      if (unknown) skipped.push({ path, reason: unknown });
      else files.push({ path, relPath: relative(real, path), name, convscopeExport: exports.ours.has(name) });
    }
  }
  files.sort(byRelPath);
  return { root: real, files, skipped };
}

/** Some file systems (network, FUSE) report no entry type; ask lstat then. */
async function kindOf(entry: Dirent, path: string): Promise<'link' | 'dir' | 'file' | 'other'> {
  let info: Dirent | Stats = entry;
  if (!entry.isSymbolicLink() && !entry.isDirectory() && !entry.isFile()) {
    const stats = await lstat(path).catch(() => null);
    if (!stats) return 'other';
    info = stats;
  }
  return info.isSymbolicLink() ? 'link' : info.isDirectory() ? 'dir' : info.isFile() ? 'file' : 'other';
}
