// Full-resolution exports: heatmap overlays (+ raw map, + sidecar) and dream frames/animations.
// Every file is written atomically, never over an existing one unless the user said so, and never
// over a file Convscope did not write (main/export/ownership.ts).
import { basename, dirname, extname, join, resolve } from 'node:path';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import type { ExplainSpec, ExportResult } from '../../../preload/contract';
import { ApiError, LAYER_METHODS, methodOptionOf, requestDefaults } from '../../../preload/contract';
import { animationMaxSide, encodeAnimation } from '../../dream/animation';
import type { RgbImage } from '../../image/types';
import { writeFileAtomic } from '../../export/atomic';
import { dreamRecord } from '../../export/dream-record';
import { encodeNpy } from '../../export/npy';
import { ForeignFileError, framesFolderOutputs, framesFolderOwner, overlayOutputs, planOutputs, sidecarOutputs, writePlanned } from '../../export/ownership';
import { sidecarJson, sidecarPathFor } from '../../export/sidecar';
import { encodePng } from '../../image/encode';
import { throwIfAborted } from '../../abort';
import type { JobContext } from './context';
import { getDream } from './dream-jobs';
import { explainPhoto, overlayImage } from './heatmap';

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

export async function exportOverlay(params: OverlayExportParams, context: JobContext): Promise<ExportResult> {
  const sidecar = sidecarPathFor(params.outFile);
  const inputs = [params.spec.path];
  // The shared rule, before any work: originals and files Convscope did not write are never replaced.
  const plan = await planOutputs(await overlayOutputs(params.outFile, params.rawFile), { overwrite: params.overwrite, keepExisting: params.keepExisting, inputs });
  const files = [params.outFile, ...(params.rawFile ? [params.rawFile] : [])];
  if (plan.write.length === 0) return { files, sidecar };
  const explained = await explainPhoto(params.spec, context, 0);
  throwIfAborted(context.signal);
  const overlay = overlayImage(explained, params.spec);
  const png = await encodePng(overlay);
  const { map } = explained.output;
  const option = methodOptionOf(params.spec.method);
  const fields = {
    photo: params.spec.path,
    width: overlay.width,
    height: overlay.height,
    model: explained.model.id,
    modelName: explained.model.name,
    // Saliency methods other than Guided Grad-CAM work on the input, not on a layer.
    layer: LAYER_METHODS.includes(params.spec.method) ? explained.layer : null,
    class: explained.classIndex,
    label: explained.label,
    score: explained.score,
    logit: explained.logit,
    method: params.spec.method,
    parameters: {
      colormap: params.spec.colormap,
      alpha: params.spec.alpha,
      threshold: params.spec.threshold,
      inputRange: explained.model.inputRange,
      ...(option ? { [option]: params.spec[option] } : {}),
    },
    // `path` is what claims the .npy as Convscope's (the sidecar is written before it).
    rawMap: params.rawFile
      ? { file: basename(params.rawFile), path: resolve(params.rawFile), width: map.width, height: map.height, dtype: 'float32', space: rawMapSpace(params.spec.method, explained.layer) }
      : undefined,
    completenessGap: explained.output.completenessGap,
    notes: [...explained.info.notes, ...explained.output.notes],
  };
  const content = new Map<string, Buffer | string>([
    [sidecar, sidecarJson(fields)],
    [params.outFile, png],
    ...(params.rawFile ? [[params.rawFile, encodeNpy(map.data, [map.height, map.width])] as [string, Buffer]] : []),
  ]);
  throwIfAborted(context.signal);
  await mkdir(dirname(params.outFile), { recursive: true });
  if (params.rawFile) await mkdir(dirname(params.rawFile), { recursive: true });
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
