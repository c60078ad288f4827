// Integrated Gradients (Sundararajan et al.): (x − x′) ⊙ ∫₀¹ ∇z(x′ + α(x − x′)) dα with a black
// baseline x′ (pixel 0 in the model's input range), integrated by the trapezoid rule over `igSteps`
// intervals. Completeness: Σ attributions ≈ z(x) − z(x′); the relative gap is reported.
// Map = ReLU(Σ over colour channels of the attributions): positive evidence for the class, in the
// units that completeness adds up.
import * as tf from '@tensorflow/tfjs-core';
import { EXPLAIN_DEFAULTS } from '../../../preload/contract';
import type { CnnModel } from '../../engine/types';
import { throwIfAborted, yieldToEventLoop } from '../../abort';
import { finishMap, positiveInt, rampedBatches, readLogits, type MethodFn } from '../base';
import { GRADIENT_BATCH, logitGradients } from './input-gradient';

const GAP_WARNING = 0.05;

async function logitDifference(model: CnnModel, input: Float32Array, baseline: number, height: number, width: number, classIndex: number) {
  const pair = new Float32Array(input.length * 2);
  pair.set(input);
  pair.fill(baseline, input.length);
  const batch = tf.tensor4d(pair, [2, height, width, 3]);
  try {
    const { data, classes } = await readLogits(model, batch);
    return data[classIndex] - data[classes + classIndex];
  } finally {
    batch.dispose();
  }
}

export const integratedGradients: MethodFn = async (model, input, options) => {
  const steps = positiveInt(options.igSteps, EXPLAIN_DEFAULTS.steps, 'igSteps');
  const baseline = model.inputRange[0];
  const [, height, width] = input.shape;
  const pixels = (await input.data()) as Float32Array;
  const size = pixels.length;
  const points = steps + 1;
  const integral = new Float64Array(size);

  options.onProgress?.(0, points, `Integrated Gradients: 0 of ${points} path points`);
  for (const [start, count] of rampedBatches(points, GRADIENT_BATCH)) {
    throwIfAborted(options.signal);
    const images = new Float32Array(count * size);
    const weights: number[] = [];
    for (let b = 0; b < count; b++) {
      const step = start + b;
      const alpha = step / steps;
      weights.push(step === 0 || step === steps ? 0.5 / steps : 1 / steps);
      for (let i = 0; i < size; i++) images[b * size + i] = baseline + alpha * (pixels[i] - baseline);
    }
    const gradients = await logitGradients(model, images, count, { height, width }, options.classIndex);
    for (let b = 0; b < count; b++) {
      for (let i = 0; i < size; i++) integral[i] += weights[b] * gradients[b * size + i];
    }
    options.onProgress?.(start + count, points, `Integrated Gradients: ${start + count} of ${points} path points`);
    await yieldToEventLoop();
  }
  throwIfAborted(options.signal);

  const map = new Float32Array(height * width);
  let attributionSum = 0;
  for (let p = 0; p < height * width; p++) {
    let pixelSum = 0;
    for (let c = 0; c < 3; c++) pixelSum += (pixels[p * 3 + c] - baseline) * integral[p * 3 + c];
    attributionSum += pixelSum;
    map[p] = Math.max(0, pixelSum);
  }
  const difference = await logitDifference(model, pixels, baseline, height, width, options.classIndex);
  const completenessGap = Math.abs(attributionSum - difference) / Math.max(Math.abs(difference), 1e-6);
  const notes = [`Integrated Gradients: black baseline, ${steps} steps, completeness gap ${(completenessGap * 100).toFixed(1)} %`];
  if (steps < 32) notes.push('fewer than 32 steps: attributions may not add up to the score difference');
  if (completenessGap > GAP_WARNING) notes.push('completeness gap above 5 %: raise the number of steps');
  return { ...finishMap({ data: map, width, height }, notes), completenessGap };
};
