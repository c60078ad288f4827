// `convscope gradcam <image|folder> --out <file|dir>`: one overlay + sidecar (+ raw map) per photo.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { explainSpec, type ModelSummary } from '../../../preload/contract';
import { listFolder } from '../../library/scan';
import { batchExport } from '../../services/batch-export';
import { EXIT_SOME_FAILED, UsageError } from '../errors';
import { CliSession } from '../session';

export interface GradcamOptions {
  out: string;
  model: string;
  inputRange?: [number, number];
  layer?: string;
  class?: string;
  method: string;
  colormap: string;
  alpha: number;
  threshold: number;
  scorecamChannels: number;
  samples: number;
  igSteps: number;
  raw?: string;
  overwrite?: boolean;
}

export async function gradcamCommand(target: string, options: GradcamOptions): Promise<void> {
  const input = resolve(target);
  const info = await stat(input).catch(() => null);
  if (!info) throw new UsageError(`${input}: no such file or folder`);
  const session = new CliSession();
  try {
    const model = await session.run('models:summary', { model: options.model });
    const spec = explainSpec.parse({
      path: input,
      model: options.model,
      layer: options.layer,
      classIndex: options.class === undefined ? undefined : resolveClass(options.class, model),
      method: options.method,
      colormap: options.colormap,
      alpha: options.alpha,
      threshold: options.threshold,
      scorecamChannels: options.scorecamChannels,
      samples: options.samples,
      steps: options.igSteps,
      inputRange: options.inputRange,
    });
    const overwrite = Boolean(options.overwrite);
    if (!info.isDirectory()) {
      const result = await session.run('exportOverlay', {
        spec,
        outFile: resolve(options.out),
        rawFile: options.raw ? resolve(options.raw) : undefined,
        overwrite,
      });
      process.stdout.write(`${[...result.files, result.sidecar].join('\n')}\n`);
      return;
    }
    const listing = await listFolder(input);
    const summary = await batchExport({
      photos: listing.photos,
      unreadable: listing.skipped,
      spec,
      outDir: resolve(options.out),
      rawDir: options.raw ? resolve(options.raw) : undefined,
      overwrite,
      exportOne: (params) => session.run('exportOverlay', params),
      onPhoto: ({ index, total, photo, status, reason }) => {
        const what = status === 'ok' ? 'ok' : status === 'skipped' ? 'already done, skipped' : `failed: ${reason?.replace(`${photo.path}: `, '')}`;
        process.stderr.write(`[${index + 1}/${total}] ${photo.relPath}: ${what}\n`);
      },
    });
    process.stdout.write(`${summary.done.length} written, ${summary.skipped.length} already done, ${summary.failed.length} failed; summary: ${summary.summaryFile}\n`);
    for (const { path, reason } of summary.failed) process.stdout.write(`failed: ${reason.startsWith(path) ? reason : `${path}: ${reason}`}\n`);
    if (summary.failed.length > 0) process.exitCode = EXIT_SOME_FAILED;
  } finally {
    session.close();
  }
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
