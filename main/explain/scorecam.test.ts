// Score-CAM against a hand computation: masks = min-max scaled channels, scores = the tiny net's
// logit on each masked input (plain JS), weights = softmax over channels.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain } from './index';
import { upsampleMap } from './render';
import { useCpuBackend } from './testing/backend';
import { createTinyModel } from './testing/tiny-model';
import { expectClose, gapDense, matrix, pointwiseConv, pointwiseKernel, relu, seededValues } from './testing/reference';

const K = 4;
const CLASSES = 3;
// Channel 3 has zero weights and a positive bias: a constant channel (its mask has no range).
const weights = matrix(seededValues('sw', 3 * K), 3, K).map((row) => [...row.slice(0, 3), 0]);
const bias = [0.1, -0.1, 0.2, 0.5];
const dense = matrix(seededValues('sd', K * CLASSES, -2, 2), K, CLASSES);
const denseBias = [0.3, 0, -0.2];

function logitsByHand(image: ArrayLike<number>): number[] {
  return gapDense(relu(pointwiseConv(Array.from(image), weights, bias)), K, dense, denseBias);
}

function minMax(values: number[]): number[] {
  const low = Math.min(...values);
  const range = Math.max(...values) - low;
  return values.map((v) => (range > 0 ? (v - low) / range : 0));
}

/** Expected Score-CAM; `pool` averages 2×2 blocks of A (the layer) and masks are upsampled back. */
function expectedScoreCam(image: Float32Array, h: number, w: number, c: number, pool: number, channels?: number[]) {
  const full = relu(pointwiseConv(Array.from(image), weights, bias));
  const fh = h / pool;
  const fw = w / pool;
  const layer = (p: number, k: number) => {
    const [y, x] = [Math.floor(p / fw), p % fw];
    let sum = 0;
    for (let dy = 0; dy < pool; dy++) for (let dx = 0; dx < pool; dx++) sum += full[((y * pool + dy) * w + x * pool + dx) * K + k];
    return sum / pool ** 2;
  };
  const kept = channels ?? Array.from({ length: K }, (_, k) => k);
  const scores = kept.map((k) => {
    const channel = Float32Array.from({ length: fh * fw }, (_, p) => layer(p, k));
    const mask = minMax(Array.from(upsampleMap({ data: channel, width: fw, height: fh }, w, h).data));
    const masked = Array.from(image, (v, i) => v * mask[Math.floor(i / 3)]);
    return logitsByHand(masked)[c];
  });
  const top = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - top));
  const total = exps.reduce((s, v) => s + v, 0);
  return Array.from({ length: fh * fw }, (_, p) =>
    Math.max(0, kept.reduce((sum, k, i) => sum + (exps[i] / total) * layer(p, k), 0)),
  );
}

beforeAll(useCpuBackend);

describe('Score-CAM', () => {
  const H = 4;
  const W = 6;
  const image = Float32Array.from(seededValues('sx', H * W * 3, 0, 1));
  const make = (pool: number) =>
    createTinyModel({ height: H, width: W, kernel: pointwiseKernel(weights), bias, pool, head: 'gap', dense, denseBias });
  const plain = make(1);
  const pooled = make(2);
  let input: tf.Tensor4D;
  beforeAll(() => {
    input = tf.tensor4d(image, [1, H, W, 3]);
  });
  afterAll(() => {
    input.dispose();
    plain.dispose();
    pooled.dispose();
  });

  it.each([0, 1, 2])('matches the hand computation at input resolution, class %i (constant channel stays finite)', async (c) => {
    const out = await explain(plain, input, { method: 'scorecam', layer: 'feat', classIndex: c, scorecamBatch: 3 });
    expect(out.map.data.every(Number.isFinite)).toBe(true);
    expectClose(out.map.data, expectedScoreCam(image, H, W, c, 1), 1e-5);
  });

  it('matches with a lower-resolution layer (masks upsampled bilinearly)', async () => {
    const out = await explain(pooled, input, { method: 'scorecam', layer: 'feat', classIndex: 0 });
    expect([out.map.width, out.map.height]).toEqual([W / 2, H / 2]);
    expectClose(out.map.data, expectedScoreCam(image, H, W, 0, 2), 1e-5);
  });

  it('top-N keeps the channels with the highest mean activation and says so', async () => {
    const full = relu(pointwiseConv(Array.from(image), weights, bias));
    const means = Array.from({ length: K }, (_, k) => {
      let sum = 0;
      for (let p = 0; p < H * W; p++) sum += full[p * K + k];
      return sum;
    });
    const top2 = [0, 1, 2, 3].sort((a, b) => means[b] - means[a]).slice(0, 2);
    const out = await explain(plain, input, { method: 'scorecam', layer: 'feat', classIndex: 1, scorecamChannels: 2 });
    expectClose(out.map.data, expectedScoreCam(image, H, W, 1, 1, top2), 1e-5);
    expect(out.notes.join(' ')).toContain('top 2 of 4 channels');
  });

  it('batch size does not change the map; progress counts channels', async () => {
    const calls: [number, number][] = [];
    const one = await explain(plain, input, {
      method: 'scorecam',
      layer: 'feat',
      classIndex: 2,
      scorecamBatch: 1,
      onProgress: (done, total) => calls.push([done, total]),
    });
    const all = await explain(plain, input, { method: 'scorecam', layer: 'feat', classIndex: 2, scorecamBatch: 64 });
    expectClose(one.map.data, all.map.data, 1e-6);
    // At once (no total before the layer is read), after the forward pass, then per batch.
    expect(calls).toEqual([[0, 0], [0, 4], [1, 4], [2, 4], [3, 4], [4, 4]]);
  });

  it('says something before any forward pass, and after one masked input, not a whole batch', async () => {
    const events: string[] = [];
    const watched = Object.create(plain, {
      run: { value: (...args: Parameters<typeof plain.run>) => (events.push(`run ${args[0].shape[0]}`), plain.run(...args)) },
    }) as typeof plain;
    const out = await explain(watched, input, {
      method: 'scorecam',
      layer: 'feat',
      classIndex: 2,
      scorecamBatch: 16,
      onProgress: (done, total) => events.push(`${done}/${total}`),
    });
    expectClose(out.map.data, expectedScoreCam(image, H, W, 2, 1), 1e-5);
    // Batches of 1, 2, then the rest: the batching speed-up stays for the later ones.
    expect(events.slice(0, 3)).toEqual(['0/0', 'run 1', '0/4']);
    expect(events.slice(3)).toEqual(['run 1', '1/4', 'run 2', '3/4', 'run 1', '4/4']);
  });

  it('cancels between batches with an AbortError and leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const run = explain(plain, input, {
      method: 'scorecam',
      layer: 'feat',
      classIndex: 0,
      scorecamBatch: 1,
      signal: controller.signal,
      onProgress: (done) => done === 2 && controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(tf.memory().numTensors).toBe(before);
    const already = new AbortController();
    already.abort();
    await expect(explain(plain, input, { method: 'scorecam', layer: 'feat', classIndex: 0, signal: already.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});
