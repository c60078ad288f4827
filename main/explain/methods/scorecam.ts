// Score-CAM (Wang et al.; pytorch-grad-cam): each channel A_k, upsampled to the input size and
// min-max scaled to [0, 1], masks the input; the masked inputs' class logits, softmaxed over the
// channels, weight the channels: L = ReLU(Σ_k s_k A_k). One forward pass per channel, batched.
import * as tf from '@tensorflow/tfjs-core';
import { LOGITS, type CnnModel } from '../../engine/types';
import type { ExplainOptions, RawMap } from '../types';
import { throwIfAborted, yieldToEventLoop } from '../../abort';
import { channelSums, finishMap, positiveInt, rampedBatches, readActivation, weightedSum, type LayerTensor, type MethodFn } from '../base';

const DEFAULT_BATCH = 16;

/** Channel indices, highest mean activation first when only the top N are kept (ties: lower index). */
export function selectChannels(activation: LayerTensor, topN: number | undefined): number[] {
  const all = Array.from({ length: activation.channels }, (_, k) => k);
  if (topN === undefined || topN >= activation.channels) return all;
  const sums = channelSums(activation);
  return all.sort((a, b) => sums[b] - sums[a] || a - b).slice(0, topN);
}

/** Class logits of the input masked by each listed channel (one forward pass for the batch). */
function maskedScores(
  model: CnnModel,
  input: tf.Tensor4D,
  activation: tf.Tensor4D,
  channels: number[],
  classIndex: number,
): tf.Tensor1D {
  return tf.tidy(() => {
    const [, height, width] = input.shape;
    const picked = tf.gather(activation, channels, 3); // [1, h, w, B]
    const masks = tf.transpose(picked, [3, 1, 2, 0]) as tf.Tensor4D; // [B, h, w, 1]
    const upsampled = tf.image.resizeBilinear(masks, [height, width], false, true);
    const low = tf.min(upsampled, [1, 2, 3], true);
    const range = tf.sub(tf.max(upsampled, [1, 2, 3], true), low);
    // A constant channel has no range: its mask is all zeros instead of 0/0.
    const varies = tf.cast(tf.greater(range, 0), 'float32');
    const safeRange = tf.add(range, tf.sub(1, varies));
    const normalized = tf.mul(tf.div(tf.sub(upsampled, low), safeRange), varies);
    const masked = tf.mul(input, normalized) as tf.Tensor4D; // [B, H, W, 3]
    const logits = model.run(masked, [LOGITS])[LOGITS] as tf.Tensor2D;
    return tf.reshape(tf.slice(logits, [0, classIndex], [-1, 1]), [-1]) as tf.Tensor1D;
  });
}

function softmax(values: Float64Array): Float64Array {
  const top = values.reduce((a, b) => Math.max(a, b), -Infinity);
  const exps = values.map((value) => Math.exp(value - top));
  const total = exps.reduce((sum, value) => sum + value, 0);
  return exps.map((value) => value / total);
}

export async function scorecamMap(
  model: CnnModel,
  input: tf.Tensor4D,
  options: ExplainOptions,
): Promise<{ map: RawMap; notes: string[] }> {
  const batchSize = positiveInt(options.scorecamBatch, DEFAULT_BATCH, 'scorecamBatch');
  const topN = options.scorecamChannels === undefined ? undefined : positiveInt(options.scorecamChannels, 1, 'scorecamChannels');
  // Said at once (no total yet: the bar moves without a number) and again after the forward pass.
  options.onProgress?.(0, 0, 'Score-CAM: reading the layer…');
  const activation = await readActivation(model, input, options.layer);
  const channels = selectChannels(activation, topN);
  const activationTensor = tf.tensor4d(activation.data, [1, activation.height, activation.width, activation.channels]);
  const scores = new Float64Array(channels.length);
  try {
    options.onProgress?.(0, channels.length, `Score-CAM: 0 of ${channels.length} channels`);
    for (const [start, count] of rampedBatches(channels.length, batchSize)) {
      throwIfAborted(options.signal);
      const batch = channels.slice(start, start + count);
      const batchScores = maskedScores(model, input, activationTensor, batch, options.classIndex);
      const values = await batchScores.data();
      batchScores.dispose();
      scores.set(values, start);
      const done = start + batch.length;
      options.onProgress?.(done, channels.length, `Score-CAM: ${done} of ${channels.length} channels`);
      await yieldToEventLoop();
    }
    throwIfAborted(options.signal);
  } finally {
    activationTensor.dispose();
  }
  const weights = new Float64Array(activation.channels);
  softmax(scores).forEach((weight, i) => (weights[channels[i]] = weight));
  const notes =
    channels.length < activation.channels
      ? [`Score-CAM used the top ${channels.length} of ${activation.channels} channels by mean activation`]
      : [];
  return { map: weightedSum(activation, weights), notes };
}

export const scorecam: MethodFn = async (model, input, options) => {
  const { map, notes } = await scorecamMap(model, input, options);
  return finishMap(map, notes);
};
