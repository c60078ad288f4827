// Full-resolution exports: heatmap overlays (+ raw map, + sidecar) and dream frames/animations.
// Every file is written atomically, never over an existing one unless the user said so, and never
// over a file Convscope did not write (main/export/ownership.ts).
import { basename, dirname, extname, join, resolve } from 'node:path';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import type { ExplainSpec, ExportResult } from '../../../preload/contract';
import { ApiError, LAYER_METHODS, methodOptionOf, requestDefaults } from '../../../preload/contract';
import { animationMaxSide, encodeAnimation } from '../../dream/animation';
import type { RgbImage } from '../../image/types';
import { ExistsError, writeFileAtomic } from '../../export/atomic';
import { dreamRecord } from '../../export/dream-record';
import { encodeNpy } from '../../export/npy';
import { claimedRawMap, ForeignFileError, framesFolderOutputs, framesFolderOwner, overlayOutputs, planOutputs, sidecarOutputs, writePlanned } from '../../export/ownership';
import { readConvscopeJsonAsync, sidecarJson, sidecarPathFor } from '../../export/sidecar';
import { decodePhoto } from '../../image/decode';
import { encodePng } from '../../image/encode';
import { throwIfAborted } from '../../abort';
import type { JobContext } from './context';
import { getDream } from './dream-jobs';
import { explainMap, overlayImage, topClass } from './heatmap';
import { getModel } from './models';

export interface OverlayExportParams {
  spec: ExplainSpec;
  /** The overlay PNG; the sidecar goes beside it with a .json extension. */
  outFile: string;
  /** Optional float32 .npy of the raw map (layer resolution, before upsampling and normalisation). */
  rawFile?: string;
  overwrite: boolean;
  /** Resume: Convscope outputs that already exist are kept and only the missing ones are written. */
  keepExisting?: boolean;
}

/** Where the raw map's pixels live: the target layer's grid, or the model input for saliency methods. */
function rawMapSpace(method: ExplainSpec['method'], layer: string): string {
  const onLayerGrid = LAYER_METHODS.includes(method) && method !== 'guided-gradcam';
  return onLayerGrid ? `layer ${layer}` : 'model input (the photo resized to the model input size)';
}

/** The sidecar's `parameters`: how the map was drawn and computed. */
function exportParameters(spec: ExplainSpec, inputRange: readonly [number, number]): Record<string, unknown> {
  const option = methodOptionOf(spec.method);
  return {
    colormap: spec.colormap,
    alpha: spec.alpha,
    threshold: spec.threshold,
    inputRange,
    ...(option ? { [option]: spec[option] } : {}),
  };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const shown = (value: unknown): string => (value === undefined || value === null ? 'none' : typeof value === 'string' ? value : JSON.stringify(value));

/**
 * How the export the sidecar describes was made differently from what `spec` asks for now, compared
 * on the resolved values the sidecar records (default layer, top class): "colormap jet → viridis", ….
 * Empty when they are the same. The top class is only computed when everything else matches.
 */
async function settingsDifferences(stored: Record<string, unknown> | null, spec: ExplainSpec): Promise<string[]> {
  if (!stored) return ['no settings recorded'];
  const model = await getModel(spec.model, spec.inputRange);
  const differences: string[] = [];
  const compare = (name: string, before: unknown, now: unknown): void => {
    if (!same(before, now)) differences.push(`${name} ${shown(before)} → ${shown(now)}`);
  };
  compare('model', stored.model, model.id);
  compare('method', stored.method, spec.method);
  compare('layer', stored.layer, LAYER_METHODS.includes(spec.method) ? (spec.layer ?? model.defaultCamLayer) : null);
  const before = (stored.parameters && typeof stored.parameters === 'object' ? stored.parameters : {}) as Record<string, unknown>;
  const now = exportParameters(spec, model.inputRange);
  for (const key of new Set([...Object.keys(now), ...Object.keys(before)])) compare(key, before[key], now[key]);
  if (differences.length === 0) compare('class', stored.class, spec.classIndex ?? (await topClass(spec)));
  return differences;
}

export async function exportOverlay(params: OverlayExportParams, context: JobContext): Promise<ExportResult> {
  const { spec } = params;
  const sidecar = sidecarPathFor(params.outFile);
  const inputs = [spec.path];
  const resume = Boolean(params.keepExisting) && !params.overwrite;
  // Resuming without a raw map asked for: the one the earlier sidecar claims stays part of the export.
  const rawFile = params.rawFile ?? (resume ? await claimedRawMap(sidecar) : undefined);
  // The shared rule, before any work: originals and files Convscope did not write are never replaced.
  const plan = await planOutputs(await overlayOutputs(params.outFile, rawFile), { overwrite: params.overwrite, keepExisting: params.keepExisting, inputs });
  const files = [params.outFile, ...(rawFile ? [rawFile] : [])];
  if (plan.kept.length > 0) {
    // Files are kept only when they were made as this run would make them; anything else would be
    // kept beside a sidecar that describes settings that never made it.
    const differences = await settingsDifferences(await readConvscopeJsonAsync(sidecar), spec);
    if (differences.length > 0) {
      const existing = [...plan.write.filter((write) => write.replace).map((write) => write.path), ...plan.kept];
      const named = plan.kept.includes(params.outFile) ? params.outFile : plan.kept[0]!;
      throw new ExistsError(existing, `${named}: exists, made with other settings (${differences.join(', ')}); pass overwrite to replace`);
    }
    if (plan.write.length === 0) return { files, sidecar, skipped: true };
  }
  // The map (shared with the studio's heatmap of the same settings), drawn over the full-size photo.
  const explained = await explainMap(spec, context);
  throwIfAborted(context.signal);
  const { image, info } = await decodePhoto(spec.path);
  const overlay = overlayImage(image, explained, spec);
  const png = await encodePng(overlay);
  const { map } = explained.output;
  const fields = {
    photo: spec.path,
    width: overlay.width,
    height: overlay.height,
    model: explained.model.id,
    modelName: explained.model.name,
    // Saliency methods other than Guided Grad-CAM work on the input, not on a layer.
    layer: LAYER_METHODS.includes(spec.method) ? explained.layer : null,
    class: explained.classIndex,
    label: explained.label,
    score: explained.score,
    logit: explained.logit,
    method: spec.method,
    parameters: exportParameters(spec, explained.model.inputRange),
    // `path` is what claims the .npy as Convscope's (the sidecar is written before it).
    rawMap: rawFile
      ? { file: basename(rawFile), path: resolve(rawFile), width: map.width, height: map.height, dtype: 'float32', space: rawMapSpace(spec.method, explained.layer) }
      : undefined,
    completenessGap: explained.output.completenessGap,
    notes: [...info.notes, ...explained.output.notes],
  };
  const content = new Map<string, Buffer | string>([
    [sidecar, sidecarJson(fields)],
    [params.outFile, png],
    ...(rawFile ? [[rawFile, encodeNpy(map.data, [map.height, map.width])] as [string, Buffer]] : []),
  ]);
  throwIfAborted(context.signal);
  await mkdir(dirname(params.outFile), { recursive: true });
  if (rawFile) await mkdir(dirname(rawFile), { recursive: true });
  // Sidecar first, then the raw map, then the overlay: a run cut off in between leaves a sidecar
  // that still claims its outputs (resume fills them in), never an overlay without one.
  await writePlanned(plan, content, inputs);
  return { files, sidecar };
}

export interface DreamExportParams {
  dreamJobId: string;
  outDir: string;
  what: 'frame' | 'frames' | 'webp' | 'gif';
  frame?: number;
  /** Animation speed (frames per second). */
  fps?: number;
  overwrite: boolean;
}

/** An animation's file name: `chelsea-dream-webp.webp`, `chelsea-dream-gif.gif` (sidecars chelsea-dream-webp.json, …). */
export function dreamAnimationName(stem: string, format: 'webp' | 'gif'): string {
  return `${stem}-dream-${format}.${format}`;
}

export async function exportDream(params: DreamExportParams, context: JobContext): Promise<ExportResult> {
  const dream = getDream(params.dreamJobId);
  if (!dream) throw new ApiError('invalid-request', 'that dream is no longer available; run it again to export it');
  const stem = basename(dream.photoPath, extname(dream.photoPath));
  const inputs = [dream.photoPath];
  const options = { overwrite: params.overwrite, inputs };
  const record = dreamRecord({
    photo: dream.photoPath,
    parameters: dream.spec,
    frames: dream.frames.count,
    width: dream.width,
    height: dream.height,
    notes: dream.notes,
    cancelled: dream.cancelled,
  });

  if (params.what === 'frame') {
    // Everything is checked before the output folder is created.
    const index = params.frame ?? dream.frames.count - 1;
    if (index < 0 || index >= dream.frames.count) throw new ApiError('invalid-request', `frame ${index} does not exist (the dream has ${dream.frames.count})`);
    const file = join(params.outDir, `${stem}-dream-frame-${String(index + 1).padStart(4, '0')}.png`);
    const sidecar = sidecarPathFor(file);
    const plan = await planOutputs(await sidecarOutputs(file), options);
    const content = new Map<string, Buffer | string>([
      [sidecar, sidecarJson({ ...record, frame: index })],
      [file, await encodePng(await dream.frames.get(index))],
    ]);
    throwIfAborted(context.signal);
    await mkdir(params.outDir, { recursive: true });
    await writePlanned(plan, content, inputs);
    return { files: [file], sidecar };
  }

  if (params.what === 'frames') {
    const folder = join(params.outDir, `${stem}-dream-frames`);
    const plan = await planOutputs(await framesFolderOutputs(folder), options);
    await mkdir(params.outDir, { recursive: true });
    // Frames are written into a hidden temporary folder and renamed at the end: a cancel leaves nothing.
    const staging = await mkdtemp(join(params.outDir, `.${stem}-dream-frames-`));
    try {
      await writeFileAtomic(join(staging, 'parameters.json'), sidecarJson(record));
      const files: string[] = [];
      for (let index = 0; index < dream.frames.count; index++) {
        throwIfAborted(context.signal);
        const name = `frame-${String(index + 1).padStart(4, '0')}.png`;
        await writeFileAtomic(join(staging, name), await encodePng(await dream.frames.get(index)));
        files.push(join(folder, name));
        context.progress(index + 1, dream.frames.count, `frame ${index + 1} of ${dream.frames.count}`);
      }
      throwIfAborted(context.signal);
      if (plan.write[0]?.replace) await replaceFramesFolder(folder, staging);
      else await rename(staging, folder);
      return { files, sidecar: join(folder, 'parameters.json') };
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
  }

  // The format is in the stem too: a WebP and a GIF of one dream each get their own sidecar.
  const file = join(params.outDir, dreamAnimationName(stem, params.what));
  const sidecar = sidecarPathFor(file);
  const plan = await planOutputs(await sidecarOutputs(file), options);
  const count = dream.frames.count;
  const last = await dream.frames.get(count - 1);
  const maxSide = animationMaxSide(count, last.width, last.height);
  // Frames stream from the frame store (memory or disk) and are shrunk as they arrive.
  async function* frames(): AsyncGenerator<RgbImage> {
    for (let index = 0; index < count; index++) {
      throwIfAborted(context.signal);
      context.progress(index + 1, count, `frame ${index + 1} of ${count}`);
      yield await dream!.frames.get(index);
    }
  }
  const fps = params.fps ?? requestDefaults('export:dream').fps;
  const animation = await encodeAnimation(frames(), params.what, { fps, maxSide });
  throwIfAborted(context.signal);
  const scaled = maxSide < Math.max(last.width, last.height);
  const content = new Map<string, Buffer | string>([
    [sidecar, sidecarJson({ ...record, animation: { format: params.what, fps, file: basename(file) }, ...(scaled ? { animationMaxSide: maxSide } : {}) })],
    [file, animation],
  ]);
  await mkdir(params.outDir, { recursive: true });
  await writePlanned(plan, content, inputs);
  return { files: [file], sidecar };
}

/**
 * Puts a new frames folder in place of an earlier Convscope one (checked again just before): the old
 * one is moved aside first, so at every moment one complete folder is at `folder` or beside it.
 */
async function replaceFramesFolder(folder: string, staging: string): Promise<void> {
  if ((await framesFolderOwner(folder)) === 'foreign') throw new ForeignFileError(folder);
  const aside = `${staging}-old`;
  const moved = await rename(folder, aside).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
  try {
    await rename(staging, folder);
  } catch (error) {
    if (moved) await rename(aside, folder).catch(() => undefined);
    throw error;
  }
  if (moved) await rm(aside, { recursive: true, force: true });
}
