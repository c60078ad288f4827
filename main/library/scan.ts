// Folder listings for the library (fast: names and stat only) and `convscope scan` (probes every file).
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, extname, relative, sep } from 'node:path';
import type { FolderListing, PhotoEntry } from '../../preload/contract';
import { hasImageExtension } from '../image/limits';
import { probePhoto, type ScanEntry } from '../image/probe';
import { mapLimited } from './limit';
import { walkFolder } from './walk';

const STAT_CONCURRENCY = 32;

/** What `convscope scan` notes on a file Convscope wrote (the library leaves it out). */
export const CONVSCOPE_EXPORT_NOTE = 'a Convscope export: the library does not show it';

/**
 * Every visible photo (by extension, case-insensitive) under `root`, sorted by relPath. Files
 * Convscope wrote (overlays, dream frames: walk.ts) are not photos and are left out, so neither the
 * library, nor its refresh when the folder changes, nor a batch over it takes them for photos.
 */
export async function listFolder(root: string): Promise<FolderListing> {
  const walk = await walkFolder(root, hasImageExtension);
  const skipped = [...walk.skipped];
  const files = walk.files.filter((file) => !file.convscopeExport);
  const stats = await mapLimited(files, STAT_CONCURRENCY, (file) => stat(file.path).catch(() => null));
  const photos: PhotoEntry[] = [];
  files.forEach((file, i) => {
    const info = stats[i];
    if (!info) skipped.push({ path: file.path, reason: 'cannot read file information' });
    else photos.push({ path: file.path, relPath: file.relPath, name: file.name, bytes: info.size, mtimeMs: info.mtimeMs });
  });
  return { root: walk.root, photos, skipped };
}

export interface ScanOptions {
  onProgress?: (done: number, total: number, entry: ScanEntry) => void;
  /** Files probed at once (default: number of cores). */
  concurrency?: number;
}

/**
 * Every file below `root` with its probe result (files without an image extension are errors),
 * hidden ones and Convscope's own exports included, each with a note (the library does not show
 * them), and every link or folder the walk could not follow, as an error entry.
 */
export async function scanFolder(root: string, options: ScanOptions = {}): Promise<ScanEntry[]> {
  const walk = await walkFolder(root, () => true, true);
  let done = 0;
  const concurrency = options.concurrency ?? availableParallelism();
  const scanned = await mapLimited(walk.files, concurrency, async (file) => {
    const entry = hasImageExtension(file.name) ? await probePhoto(file.path) : await notAnImageFile(file.path, file.name);
    if (relative(walk.root, file.path).split(sep).some((part) => part.startsWith('.'))) {
      entry.notes.push('hidden file: the library does not show it');
    }
    if (file.convscopeExport) entry.notes.push(CONVSCOPE_EXPORT_NOTE);
    done += 1;
    options.onProgress?.(done, walk.files.length, entry);
    return entry;
  });
  const unreachable: ScanEntry[] = walk.skipped.map(({ path, reason }) => ({
    path,
    name: basename(path),
    format: null,
    width: null,
    height: null,
    bytes: 0,
    status: 'error',
    code: 'unreadable',
    reason,
    notes: [],
  }));
  return [...scanned, ...unreachable];
}

async function notAnImageFile(path: string, name: string): Promise<ScanEntry> {
  const bytes = await stat(path).then((info) => info.size, () => 0);
  const ext = extname(name);
  return {
    path,
    name,
    format: null,
    width: null,
    height: null,
    bytes,
    status: 'error',
    code: 'not-an-image',
    reason: ext ? `not an image file type (${ext})` : 'not an image file type (no extension)',
    notes: [],
  };
}
