// `convscope gradcam <image|folder> --out <file|dir>`: one overlay + sidecar (+ raw map) per photo.
import { stat, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { explainSpec, type ExportResult, type ModelSummary } from '../../../preload/contract';
import { listFolder } from '../../library/scan';
import { exportName } from '../../export/naming';
import { writeFileAtomic } from '../../export/atomic';
import { sidecarJson } from '../../export/sidecar';
import { sidecarPathFor } from '../../services/compute/exports';
import { EXIT_SOME_FAILED, UsageError, oneLine } from '../errors';
import { CliSession } from '../session';
import { toApiError } from '../../services/errors';

export interface GradcamOptions {
  out: string;
  model: string;
  inputRange?: [number, number];
  layer?: string;
  class?: string;
  method: string;
  colormap: string;
  alpha: number;
  raw?: string;
  overwrite?: boolean;
}

export async function gradcamCommand(target: string, options: GradcamOptions): Promise<void> {
  const input = resolve(target);
  const info = await stat(input).catch(() => null);
  if (!info) throw new UsageError(`${input}: no such file or folder`);
  const session = new CliSession();
  try {
    const model = await session.run<ModelSummary>('models:summary', { model: options.model });
    const classIndex = options.class === undefined ? undefined : resolveClass(options.class, model);
    const specFor = (path: string) =>
      explainSpec.parse({
        path,
        model: options.model,
        layer: options.layer,
        classIndex,
        method: options.method,
        colormap: options.colormap,
        alpha: options.alpha,
        inputRange: options.inputRange,
      });
    if (!info.isDirectory()) {
      const outFile = resolve(options.out);
      const result = await session.run<ExportResult>('exportOverlay', {
        spec: specFor(input),
        outFile,
        rawFile: options.raw ? resolve(options.raw) : undefined,
        overwrite: Boolean(options.overwrite),
      });
      process.stdout.write(`${[...result.files, result.sidecar].join('\n')}\n`);
      return;
    }
    await gradcamFolder(session, input, options, specFor);
  } finally {
    session.close();
  }
}

async function gradcamFolder(session: CliSession, folder: string, options: GradcamOptions, specFor: (path: string) => unknown): Promise<void> {
  const outDir = resolve(options.out);
  const rawDir = options.raw ? resolve(options.raw) : undefined;
  const listing = await listFolder(folder);
  const done: string[] = [];
  const skipped: string[] = [];
  const failed: { path: string; reason: string }[] = [];
  for (const [position, photo] of listing.photos.entries()) {
    const stem = exportName('{name}-{method}', { name: basename(photo.relPath, extname(photo.relPath)), method: options.method });
    const subfolder = dirname(photo.relPath);
    const outFile = join(outDir, subfolder, `${stem}.png`);
    const rawFile = rawDir ? join(rawDir, subfolder, `${stem}.npy`) : undefined;
    const prefix = `[${position + 1}/${listing.photos.length}] ${photo.relPath}`;
    // Resume: a photo whose overlay and sidecar (and raw map) exist was finished by an earlier run.
    if (!options.overwrite && existsSync(outFile) && existsSync(sidecarPathFor(outFile)) && (!rawFile || existsSync(rawFile))) {
      skipped.push(photo.path);
      process.stderr.write(`${prefix}: already done, skipped\n`);
      continue;
    }
    try {
      await mkdir(dirname(outFile), { recursive: true });
      if (rawFile) await mkdir(dirname(rawFile), { recursive: true });
      await session.run<ExportResult>('exportOverlay', { spec: specFor(photo.path), outFile, rawFile, overwrite: Boolean(options.overwrite) });
      done.push(photo.path);
      process.stderr.write(`${prefix}: ok\n`);
    } catch (error) {
      const reason = oneLine(toApiError(error).message);
      failed.push({ path: photo.path, reason });
      process.stderr.write(`${prefix}: failed: ${reason}\n`);
    }
  }
  for (const entry of listing.skipped) failed.push({ path: entry.path, reason: entry.reason });
  await mkdir(outDir, { recursive: true });
  const summaryFile = join(outDir, 'summary.json');
  await writeFileAtomic(summaryFile, sidecarJson({ folder, method: options.method, model: options.model, done, skipped, failed }), { overwrite: true });
  process.stdout.write(`${done.length} written, ${skipped.length} already done, ${failed.length} failed; summary: ${summaryFile}\n`);
  for (const failure of failed) process.stdout.write(`failed: ${failure.path}: ${failure.reason}\n`);
  if (failed.length > 0) process.exitCode = EXIT_SOME_FAILED;
}

/** A class given as an index or a label (case-insensitive). */
function resolveClass(value: string, model: ModelSummary): number {
  if (/^\d+$/.test(value)) {
    const index = Number(value);
    if (index >= model.labels.length) throw new UsageError(`--class ${index}: ${model.name} has ${model.labels.length} classes (0–${model.labels.length - 1})`);
    return index;
  }
  const index = model.labels.findIndex((label) => label.toLowerCase() === value.toLowerCase());
  if (index < 0) throw new UsageError(`--class "${value}" is not a label of ${model.name} (labels: ${model.labels.slice(0, 10).join(', ')}${model.labels.length > 10 ? ', …' : ''})`);
  return index;
}
