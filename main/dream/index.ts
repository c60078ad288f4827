// Deep Dream over a photo: octave pyramid → tiled, rolled gradient ascent → one frame per step.
import * as tf from '@tensorflow/tfjs-core';
import type { CnnModel } from '../engine/types';
import type { RgbImage } from '../image/types';
import type { DreamSpec } from '../../preload/contract';
import { createRng } from './random';
import { dreamPlan, workingSize, type DreamPlan } from './plan';
import { buildObjective, dreamLayers, guideFeatures, type GuideFeatures } from './objective';
import { add, resizeFloat, subtract, toFloatImage, toRgbImage, type FloatImage } from './float-image';
import { planTiles } from './tiling';
import { ascend, tiledGradient } from './gradient-step';
import { throwIfAborted, yieldToEventLoop } from '../abort';
import { DreamError } from './errors';
import { resizeRgb } from '../image/encode';
import type { DreamFrame, DreamOutcome } from './types';

export { dreamPlan, workingSize, type DreamPlan, type Size } from './plan';
export { DreamError } from './errors';
export { FrameStore, type FrameStoreOptions } from './frame-store';
export { encodeAnimation, type AnimationOptions } from './animation';
export type { DreamFrame, DreamOutcome } from './types';
export { visualiseChannel, type VisualiseOptions } from './visualise';

export interface DreamOptions {
  signal?: AbortSignal;
  guide?: RgbImage;
}

/**
 * Dreams `photo` as `spec` asks (defaults filled by dreamSpec.parse). Yields one frame per
 * gradient step and yields to the event loop between frames and tiles; an aborted `signal`
 * throws AbortError within one tile. Deterministic for a given spec.seed.
 */
export async function* dream(
  model: CnnModel,
  photo: RgbImage,
  spec: DreamSpec,
  options: DreamOptions = {},
): AsyncGenerator<DreamFrame, DreamOutcome, void> {
  const { signal } = options;
  throwIfAborted(signal);
  const plan = dreamPlan(model, photo, spec);
  const notes = [...plan.notes];
  const range = model.inputRange;
  let guide: GuideFeatures | undefined;
  try {
    if (options.guide) {
      if (spec.channel) notes.push('The guide image replaces the channel objective; channel ignored.');
      guide = await computeGuide(model, options.guide, dreamLayers(model, spec).map((l) => l.name));
    }
    const objective = buildObjective(model, spec, guide);
    const working = await resizeRgb(photo, plan.working.width, plan.working.height);
    if (spec.steps === 0) return { image: working, frames: 0, plan, notes };

    const rng = createRng(spec.seed);
    // stepSize is meant for a [-1, 1] model range (TF tutorial); scale it to this model's range.
    const stepSize = (spec.stepSize * (range[1] - range[0])) / 2;
    const bases = octaveBases(toFloatImage(working, range), plan);
    let detail: FloatImage | undefined;
    let current: FloatImage | undefined;
    let index = 0;
    let noGradientNoted = false;
    for (let octave = 0; octave < plan.octaves.length; octave++) {
      const base = bases[octave]!;
      const isLast = octave === plan.octaves.length - 1;
      current = detail ? add(base, resizeFloat(detail, base.width, base.height)) : isLast ? base : copy(base);
      detail = undefined;
      if (isLast) bases[octave] = undefined;
      const tiles = planTiles(current.width, current.height, spec.tile, model.minSize);
      const gradientBuffer = new Float32Array(current.data.length);
      for (let step = 0; step < spec.steps; step++) {
        throwIfAborted(signal);
        const roll = { dx: rng.int(0, current.width), dy: rng.int(0, current.height) };
        const { gradient, objective: value } = await tiledGradient(model, current, tiles, roll, objective, signal, gradientBuffer);
        const where = `${objective.description} (octave ${octave + 1})`;
        if (!ascend(current.data, gradient, stepSize, range, where) && !noGradientNoted) {
          noGradientNoted = true;
          notes.push(
            `no gradient: the ${objective.description} does not change with this image (dead ReLU or saturated units?); the image is left unchanged.`,
          );
        }
        yield {
          index: index++,
          octave,
          step,
          objective: value,
          image: toRgbImage(current, range),
          octaveStart: step === 0,
          notes: [...notes],
        };
        await yieldToEventLoop();
      }
      if (!isLast) detail = subtract(current, base);
      bases[octave] = undefined;
    }
    return { image: toRgbImage(current!, range), frames: index, plan, notes };
  } finally {
    if (guide) tf.dispose(Object.values(guide));
  }
}

/** The working image shrunk octave by octave (each from the previous), smallest first. */
function octaveBases(full: FloatImage, plan: DreamPlan): (FloatImage | undefined)[] {
  const bases: FloatImage[] = [full];
  for (let o = plan.octaves.length - 2; o >= 0; o--) {
    const { width, height } = plan.octaves[o];
    bases.unshift(resizeFloat(bases[0], width, height));
  }
  return bases;
}

function copy(image: FloatImage): FloatImage {
  return { data: image.data.slice(), width: image.width, height: image.height };
}

async function computeGuide(model: CnnModel, guide: RgbImage, layers: string[]): Promise<GuideFeatures> {
  const size = workingSize(guide, Math.max(...model.inputSize));
  if (Math.min(size.width, size.height) < model.minSize) {
    throw new DreamError('too-small', `The guide image is ${guide.width}×${guide.height} px; ${model.name} needs at least ${model.minSize} px on the short side.`);
  }
  const fitted = await resizeRgb(guide, size.width, size.height);
  return guideFeatures(model, toFloatImage(fitted, model.inputRange).data, size.width, size.height, layers);
}
