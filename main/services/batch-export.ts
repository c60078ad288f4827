// Overlays for a whole folder (or a selection): one result per photo, resume by skipping finished
// ones, every failure listed in summary.json and the run goes on. The CLI and the studio both use it.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { ExplainSpec, ExportResult, PhotoEntry } from '../../preload/contract';
import { writeFileAtomic } from '../export/atomic';
import { DEFAULT_EXPORT_TEMPLATE, exportName } from '../export/naming';
import { sidecarJson } from '../export/sidecar';
import { sidecarPathFor } from './compute/exports';
import type { OverlayExportParams } from './compute/exports';
import { throwIfAborted, toApiError } from './errors';

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
  summaryFile: string;
}

export async function batchExport(options: BatchExportOptions): Promise<BatchSummary> {
  const { photos, spec, outDir, rawDir } = options;
  const done: string[] = [];
  const skipped: string[] = [];
  const failed = [...(options.unreadable ?? [])];
  for (const [index, photo] of photos.entries()) {
    throwIfAborted(options.signal);
    const stem = exportName(options.template ?? DEFAULT_EXPORT_TEMPLATE, {
      name: basename(photo.relPath, extname(photo.relPath)),
      method: spec.method,
      layer: spec.layer,
      class: spec.classIndex === undefined ? undefined : String(spec.classIndex),
    });
    const subfolder = dirname(photo.relPath);
    const outFile = join(outDir, subfolder, `${stem}.png`);
    const rawFile = rawDir ? join(rawDir, subfolder, `${stem}.npy`) : undefined;
    const report = (status: 'ok' | 'skipped' | 'failed', reason?: string): void => options.onPhoto?.({ index, total: photos.length, photo, status, reason });
    if (!options.overwrite && existsSync(outFile) && existsSync(sidecarPathFor(outFile)) && (!rawFile || existsSync(rawFile))) {
      skipped.push(photo.path);
      report('skipped');
      continue;
    }
    try {
      await mkdir(dirname(outFile), { recursive: true });
      if (rawFile) await mkdir(dirname(rawFile), { recursive: true });
      await options.exportOne({ spec: { ...spec, path: photo.path }, outFile, rawFile, overwrite: options.overwrite });
      done.push(photo.path);
      report('ok');
    } catch (error) {
      const shape = toApiError(error);
      if (shape.code === 'cancelled') throw error;
      const reason = shape.message.replace(/\s*\n\s*/g, ' ');
      failed.push({ path: photo.path, reason });
      report('failed', reason);
    }
  }
  await mkdir(outDir, { recursive: true });
  const summaryFile = join(outDir, 'summary.json');
  await writeFileAtomic(summaryFile, sidecarJson({ method: spec.method, model: spec.model, layer: spec.layer, done, skipped, failed }), { overwrite: true });
  return { done, skipped, failed, summaryFile };
}
