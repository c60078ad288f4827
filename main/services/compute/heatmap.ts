// The one chain from a photo to an explained map: decode → model input → method → raw map.
// The studio, the exports and the CLI all start here and only differ in how they draw the result.
import type { ExplainSpec } from '../../../preload/contract';
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

export interface ExplainedPhoto {
  model: CnnModel;
  image: RgbImage;
  info: PhotoInfo;
  layer: string;
  classIndex: number;
  label: string;
  /** Probability of the class (softmax, or sigmoid for a sigmoid head: main/engine/scores.ts). */
  score: number;
  logit: number;
  output: ExplainOutput;
}

/** Explains one photo. `maxSide` bounds the decoded photo (0 = full resolution, for exports). */
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
export function normalisedMap(explained: ExplainedPhoto, width: number, height: number): RawMap {
  return normalizeMap(upsampleMap(explained.output.map, width, height));
}

/** The map upsampled to the image, normalised, coloured (RGBA). */
export function heatmapRgba(explained: ExplainedPhoto, spec: ExplainSpec, width: number, height: number): Uint8Array {
  return colorize(normalisedMap(explained, width, height), spec.colormap, spec.threshold);
}

/** The overlay at the decoded image's resolution. */
export function overlayImage(explained: ExplainedPhoto, spec: ExplainSpec): RgbImage {
  const { width, height } = explained.image;
  return overlayOnPhoto(explained.image, heatmapRgba(explained, spec, width, height), spec.alpha);
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
