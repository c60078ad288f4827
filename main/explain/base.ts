// The shared base every method builds on: reading A and g, the CAM weighted sum, channel
// reduction for saliency maps, cancellation and the final clean-up of a map.
import * as tf from '@tensorflow/tfjs-core';
import { EngineError, LOGITS, type CnnModel } from '../engine/types';
import { ExplainError, NO_POSITIVE_EVIDENCE, type ExplainOptions, type RawMap } from './types';

/** Activations or gradients of one layer for one image, HWC row-major. */
export interface LayerTensor {
  data: Float32Array;
  height: number;
  width: number;
  channels: number;
}

export interface LayerGradient {
  activation: LayerTensor;
  gradient: LayerTensor;
  logits: Float32Array;
}

function describeShape(shape: number[]): string {
  return `[${shape.join(', ')}]`;
}

function notSpatial(model: CnnModel, layer: string, shape: number[]): EngineError {
  return new EngineError(
    'not-spatial',
    `Layer "${layer}" has output shape ${describeShape(shape)}, not a spatial H×W×C map: ` +
      `class-activation maps need a convolutional layer (e.g. "${model.defaultCamLayer}").`,
  );
}

/** Refuses unknown and non-spatial layers before any compute, naming the layer and its shape. */
export function requireSpatialLayer(model: CnnModel, layer: string): void {
  const info = model.layers.find((candidate) => candidate.name === layer);
  if (!info) {
    throw new EngineError('unknown-layer', `Layer "${layer}" does not exist in model "${model.name}".`);
  }
  if (!info.spatial || info.outputShape.length !== 3) throw notSpatial(model, layer, info.outputShape);
}

/** Re-throws the engine's terse 'not-spatial' with the layer's shape in the message. */
export function explainEngineError(model: CnnModel, layer: string, error: unknown): unknown {
  if (error instanceof EngineError && error.code === 'not-spatial') {
    const info = model.layers.find((candidate) => candidate.name === layer);
    return notSpatial(model, layer, info?.outputShape ?? []);
  }
  return error;
}

function toLayerTensor(model: CnnModel, layer: string, tensor: tf.Tensor, data: Float32Array): LayerTensor {
  if (tensor.rank !== 4 || tensor.shape[0] !== 1) throw notSpatial(model, layer, tensor.shape.slice(1));
  const [, height, width, channels] = tensor.shape as [number, number, number, number];
  return { data, height, width, channels };
}

/** A = activation of `layer`, g = d logit[classIndex] / dA, and the logits, as typed arrays. */
export async function readLayerGradient(
  model: CnnModel,
  input: tf.Tensor4D,
  layer: string,
  classIndex: number,
): Promise<LayerGradient> {
  let result: ReturnType<CnnModel['layerGradient']>;
  try {
    result = model.layerGradient(input, layer, classIndex);
  } catch (error) {
    throw explainEngineError(model, layer, error);
  }
  const { activation, gradient, logits } = result;
  try {
    const [a, g, z] = await Promise.all([activation.data(), gradient.data(), logits.data()]);
    return {
      activation: toLayerTensor(model, layer, activation, a as Float32Array),
      gradient: toLayerTensor(model, layer, gradient, g as Float32Array),
      logits: z as Float32Array,
    };
  } finally {
    activation.dispose();
    gradient.dispose();
    logits.dispose();
  }
}

/** A = activation of `layer` only (forward pass, no tape). */
export async function readActivation(model: CnnModel, input: tf.Tensor4D, layer: string): Promise<LayerTensor> {
  let outputs: Record<string, tf.Tensor>;
  try {
    outputs = model.run(input, [layer]);
  } catch (error) {
    throw explainEngineError(model, layer, error);
  }
  try {
    const activation = outputs[layer];
    return toLayerTensor(model, layer, activation, (await activation.data()) as Float32Array);
  } finally {
    for (const tensor of Object.values(outputs)) tensor.dispose();
  }
}

/** The class scores (LOGITS, engine/scores.ts) of a batch, row-major [N, classes]. */
export async function readLogits(model: CnnModel, input: tf.Tensor4D): Promise<{ data: Float32Array; classes: number }> {
  const outputs = model.run(input, [LOGITS]);
  try {
    const logits = outputs[LOGITS];
    return { data: (await logits.data()) as Float32Array, classes: logits.shape[1] as number };
  } finally {
    for (const tensor of Object.values(outputs)) tensor.dispose();
  }
}

/** The objective for input gradients: the class logit, summed over the batch (samples are independent). */
export function classLogit(classIndex: number): (activations: Record<string, tf.Tensor>) => tf.Scalar {
  return (activations) => tf.sum(tf.slice(activations[LOGITS] as tf.Tensor2D, [0, classIndex], [-1, 1])) as tf.Scalar;
}

/** L_ij = ReLU(Σ_k w_k A_ijk) at the layer's resolution. */
export function weightedSum(activation: LayerTensor, weights: ArrayLike<number>): RawMap {
  const { data, height, width, channels } = activation;
  const map = new Float32Array(height * width);
  for (let p = 0; p < height * width; p++) {
    let sum = 0;
    const base = p * channels;
    for (let k = 0; k < channels; k++) sum += weights[k] * data[base + k];
    map[p] = Math.max(0, sum);
  }
  return { data: map, width, height };
}

/** Per-channel sums over all positions. */
export function channelSums(tensor: LayerTensor): Float64Array {
  const { data, height, width, channels } = tensor;
  const sums = new Float64Array(channels);
  for (let p = 0; p < height * width; p++) {
    for (let k = 0; k < channels; k++) sums[k] += data[p * channels + k];
  }
  return sums;
}

/**
 * Input-resolution saliency from an HWC gradient: max over colour channels of |value|
 * (Simonyan et al.; tf-keras-vis), so a strong gradient in any one channel counts.
 */
export function maxAbsOverChannels(data: ArrayLike<number>, width: number, height: number, channels: number): RawMap {
  const map = new Float32Array(width * height);
  for (let p = 0; p < width * height; p++) {
    let best = 0;
    for (let c = 0; c < channels; c++) best = Math.max(best, Math.abs(data[p * channels + c]));
    map[p] = best;
  }
  return { data: map, width, height };
}

/** Non-finite values → 0 (with a note); an all-zero map gets the "no positive evidence" note. */
export function finishMap(map: RawMap, notes: string[]): { map: RawMap; notes: string[] } {
  let nonFinite = 0;
  let positive = false;
  for (let i = 0; i < map.data.length; i++) {
    const value = map.data[i];
    if (!Number.isFinite(value)) {
      map.data[i] = 0;
      nonFinite++;
    } else if (value > 0) {
      positive = true;
    }
  }
  const out = [...notes];
  if (nonFinite > 0) out.push(`${nonFinite} non-finite map values were set to 0`);
  if (!positive && !out.includes(NO_POSITIVE_EVIDENCE)) out.push(NO_POSITIVE_EVIDENCE);
  return { map, notes: out };
}

export function requireBatchOfOne(input: tf.Tensor4D): void {
  if (input.rank !== 4 || input.shape[0] !== 1 || input.shape[3] !== 3) {
    throw new ExplainError('bad-input', `Explain expects one RGB image [1, h, w, 3]; got [${input.shape.join(', ')}].`);
  }
}

export function positiveInt(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new ExplainError('bad-option', `${name} must be a positive integer; got ${value}.`);
  }
  return value;
}

/**
 * Batches of at most `maxBatch` items that start small and double (1, 2, 4, … maxBatch): the first
 * progress event of a slow method comes after one item instead of a whole batch, and the later
 * batches keep the batching speed-up. Returns [start, count] pairs covering 0..total.
 */
export function rampedBatches(total: number, maxBatch: number): [number, number][] {
  const batches: [number, number][] = [];
  let size = 1;
  for (let start = 0; start < total; start += size, size = Math.min(maxBatch, size * 2)) {
    batches.push([start, Math.min(Math.min(size, maxBatch), total - start)]);
  }
  return batches;
}

export type MethodFn = (
  model: CnnModel,
  input: tf.Tensor4D,
  options: ExplainOptions,
) => Promise<{ map: RawMap; notes: string[]; completenessGap?: number }>;
