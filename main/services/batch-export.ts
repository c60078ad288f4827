// Overlays for a whole folder (or a selection): one result per photo, resume by skipping finished
// ones, every failure listed in summary.json and the run goes on. The CLI and the studio both use it.
import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { ApiError, DEFAULT_EXPORT_TEMPLATE, type ExplainSpec, type ExportResult, type PhotoEntry } from '../../preload/contract';
import { throwIfAborted } from '../abort';
import { writeFileAtomic } from '../export/atomic';
import { exportName } from '../export/naming';
import { overlayOutputs, planOutputs } from '../export/ownership';
import { isConvscopeExport, isConvscopeJson, sidecarJson, sidecarPathFor } from '../export/sidecar';
import { isInside } from '../library/guard';
import type { OverlayExportParams } from './compute/exports';
import { toApiError } from './errors';

export interface BatchExportOptions {
  photos: PhotoEntry[];
  /** Files the listing could not read (reported as failures). */
  unreadable?: { path: string; reason: string }[];
  /** Applied to every photo (its path is replaced). */
  spec: ExplainSpec;
  outDir: string;
  rawDir?: string;
  template?: string;
  overwrite: boolean;
  exportOne(params: OverlayExportParams): Promise<ExportResult>;
  onPhoto?(event: { index: number; total: number; photo: PhotoEntry; status: 'ok' | 'skipped' | 'failed'; reason?: string }): void;
  signal?: AbortSignal;
}

export interface BatchSummary {
  done: string[];
  skipped: string[];
  failed: { path: string; reason: string }[];
  /** '' when none was written (nothing exported and the output folder did not exist). */
  summaryFile: string;
}

interface Planned {
  photo: PhotoEntry;
  outFile: string;
  rawFile?: string;
}

/**
 * Where each photo's results go. Earlier results inside the output folder are left out: files with a
 * Convscope sidecar beside them. Any other file is the user's photo and is explained like the rest,
 * even when it sits at another photo's output path (that photo is then refused: its output would
 * replace an original). Two photos that would share a name (a.jpg, a.png) keep their extension in it.
 */
export function planBatch(options: Pick<BatchExportOptions, 'photos' | 'spec' | 'outDir' | 'rawDir' | 'template'>): Planned[] {
  return placeResults(
    options.photos.filter((photo) => !(isInside(options.outDir, photo.path) && isConvscopeExport(photo.path))),
    options,
  );
}

function placeResults(photos: PhotoEntry[], options: Pick<BatchExportOptions, 'spec' | 'outDir' | 'rawDir' | 'template'>): Planned[] {
  const { spec, outDir, rawDir } = options;
  const stemOf = (photo: PhotoEntry): string => join(dirname(photo.relPath), basename(photo.relPath, extname(photo.relPath)));
  const counts = new Map<string, number>();
  for (const photo of photos) counts.set(stemOf(photo), (counts.get(stemOf(photo)) ?? 0) + 1);
  return photos.map((photo) => {
    const base = basename(photo.relPath, extname(photo.relPath));
    const name = (counts.get(stemOf(photo)) ?? 0) > 1 ? `${base}-${extname(photo.relPath).slice(1)}` : base;
    const stem = exportName(options.template ?? DEFAULT_EXPORT_TEMPLATE, {
      name,
      method: spec.method,
      layer: spec.layer,
      class: spec.classIndex === undefined ? undefined : String(spec.classIndex),
    });
    const subfolder = dirname(photo.relPath);
    return {
      photo,
      outFile: join(outDir, subfolder, `${stem}.png`),
      rawFile: rawDir ? join(rawDir, subfolder, `${stem}.npy`) : undefined,
    };
  });
}

/** summary.json is this run's log and replaces an earlier run's; a file of the user's of that name is kept. */
function summaryPath(outDir: string): string {
  const usual = join(outDir, 'summary.json');
  if (!existsSync(usual) || isConvscopeJson(usual)) return usual;
  return join(outDir, `summary-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
}

/** A folder, or nothing yet; anything else cannot hold the results. */
async function checkFolder(path: string, what: string): Promise<void> {
  const info = await stat(path).catch(() => null);
  if (info && !info.isDirectory()) throw new ApiError('invalid-request', `${path}: is not a folder; choose another ${what}`);
}

export async function batchExport(options: BatchExportOptions): Promise<BatchSummary> {
  const { spec, outDir } = options;
  await checkFolder(outDir, 'output folder');
  if (options.rawDir) await checkFolder(options.rawDir, 'raw map folder');
  const plan = planBatch(options);
  // The photos being explained (earlier results in the output folder are outputs, not originals).
  const originals = new Set(plan.map(({ photo }) => resolve(photo.path)));
  const done: string[] = [];
  const skipped: string[] = [];
  const failed = [...(options.unreadable ?? [])];
  for (const [index, { photo, outFile, rawFile }] of plan.entries()) {
    throwIfAborted(options.signal);
    const report = (status: 'ok' | 'skipped' | 'failed', reason?: string): void => options.onPhoto?.({ index, total: plan.length, photo, status, reason });
    const fail = (reason: string): void => {
      failed.push({ path: photo.path, reason });
      report('failed', reason);
    };
    const targets = [outFile, sidecarPathFor(outFile), ...(rawFile ? [rawFile] : [])];
    const original = targets.find((target) => originals.has(resolve(target)));
    if (original) {
      fail(`${original}: is an original photo; exports never overwrite inputs`);
      continue;
    }
    try {
      // The shared rule: a Convscope result is kept (resume) or replaced (overwrite); anything else
      // at a target fails this photo only. A photo cut off half-way gets only its missing outputs.
      const outputs = await planOutputs(await overlayOutputs(outFile, rawFile), { overwrite: options.overwrite, keepExisting: true, inputs: [photo.path] });
      if (outputs.write.length === 0) {
        skipped.push(photo.path);
        report('skipped');
        continue;
      }
      await options.exportOne({ spec: { ...spec, path: photo.path }, outFile, rawFile, overwrite: options.overwrite, keepExisting: true });
      done.push(photo.path);
      report('ok');
    } catch (error) {
      const shape = toApiError(error);
      if (shape.code === 'cancelled') throw error;
      fail(shape.message.replace(/\s*\n\s*/g, ' '));
    }
  }
  // The run's log goes into the output folder, which is created only for results: a batch whose
  // every photo was refused leaves no new folder behind (its failures are in the answer).
  if (done.length === 0 && !(await stat(outDir).catch(() => null))) return { done, skipped, failed, summaryFile: '' };
  await mkdir(outDir, { recursive: true });
  const summaryFile = summaryPath(outDir);
  await writeFileAtomic(summaryFile, sidecarJson({ parameters: { ...spec, path: undefined }, done, skipped, failed }), { overwrite: true });
  return { done, skipped, failed, summaryFile };
}
