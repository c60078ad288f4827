// The one chain from a photo to an explained map: decode → model input → method → raw map.
// The studio, the exports and the CLI all start here and only differ in how they draw the result.
import { stat } from 'node:fs/promises';
import { LAYER_METHODS, methodOptionOf, type ExplainSpec } from '../../../preload/contract';
import { photoToModelInput } from '../../engine/preprocess';
import type { CnnModel } from '../../engine/types';
import { explain } from '../../explain';
import type { ExplainOutput, RawMap } from '../../explain/types';
import { colorize, normalizeMap, overlayOnPhoto, upsampleMap } from '../../explain/render';
import { decodePhoto } from '../../image/decode';
import type { PhotoInfo, RgbImage } from '../../image/types';
import { scoreInput } from './classify';
import type { JobContext } from './context';
import { getModel } from './models';

/**
 * Photos are decoded at most this large to classify and explain them: the model sees a few hundred
 * pixels, so a larger decode changes nothing but the cost. Exports draw the map over the full photo.
 */
export const ANALYSIS_MAX_SIDE = 2048;

/** What explaining a photo found: plain numbers and arrays (no tensors), safe to keep. */
export interface ExplainedMap {
  model: CnnModel;
  info: PhotoInfo;
  layer: string;
  classIndex: number;
  label: string;
  /** Probability of the class (softmax, or sigmoid for a sigmoid head: main/engine/scores.ts). */
  score: number;
  logit: number;
  output: ExplainOutput;
}

export interface ExplainedPhoto extends ExplainedMap {
  image: RgbImage;
}

/** Explains one photo. `maxSide` bounds the decoded photo (0 = full resolution). */
export async function explainPhoto(spec: ExplainSpec, context: Pick<JobContext, 'signal' | 'progress'>, maxSide = 0): Promise<ExplainedPhoto> {
  const model = await getModel(spec.model, spec.inputRange);
  const { image, info } = await decodePhoto(spec.path, maxSide > 0 ? { maxSide } : undefined);
  const input = await photoToModelInput(image, model);
  try {
    const scores = scoreInput(model, input);
    const classIndex = spec.classIndex ?? argmax(scores.logits);
    if (classIndex >= model.labels.length) {
      throw new RangeError(`class ${classIndex} does not exist in ${model.name} (it has ${model.labels.length} classes: 0–${model.labels.length - 1})`);
    }
    const layer = spec.layer ?? model.defaultCamLayer;
    const output = await explain(model, input, {
      method: spec.method,
      layer,
      classIndex,
      scorecamChannels: spec.scorecamChannels,
      smoothgradSamples: spec.samples,
      igSteps: spec.steps,
      signal: context.signal,
      onProgress: context.progress,
    });
    const note = squeezedNote(info, model.inputSize);
    if (note) output.notes.push(note);
    return {
      model,
      image,
      info,
      layer,
      classIndex,
      label: model.labels[classIndex] ?? `class ${classIndex}`,
      score: scores.probabilities[classIndex],
      logit: scores.logits[classIndex],
      output,
    };
  } finally {
    input.dispose();
  }
}

/** Explained maps kept for the next call on the same photo with the same settings (the studio's heatmap, then its export). */
const KEPT_MAPS = 2;
const kept: { key: string; model: string; map: ExplainedMap }[] = [];

/**
 * What the map depends on: the photo as it is on disk now, the model and its input range, the
 * method, its layer (resolved), the class asked for and the method's option. Not the colormap,
 * alpha or threshold: those only colour it.
 */
async function mapKey(spec: ExplainSpec): Promise<string> {
  const file = await stat(spec.path);
  const layerMethod = LAYER_METHODS.includes(spec.method);
  const layer = layerMethod ? (spec.layer ?? (await getModel(spec.model, spec.inputRange)).defaultCamLayer) : null;
  const option = methodOptionOf(spec.method);
  return JSON.stringify([spec.path, file.mtimeMs, file.size, spec.model, spec.inputRange ?? null, spec.method, layer, spec.classIndex ?? null, option ? spec[option] : null]);
}

/**
 * The photo explained at ANALYSIS_MAX_SIDE, from the last few results when nothing the map depends
 * on changed (so exporting what the studio shows does not compute it again). Only finished results
 * are kept, at most KEPT_MAPS, and none of another model. Callers must not change what they get.
 */
export async function explainMap(spec: ExplainSpec, context: Pick<JobContext, 'signal' | 'progress'>): Promise<ExplainedMap> {
  const key = await mapKey(spec).catch(() => null);
  if (key !== null) {
    const hit = kept.find((entry) => entry.key === key);
    if (hit) return hit.map;
  }
  const { image: _image, ...map } = await explainPhoto(spec, context, ANALYSIS_MAX_SIDE);
  if (key !== null) {
    for (let i = kept.length - 1; i >= 0; i--) if (kept[i]!.model !== spec.model || kept[i]!.key === key) kept.splice(i, 1);
    kept.unshift({ key, model: spec.model, map });
    kept.length = Math.min(kept.length, KEPT_MAPS);
  }
  return map;
}

/**
 * Said when a very long photo is squeezed into the model's square input. The size is the photo's
 * own upright size (the one the studio's caption shows), not the analysis copy it was decoded to.
 */
export function squeezedNote(photo: { width: number; height: number }, inputSize: readonly [number, number]): string | null {
  const aspect = Math.max(photo.width / photo.height, photo.height / photo.width);
  if (!(aspect > 3)) return null;
  const [inputHeight, inputWidth] = inputSize;
  return (
    `the ${photo.width}×${photo.height} photo was squeezed into the model's ${inputWidth}×${inputHeight} input (aspect ${aspect.toFixed(1)}:1), ` +
    'so the map is coarse along its length; for a sharper map, crop the part you care about in an image editor and open the cropped copy'
  );
}

/** The map upsampled to width×height and normalised to 0..1. */
export function normalisedMap(explained: Pick<ExplainedMap, 'output'>, width: number, height: number): RawMap {
  return normalizeMap(upsampleMap(explained.output.map, width, height));
}

/** The map upsampled to the image, normalised, coloured (RGBA). */
export function heatmapRgba(explained: Pick<ExplainedMap, 'output'>, spec: ExplainSpec, width: number, height: number): Uint8Array {
  return colorize(normalisedMap(explained, width, height), spec.colormap, spec.threshold);
}

/** The overlay of the map on `image` (any size of the photo: exports use the full one), at the image's resolution. */
export function overlayImage(image: RgbImage, explained: Pick<ExplainedMap, 'output'>, spec: ExplainSpec): RgbImage {
  return overlayOnPhoto(image, heatmapRgba(explained, spec, image.width, image.height), spec.alpha);
}

/** The class explained when none is asked for: the top one, as explainPhoto picks it (same decode). */
export async function topClass(spec: ExplainSpec): Promise<number> {
  const model = await getModel(spec.model, spec.inputRange);
  const { image } = await decodePhoto(spec.path, { maxSide: ANALYSIS_MAX_SIDE });
  const input = await photoToModelInput(image, model);
  try {
    return argmax(scoreInput(model, input).logits);
  } finally {
    input.dispose();
  }
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
