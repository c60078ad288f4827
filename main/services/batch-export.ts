// Overlays for a whole folder (or a selection): one result per photo, resume by skipping finished
// ones, every failure listed in summary.json and the run goes on. The CLI and the studio both use it.
// It runs in main (studio) or the CLI: files are only read asynchronously here, and the export rule
// is checked once, by the compute process's exportOverlay.
import { mkdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { ApiError, DEFAULT_EXPORT_TEMPLATE, type ExplainSpec, type ExportResult, type PhotoEntry } from '../../preload/contract';
import { throwIfAborted } from '../abort';
import { ExistsError, writeFileAtomic } from '../export/atomic';
import { exportName } from '../export/naming';
import { recordOwner } from '../export/ownership';
import { MAX_SUMMARY_BYTES, readConvscopeJsonAsync, sidecarJson, sidecarPathFor } from '../export/sidecar';
import { mapLimited } from '../library/limit';
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
  /** The run's log (summary.json, or summary-<time>.json beside a summary.json of the user's). */
  summaryFile: string;
}

interface Planned {
  photo: PhotoEntry;
  outFile: string;
  rawFile?: string;
}

/**
 * Where each photo's results go. Earlier results inside the output folder are left out: files with a
 * Convscope sidecar beside them (that is not the sidecar of the photo itself as an original, as the
 * library tells them apart). Any other file is the user's photo and is explained like the rest, even
 * when it sits at another photo's output path (that photo is then refused: its output would replace
 * an original). Two photos that would share a name (a.jpg, a.png) keep their extension in it. A photo
 * whose sidecar cannot be read is neither: it is listed in `unsure`, with why.
 */
export async function planBatch(options: Pick<BatchExportOptions, 'photos' | 'spec' | 'outDir' | 'rawDir' | 'template'>): Promise<{ planned: Planned[]; unsure: { path: string; reason: string }[] }> {
  const unsure: { path: string; reason: string }[] = [];
  const earlier = await mapLimited(options.photos, 16, async (photo) => {
    if (!isInside(options.outDir, photo.path)) return false;
    const sidecar = sidecarPathFor(photo.path);
    try {
      const document = await readConvscopeJsonAsync(sidecar);
      return document !== null && !(typeof document.photo === 'string' && resolve(document.photo) === resolve(photo.path));
    } catch (error) {
      unsure.push({ path: photo.path, reason: `${photo.path}: cannot tell whether Convscope wrote it: ${sidecar} could not be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` });
      return true;
    }
  });
  return { planned: placeResults(options.photos.filter((_, index) => !earlier[index]), options), unsure };
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

/**
 * Writes this run's log: summary.json replaces an earlier run's (Convscope's, by the same rule as
 * every export), and a file of the user's of that name is kept, the log going to summary-<time>.json.
 */
async function writeSummary(outDir: string, content: string): Promise<string> {
  const usual = join(outDir, 'summary.json');
  const owner = await recordOwner(usual, MAX_SUMMARY_BYTES);
  if (owner !== 'foreign') {
    try {
      await writeFileAtomic(usual, content, { overwrite: owner === 'convscope' });
      return usual;
    } catch (error) {
      // Appeared meanwhile: someone else's now, so it is kept.
      if (!(error instanceof ExistsError)) throw error;
    }
  }
  const dated = join(outDir, `summary-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFileAtomic(dated, content);
  return dated;
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
  const { planned: plan, unsure } = await planBatch(options);
  // The photos being explained (earlier results in the output folder are outputs, not originals).
  const originals = new Set(plan.map(({ photo }) => resolve(photo.path)));
  const done: string[] = [];
  const skipped: string[] = [];
  const failed = [...(options.unreadable ?? []), ...unsure];
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
      // The shared rule, in the compute process: a Convscope result made with these settings is kept
      // (resume: `skipped` when nothing was missing), replaced with overwrite; one made with other
      // settings, or anything else at a target, fails this photo only.
      const result = await options.exportOne({ spec: { ...spec, path: photo.path }, outFile, rawFile, overwrite: options.overwrite, keepExisting: true });
      if (result.skipped) {
        skipped.push(photo.path);
        report('skipped');
      } else {
        done.push(photo.path);
        report('ok');
      }
    } catch (error) {
      const shape = toApiError(error);
      if (shape.code === 'cancelled') throw error;
      fail(shape.message.replace(/\s*\n\s*/g, ' '));
    }
  }
  // Every run over a folder leaves its log, even one whose every photo failed.
  await mkdir(outDir, { recursive: true });
  const summaryFile = await writeSummary(outDir, sidecarJson({ parameters: { ...spec, path: undefined }, done, skipped, failed }));
  return { done, skipped, failed, summaryFile };
}
