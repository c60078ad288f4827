// The one rule for every export target (studio overlay, batch, dream exports, CLI dream record):
// a file at an output path may be kept (resume) or replaced (overwrite) only if Convscope wrote it.
// What says so is the record written FIRST, before the files it describes: the Convscope sidecar
// beside an overlay / frame / animation (it also names the raw map), or a frames folder's
// parameters.json among nothing but frames. A file without such a record is the user's: it is never
// kept as "ours" and never replaced, whatever `overwrite` says. Originals are refused as before.
// Replacing an export also removes what its old record claimed and the new one will not (a raw map
// elsewhere), so nothing of Convscope's is left behind unclaimed.
import { lstat, open, readdir, unlink } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { ApiError } from '../../preload/errors';
import { mapLimited } from '../library/limit';
import { ExistsError, writeFileAtomic } from './atomic';
import { NPY_MAGIC } from './npy';
import { assertNotAnInput } from './same-path';
import { MAX_RECORD_BYTES, MAX_SUMMARY_BYTES, readConvscopeJsonAsync, sidecarPathFor } from './sidecar';

export type Owner = 'absent' | 'convscope' | 'foreign';

export interface OutputTarget {
  path: string;
  owner: Owner;
  /** The record (sidecar, parameters.json, frames folder) that claims the others. */
  record?: boolean;
  /**
   * A file of the earlier export that its record claims but this run does not write (a raw map
   * elsewhere, or none asked for this time): replacing the export removes it, since the new record
   * no longer claims it and it would be left behind as nobody's.
   */
  stale?: boolean;
}

export interface PlannedWrite {
  path: string;
  /** A Convscope file is there and this write replaces it. */
  replace: boolean;
}

export interface OutputPlan {
  /** In write order: the record first. Empty = everything is there already (resume: nothing to do). */
  write: PlannedWrite[];
  /** Convscope files kept as they are (resume). */
  kept: string[];
  /** Convscope files of the export being replaced that this run does not write: removed before the first write. */
  remove: string[];
}

/** A file at an output path that Convscope did not write: refused, even with overwrite. */
export class ForeignFileError extends ApiError {
  constructor(readonly path: string) {
    super('not-allowed', `${path}: exists and was not written by Convscope; not replaced — choose another name or folder`);
    this.name = 'ForeignFileError';
  }
}

type Entry = 'none' | 'file' | 'folder' | 'other';

async function entryAt(path: string): Promise<Entry> {
  try {
    const info = await lstat(path);
    return info.isFile() ? 'file' : info.isDirectory() ? 'folder' : 'other';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return 'none';
    throw error;
  }
}

/** A JSON record (sidecar, parameters.json, summary.json): ours when it says app "convscope". */
export async function recordOwner(record: string, maxBytes = MAX_RECORD_BYTES): Promise<Owner> {
  const entry = await entryAt(record);
  if (entry === 'none') return 'absent';
  return entry === 'file' && (await readConvscopeJsonAsync(record, maxBytes)) ? 'convscope' : 'foreign';
}

/** A file the record describes (the overlay beside its sidecar, a frame beside parameters.json). */
export async function describedOwner(file: string, record: string): Promise<Owner> {
  const entry = await entryAt(file);
  if (entry === 'none') return 'absent';
  return entry === 'file' && (await recordOwner(record)) === 'convscope' ? 'convscope' : 'foreign';
}

/** The raw map: ours when the overlay's sidecar names it (by full path; older sidecars by file name). */
export async function rawMapOwner(rawFile: string, sidecar: string): Promise<Owner> {
  const entry = await entryAt(rawFile);
  if (entry === 'none') return 'absent';
  if (entry !== 'file') return 'foreign';
  const rawMap = (await readConvscopeJsonAsync(sidecar))?.rawMap as { file?: unknown; path?: unknown } | undefined;
  if (!rawMap || typeof rawMap !== 'object') return 'foreign';
  const claimed = typeof rawMap.path === 'string' ? resolve(rawMap.path) === resolve(rawFile) : rawMap.file === basename(rawFile);
  return claimed ? 'convscope' : 'foreign';
}

/**
 * The raw map a Convscope sidecar claims by its full path, when that is still there and still one:
 * a regular .npy file that starts like NumPy's format (what a record says is never enough on its own
 * to remove a file).
 */
export async function claimedRawMap(sidecar: string): Promise<string | undefined> {
  const rawMap = (await readConvscopeJsonAsync(sidecar))?.rawMap as { path?: unknown } | undefined;
  if (!rawMap || typeof rawMap !== 'object' || typeof rawMap.path !== 'string') return undefined;
  const path = resolve(rawMap.path);
  if (extname(path).toLowerCase() !== '.npy' || (await entryAt(path)) !== 'file') return undefined;
  return (await startsWith(path, NPY_MAGIC)) ? path : undefined;
}

async function startsWith(path: string, prefix: Buffer): Promise<boolean> {
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return false;
  try {
    const head = Buffer.alloc(prefix.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return bytesRead === prefix.length && head.equals(prefix);
  } finally {
    await handle.close();
  }
}

export const FRAME_FILE = /^frame-\d{4,}\.png$/;

/** A frames export folder: ours when it holds nothing but frames and Convscope's parameters.json. */
export async function framesFolderOwner(folder: string): Promise<Owner> {
  const entry = await entryAt(folder);
  if (entry === 'none') return 'absent';
  if (entry !== 'folder') return 'foreign';
  const names = await readdir(folder);
  const onlyFrames = names.every((name) => FRAME_FILE.test(name) || name === 'parameters.json');
  return onlyFrames && (await recordOwner(join(folder, 'parameters.json'))) === 'convscope' ? 'convscope' : 'foreign';
}

/** The files a CLI dream or a frames export writes beside its parameters.json. */
const DREAM_FOLDER_FILE = (name: string): boolean => FRAME_FILE.test(name) || name === 'final.png';

/** Records read at once while listing a folder (each one a file descriptor). */
const RECORD_READS = 16;
/** summary.json and summary-<time>.json: a batch's log, larger than a sidecar. */
const SUMMARY_NAME = /^summary(-[^/\\]*)?\.json$/i;

export interface ConvscopeFiles {
  /** Names Convscope wrote. */
  ours: Set<string>;
  /** Names whose record could not be read (EMFILE, EACCES, …), so nobody can tell whose they are; with why. */
  unknown: Map<string, string>;
}

/**
 * Which of `names` (files of the folder `dir`) Convscope wrote, by the same records as above: an
 * image whose sidecar beside it is Convscope's (and is not the sidecar of this very file as an
 * original: a photo a.jpg beside the export a.png + a.json stays the user's), a frame or final.png
 * of a folder whose parameters.json is Convscope's, and Convscope's JSON records themselves.
 * `siblings`: every file name in the folder, so that no record is read where none exists (a folder
 * of photos without JSON files costs no read at all). Records are read a few at a time, and only
 * their first MAX_RECORD_BYTES; a record that exists but cannot be read puts the names it decides
 * into `unknown` instead of guessing.
 */
export async function convscopeFilesAmong(dir: string, names: readonly string[], siblings: ReadonlySet<string>): Promise<ConvscopeFiles> {
  const records = new Map<string, Promise<Record<string, unknown> | null>>();
  const record = (name: string) => {
    let read = records.get(name);
    if (!read) records.set(name, (read = readConvscopeJsonAsync(join(dir, name), SUMMARY_NAME.test(name) ? MAX_SUMMARY_BYTES : MAX_RECORD_BYTES)));
    return read;
  };
  const ours = new Set<string>();
  const unknown = new Map<string, string>();
  const cannotRead = (name: string, recordName: string, error: unknown): void => {
    const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    unknown.set(name, `cannot tell whether Convscope wrote it: ${join(dir, recordName)} could not be read (${code})`);
  };
  let dreamFolder = false;
  let dreamFolderError: unknown;
  if (siblings.has('parameters.json')) {
    try {
      dreamFolder = (await record('parameters.json')) !== null;
    } catch (error) {
      dreamFolderError = error;
    }
  }
  await mapLimited(names, RECORD_READS, async (name) => {
    const path = join(dir, name);
    let recordName = name;
    try {
      if (extname(name).toLowerCase() === '.json') {
        if (await record(name)) ours.add(name);
        return;
      }
      if (DREAM_FOLDER_FILE(name)) {
        if (dreamFolderError !== undefined) return cannotRead(name, 'parameters.json', dreamFolderError);
        if (dreamFolder) {
          ours.add(name);
          return;
        }
      }
      recordName = basename(sidecarPathFor(path));
      if (recordName === name || !siblings.has(recordName)) return;
      const document = await record(recordName);
      if (document && !(typeof document.photo === 'string' && resolve(document.photo) === resolve(path))) ours.add(name);
    } catch (error) {
      cannotRead(name, recordName, error);
    }
  });
  return { ours, unknown };
}

/**
 * An export with a sidecar beside it (overlay, dream frame, animation), plus an optional raw map. In
 * write order. A raw map the earlier sidecar claims elsewhere (or when none is asked for now) comes
 * last, as `stale`.
 */
export async function sidecarOutputs(file: string, rawFile?: string): Promise<OutputTarget[]> {
  const sidecar = sidecarPathFor(file);
  const owner = await recordOwner(sidecar);
  const earlierRaw = owner === 'convscope' ? await claimedRawMap(sidecar) : undefined;
  const stale = earlierRaw !== undefined && (!rawFile || resolve(rawFile) !== earlierRaw);
  return [
    { path: sidecar, owner, record: true },
    ...(rawFile ? [{ path: rawFile, owner: await rawMapOwner(rawFile, sidecar) }] : []),
    { path: file, owner: await describedOwner(file, sidecar) },
    ...(stale ? [{ path: earlierRaw, owner: 'convscope' as const, stale: true }] : []),
  ];
}

/** An overlay export's targets after the checks that need no work: .png and .npy names, distinct paths, no folders. */
export async function overlayOutputs(outFile: string, rawFile?: string): Promise<OutputTarget[]> {
  if (extname(outFile).toLowerCase() !== '.png') throw new ApiError('invalid-request', `${outFile}: the overlay is written as PNG; give the file a .png name`);
  if (rawFile && extname(rawFile).toLowerCase() !== '.npy') throw new ApiError('invalid-request', `${rawFile}: the raw map is written as NumPy .npy; give the file a .npy name`);
  const sidecar = sidecarPathFor(outFile);
  const paths = [outFile, sidecar, ...(rawFile ? [rawFile] : [])];
  if (new Set(paths.map((path) => resolve(path))).size !== paths.length) {
    throw new ApiError('invalid-request', `${rawFile}: the raw map must not share a path with the overlay or its sidecar`);
  }
  for (const path of paths) {
    if ((await entryAt(path)) === 'folder') throw new ApiError('invalid-request', `${path}: is a folder; give a file name`);
  }
  return sidecarOutputs(outFile, rawFile);
}

/** A frames export folder (written whole, so it is its own record). */
export async function framesFolderOutputs(folder: string): Promise<OutputTarget[]> {
  return [{ path: folder, owner: await framesFolderOwner(folder), record: true }];
}

/** A record and the files already in its folder that it describes (the CLI dream's frames). */
export async function recordOutputs(record: string, described: readonly string[] = []): Promise<OutputTarget[]> {
  return [
    { path: record, owner: await recordOwner(record), record: true },
    ...(await Promise.all(described.map(async (path) => ({ path, owner: await describedOwner(path, record) })))),
  ];
}

export interface PlanOptions {
  overwrite: boolean;
  /** Resume: Convscope outputs already there are kept and only the missing ones written. */
  keepExisting?: boolean;
  /** Original photos: never written, even with overwrite. */
  inputs: readonly string[];
}

/**
 * The rule, checked before any work so a refused export costs nothing and writes nothing:
 * an original at a target → InputOverwriteError; a file Convscope did not write → ForeignFileError
 * (even with overwrite); Convscope files → replaced with overwrite (and the earlier export's files
 * this run does not write are removed), kept with keepExisting (the record is written again so it
 * claims what this run adds), else ExistsError naming every one.
 */
export async function planOutputs(targets: readonly OutputTarget[], options: PlanOptions): Promise<OutputPlan> {
  for (const target of targets) await assertNotAnInput(target.path, options.inputs);
  const foreign = targets.find((target) => target.owner === 'foreign');
  if (foreign) throw new ForeignFileError(foreign.path);
  const stale = targets.filter((target) => target.stale).map((target) => target.path);
  const written = targets.filter((target) => !target.stale);
  const existing = targets.filter((target) => target.owner === 'convscope');
  const all = (): PlannedWrite[] => written.map((target) => ({ path: target.path, replace: target.owner === 'convscope' }));
  if (options.overwrite || existing.length === 0) return { write: all(), kept: [], remove: stale };
  if (!options.keepExisting) throw new ExistsError(existing.map((target) => target.path));
  if (stale.length > 0) {
    // Resuming would rewrite the record without them: they would be left behind as nobody's.
    throw new ExistsError(stale, stale.map((path) => `${path}: the earlier export's raw map, which this run does not write; pass overwrite to replace that export`).join('\n'));
  }
  if (existing.length === written.length) return { write: [], kept: existing.map((target) => target.path), remove: [] };
  const write = written.filter((target) => target.owner === 'absent' || target.record);
  return {
    write: write.map((target) => ({ path: target.path, replace: target.owner === 'convscope' })),
    kept: written.filter((target) => !write.includes(target)).map((target) => target.path),
    remove: [],
  };
}

/**
 * Removes what the plan drops, then writes the planned files in order, each atomically; all content
 * is computed before the first change. Dropped files go first: an export cut off right after still
 * has its old record, which then claims a file that is simply gone.
 */
export async function writePlanned(plan: OutputPlan, content: ReadonlyMap<string, Buffer | string>, inputs: readonly string[]): Promise<void> {
  for (const { path } of plan.write) if (!content.has(path)) throw new Error(`${path}: nothing to write (internal)`);
  for (const path of plan.remove) {
    await assertNotAnInput(path, inputs);
    await unlink(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
  for (const { path, replace } of plan.write) await writeFileAtomic(path, content.get(path)!, { overwrite: replace, inputs });
}
