import * as tf from '@tensorflow/tfjs-core';
import type { CnnModel } from '../engine/types';
import type { FloatImage } from './float-image';
import type { Objective } from './objective';
import { addRolledTile, readRolledTile, type Roll, type Tile } from './tiling';
import { throwIfAborted, yieldToEventLoop } from '../abort';
import { DreamError } from './errors';

export interface ImageGradient {
  /** d objective / d image, H×W×3, same layout as the image. */
  gradient: Float32Array;
  /** Area-weighted mean of the tile objectives (comparable across tile layouts). */
  objective: number;
}

/**
 * Gradient of the objective for a whole image, one tile at a time (only one tile's activations
 * live at once), over the image circularly rolled by `roll`; written back un-rolled, so every
 * pixel receives gradient from exactly one tile. Tile gradients are weighted by tile area so the
 * result matches the gradient of the whole-image mean.
 */
export async function tiledGradient(
  model: CnnModel,
  image: FloatImage,
  tiles: Tile[],
  roll: Roll,
  objective: Objective,
  signal?: AbortSignal,
  gradient = new Float32Array(image.data.length),
): Promise<ImageGradient> {
  gradient.fill(0);
  const area = image.width * image.height;
  let value = 0;
  for (const tile of tiles) {
    throwIfAborted(signal);
    const result = await pixelGradient(model, readRolledTile(image, tile, roll), tile.width, tile.height, objective);
    const values = result.gradient;
    const weight = (tile.width * tile.height) / area;
    addRolledTile(gradient, image.width, image.height, tile, roll, values, weight);
    value += weight * result.value;
    if (tiles.length > 1) await yieldToEventLoop();
  }
  return { gradient, objective: value };
}

/** Population standard deviation (float64 accumulation); 0 for an all-zero gradient. */
/** The objective and its gradient for one H×W×3 block of model-space pixels (no tensor outlives the call). */
export async function pixelGradient(
  model: CnnModel,
  pixels: Float32Array,
  width: number,
  height: number,
  objective: Objective,
): Promise<{ value: number; gradient: Float32Array }> {
  const input = tf.tensor4d(pixels, [1, height, width, 3]);
  let result: { value: number; gradient: tf.Tensor4D };
  try {
    result = model.inputGradient(input, objective.outputs, objective.fn);
  } finally {
    input.dispose();
  }
  try {
    return { value: result.value, gradient: (await result.gradient.data()) as Float32Array };
  } finally {
    result.gradient.dispose();
  }
}

export function standardDeviation(values: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const mean = sum / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    const d = values[i] - mean;
    squares += d * d;
  }
  return Math.sqrt(squares / values.length);
}

export function isAllZero(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) return false;
  return true;
}

/**
 * Gradient ascent in place: x += g / (std(g) + 1e-8) · stepSize, then clip to [min, max].
 * Returns false (image untouched) when the gradient is all zero.
 */
export function ascend(image: Float32Array, gradient: Float32Array, stepSize: number, [min, max]: [number, number], where: string): boolean {
  const std = standardDeviation(gradient);
  if (!Number.isFinite(std)) throw new DreamError('not-finite', `The gradient of ${where} is not finite (NaN or Infinity).`);
  if (std === 0 && isAllZero(gradient)) return false;
  const scale = stepSize / (std + 1e-8);
  for (let i = 0; i < image.length; i++) {
    const v = image[i] + gradient[i] * scale;
    image[i] = v < min ? min : v > max ? max : v;
  }
  return true;
}
