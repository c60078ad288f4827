// Full-resolution exports: heatmap overlays (+ raw map, + sidecar) and dream frames/animations.
// Every file is written atomically and never over an existing one unless the user said so.
import { basename, dirname, extname, join, resolve } from 'node:path';
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import type { ExplainSpec, ExportResult } from '../../../preload/contract';
import { ApiError, LAYER_METHODS } from '../../../preload/contract';
import { animationMaxSide, encodeAnimation } from '../../dream/animation';
import type { RgbImage } from '../../image/types';
import { ExistsError, writeFileAtomic } from '../../export/atomic';
import { writeNpy } from '../../export/npy';
import { assertNotAnInput } from '../../export/same-path';
import { sidecarJson, sidecarPathFor } from '../../export/sidecar';
import { encodePng } from '../../image/encode';
import { throwIfAborted } from '../errors';
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
  /** Resume: outputs that already exist are kept and only the missing ones are written. */
  keepExisting?: boolean;
}

/** Checked before any work starts, so a refused export costs nothing and writes nothing. */
async function refuseExisting(files: string[], overwrite: boolean, original: string): Promise<void> {
  for (const file of files) {
    await assertNotAnInput(file, [original]);
    if (!overwrite && existsSync(file)) throw new ExistsError(file);
  }
}

/** The overlay is a .png, the raw map a .npy, and no two outputs share a path. */
async function checkOverlayTargets(outFile: string, rawFile: string | undefined, sidecar: string): Promise<void> {
  if (extname(outFile).toLowerCase() !== '.png') throw new ApiError('invalid-request', `${outFile}: the overlay is written as PNG; give the file a .png name`);
  if (rawFile && extname(rawFile).toLowerCase() !== '.npy') throw new ApiError('invalid-request', `${rawFile}: the raw map is written as NumPy .npy; give the file a .npy name`);
  const targets = [outFile, sidecar, ...(rawFile ? [rawFile] : [])];
  if (new Set(targets.map((target) => resolve(target))).size !== targets.length) {
    throw new ApiError('invalid-request', `${rawFile}: the raw map must not share a path with the overlay or its sidecar`);
  }
  for (const target of targets) {
    if ((await stat(target).catch(() => null))?.isDirectory()) throw new ApiError('invalid-request', `${target}: is a folder; give a file name`);
  }
}

/** Where the raw map's pixels live: the target layer's grid, or the model input for saliency methods. */
function rawMapSpace(method: ExplainSpec['method'], layer: string): string {
  const onLayerGrid = LAYER_METHODS.includes(method) && method !== 'guided-gradcam';
  return onLayerGrid ? `layer ${layer}` : 'model input (the photo resized to the model input size)';
}

export async function exportOverlay(params: OverlayExportParams, context: JobContext): Promise<ExportResult> {
  const sidecar = sidecarPathFor(params.outFile);
  await checkOverlayTargets(params.outFile, params.rawFile, sidecar);
  const wanted = [params.outFile, sidecar, ...(params.rawFile ? [params.rawFile] : [])];
  const targets = params.keepExisting && !params.overwrite ? wanted.filter((file) => !existsSync(file)) : wanted;
  await refuseExisting(targets, params.overwrite, params.spec.path);
  const writes = (file: string): boolean => targets.includes(file);
  const explained = await explainPhoto(params.spec, context, 0);
  throwIfAborted(context.signal);
  await mkdir(dirname(params.outFile), { recursive: true });
  if (params.rawFile) await mkdir(dirname(params.rawFile), { recursive: true });
  const overlay = overlayImage(explained, params.spec);
  const png = await encodePng(overlay);
  throwIfAborted(context.signal);
  const { map } = explained.output;
  const files = [params.outFile];
  if (writes(params.outFile)) await writeFileAtomic(params.outFile, png, { overwrite: params.overwrite, inputs: [params.spec.path] });
  if (params.rawFile) {
    if (writes(params.rawFile)) await writeNpy(params.rawFile, map.data, [map.height, map.width], { overwrite: params.overwrite, inputs: [params.spec.path] });
    files.push(params.rawFile);
  }
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
      ...(params.spec.method === 'scorecam' ? { scorecamChannels: params.spec.scorecamChannels } : {}),
      ...(params.spec.method === 'smoothgrad' ? { samples: params.spec.samples } : {}),
      ...(params.spec.method === 'integrated-gradients' ? { steps: params.spec.steps } : {}),
    },
    rawMap: params.rawFile
      ? { file: basename(params.rawFile), width: map.width, height: map.height, dtype: 'float32', space: rawMapSpace(params.spec.method, explained.layer) }
      : undefined,
    completenessGap: explained.output.completenessGap,
    notes: [...explained.info.notes, ...explained.output.notes],
  };
  if (writes(sidecar)) await writeFileAtomic(sidecar, sidecarJson(fields), { overwrite: params.overwrite, inputs: [params.spec.path] });
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

export async function exportDream(params: DreamExportParams, context: JobContext): Promise<ExportResult> {
  const dream = getDream(params.dreamJobId);
  if (!dream) throw new ApiError('invalid-request', 'that dream is no longer available; run it again to export it');
  const stem = basename(dream.photoPath, extname(dream.photoPath));
  await mkdir(params.outDir, { recursive: true });
  const parameters = { kind: 'deep-dream', photo: dream.photoPath, parameters: dream.spec, frames: dream.frames.count };

  if (params.what === 'frame') {
    const index = params.frame ?? dream.frames.count - 1;
    if (index < 0 || index >= dream.frames.count) throw new ApiError('invalid-request', `frame ${index} does not exist (the dream has ${dream.frames.count})`);
    const file = join(params.outDir, `${stem}-dream-frame-${String(index + 1).padStart(4, '0')}.png`);
    const sidecar = sidecarPathFor(file);
    await refuseExisting([file, sidecar], params.overwrite, dream.photoPath);
    await writeFileAtomic(file, await encodePng(await dream.frames.get(index)), { overwrite: params.overwrite, inputs: [dream.photoPath] });
    await writeFileAtomic(sidecar, sidecarJson({ ...parameters, frame: index }), { overwrite: params.overwrite, inputs: [dream.photoPath] });
    return { files: [file], sidecar };
  }

  if (params.what === 'frames') {
    const folder = join(params.outDir, `${stem}-dream-frames`);
    await refuseExisting([folder], params.overwrite, dream.photoPath);
    // Frames are written into a hidden temporary folder and renamed at the end: a cancel leaves nothing.
    const staging = await mkdtemp(join(params.outDir, `.${stem}-dream-frames-`));
    try {
      const files: string[] = [];
      for (let index = 0; index < dream.frames.count; index++) {
        throwIfAborted(context.signal);
        const name = `frame-${String(index + 1).padStart(4, '0')}.png`;
        await writeFileAtomic(join(staging, name), await encodePng(await dream.frames.get(index)));
        files.push(join(folder, name));
        context.progress(index + 1, dream.frames.count, `frame ${index + 1} of ${dream.frames.count}`);
      }
      await writeFileAtomic(join(staging, 'parameters.json'), sidecarJson(parameters));
      if (params.overwrite) await removeFramesFolder(folder);
      await rename(staging, folder);
      return { files, sidecar: join(folder, 'parameters.json') };
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
  }

  const file = join(params.outDir, `${stem}-dream.${params.what}`);
  const sidecar = sidecarPathFor(file);
  await refuseExisting([file, sidecar], params.overwrite, dream.photoPath);
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
  const animation = await encodeAnimation(frames(), params.what, { fps: params.fps ?? 8, maxSide });
  throwIfAborted(context.signal);
  const scaled = maxSide < Math.max(last.width, last.height);
  await writeFileAtomic(file, animation, { overwrite: params.overwrite, inputs: [dream.photoPath] });
  await writeFileAtomic(sidecar, sidecarJson({ ...parameters, ...(scaled ? { animationMaxSide: maxSide } : {}) }), { overwrite: params.overwrite, inputs: [dream.photoPath] });
  return { files: [file], sidecar };
}

/** Replaces an earlier frames export only if it holds nothing but what Convscope wrote there. */
async function removeFramesFolder(folder: string): Promise<void> {
  const names = await readdir(folder).catch(() => null);
  if (!names) return;
  const ours = names.every((name) => /^frame-\d{4,}\.png$/.test(name) || name === 'parameters.json');
  if (!ours) throw new ApiError('exists', `${folder}: holds files Convscope did not write; choose another folder`);
  await rm(folder, { recursive: true, force: true });
}
