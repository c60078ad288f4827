// Deletion / insertion curves (Petsiuk et al., RISE): pixels in order of map importance are
// removed (set to black, i.e. pixel 0 in the model's input range) from the photo, or inserted
// into a blurred copy of it; the class probability (softmax, or sigmoid for sigmoid outputs) is
// tracked and the area under each curve taken with the trapezoid rule over the fraction of pixels
// changed. A faithful map gives a low deletion AUC and a high insertion AUC.
import * as tf from '@tensorflow/tfjs-core';
import { LOGITS, type CnnModel } from '../engine/types';
import { classProbabilities as probabilitiesOf } from '../engine/scores';
import { throwIfAborted, yieldToEventLoop } from '../abort';
import { positiveInt, requireBatchOfOne } from './base';
import { upsampleMap } from './render';
import type { ProgressFn, RawMap } from './types';

export interface FaithfulnessOptions {
  /** Curve intervals: steps + 1 points from 0 % to 100 % of the pixels (default 20). */
  steps?: number;
  signal?: AbortSignal;
  onProgress?: ProgressFn;
}

export interface FaithfulnessResult {
  deletionAuc: number;
  insertionAuc: number;
  /** Class probability after deleting k/steps of the pixels, k = 0..steps. */
  deletion: number[];
  /** Class probability after inserting k/steps of the pixels into the blurred photo, k = 0..steps. */
  insertion: number[];
}

const BATCH = 8;
/** The insertion baseline's blur: box-average to about this many cells on the short side. */
const BLUR_CELLS = 14;

/** Pixel indices, most important first (ties: lower index first, so runs repeat exactly). */
export function importanceOrder(map: RawMap): Uint32Array {
  const values = map.data;
  const order = Uint32Array.from({ length: values.length }, (_, i) => i);
  const key = (i: number) => (Number.isFinite(values[i]) ? values[i] : -Infinity);
  return order.sort((a, b) => key(b) - key(a) || a - b);
}

/** Trapezoid area under points spaced evenly on [0, 1]. */
export function trapezoidAuc(values: number[]): number {
  if (values.length < 2) return values[0] ?? 0;
  const dx = 1 / (values.length - 1);
  let area = 0;
  for (let i = 1; i < values.length; i++) area += ((values[i - 1] + values[i]) / 2) * dx;
  return area;
}

function blurred(input: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [, height, width] = input.shape;
    const cell = Math.max(2, Math.floor(Math.min(height, width) / BLUR_CELLS));
    const pooled = tf.avgPool(input, cell, cell, 'same');
    return tf.image.resizeBilinear(pooled, [height, width], false, true);
  });
}

async function classProbabilities(
  model: CnnModel,
  images: Float32Array,
  count: number,
  height: number,
  width: number,
  classIndex: number,
): Promise<number[]> {
  const probabilities = tf.tidy(() => {
    const batch = tf.tensor4d(images, [count, height, width, 3]);
    const logits = model.run(batch, [LOGITS])[LOGITS] as tf.Tensor2D;
    return tf.reshape(tf.slice(probabilitiesOf(logits, model.outputActivation), [0, classIndex], [-1, 1]), [-1]);
  });
  try {
    return Array.from(await probabilities.data());
  } finally {
    probabilities.dispose();
  }
}

export async function faithfulness(
  model: CnnModel,
  input: tf.Tensor4D,
  map: RawMap,
  classIndex: number,
  options: FaithfulnessOptions = {},
): Promise<FaithfulnessResult> {
  requireBatchOfOne(input);
  const steps = positiveInt(options.steps, 20, 'steps');
  const [, height, width] = input.shape;
  const pixels = height * width;
  const order = importanceOrder(map.width === width && map.height === height ? map : upsampleMap(map, width, height));
  const photo = (await input.data()) as Float32Array;
  const blur = blurred(input);
  const blurPixels = (await blur.data()) as Float32Array;
  blur.dispose();
  const black = model.inputRange[0];

  // Every curve point is an image: deletion k = 0..steps, then insertion k = 0..steps.
  const jobs = Array.from({ length: 2 * (steps + 1) }, (_, j) => ({
    deletion: j <= steps,
    changed: Math.round(((j % (steps + 1)) / steps) * pixels),
  }));
  const scores: number[] = [];
  const size = pixels * 3;
  for (let start = 0; start < jobs.length; start += BATCH) {
    throwIfAborted(options.signal);
    const batch = jobs.slice(start, start + BATCH);
    const images = new Float32Array(batch.length * size);
    batch.forEach(({ deletion, changed }, b) => {
      const offset = b * size;
      images.set(deletion ? photo : blurPixels, offset);
      for (let r = 0; r < changed; r++) {
        const p = order[r] * 3;
        for (let c = 0; c < 3; c++) images[offset + p + c] = deletion ? black : photo[p + c];
      }
    });
    scores.push(...(await classProbabilities(model, images, batch.length, height, width, classIndex)));
    options.onProgress?.(scores.length, jobs.length, `Deletion / insertion: ${scores.length} of ${jobs.length} images`);
    await yieldToEventLoop();
  }
  throwIfAborted(options.signal);
  const deletion = scores.slice(0, steps + 1);
  const insertion = scores.slice(steps + 1);
  return { deletionAuc: trapezoidAuc(deletion), insertionAuc: trapezoidAuc(insertion), deletion, insertion };
}
