// Input-resolution methods against closed forms on a 1×1-conv → ReLU → GAP → dense network:
// ∂z_c/∂x_pc' = Σ_k W_c'k · [z_pk > 0] · D_kc / HW (guided backprop also needs D_kc > 0).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain } from './index';
import { upsampleMap } from './render';
import { useCpuBackend } from './testing/backend';
import { createTinyModel, type TinyModelSpec } from './testing/tiny-model';
import { expectClose, matrix, pointwiseConv, pointwiseKernel, seededValues } from './testing/reference';

const H = 4;
const W = 6;
const K = 4;
const P = H * W;
const weights = matrix(seededValues('gw', 3 * K), 3, K);
// Every class has positive and negative channel weights, so guided and plain gradients differ.
const dense = [
  [0.8, -0.6],
  [-0.5, 0.7],
  [0.4, 0.3],
  [-0.9, -0.2],
];
const image = Float32Array.from(seededValues('gx', P * 3, 0, 1));

/** Input gradient of logit c by hand, HWC. */
function gradientByHand(bias: number[], c: number, guided: boolean, x: Float32Array = image): number[] {
  const z = pointwiseConv(x, weights, bias);
  const out: number[] = [];
  for (let p = 0; p < P; p++) {
    for (let ch = 0; ch < 3; ch++) {
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const passes = z[p * K + k] > 0 && (!guided || dense[k][c] > 0);
        if (passes) sum += (weights[ch][k] * dense[k][c]) / P;
      }
      out.push(sum);
    }
  }
  return out;
}
const maxAbs = (hwc: number[]) => Array.from({ length: hwc.length / 3 }, (_, p) => Math.max(...hwc.slice(p * 3, p * 3 + 3).map(Math.abs)));

const spec = (bias: number[], extra: Partial<TinyModelSpec> = {}): TinyModelSpec => ({
  height: H,
  width: W,
  kernel: pointwiseKernel(weights),
  bias,
  head: 'gap',
  dense,
  denseBias: [0.2, -0.1],
  ...extra,
});

beforeAll(useCpuBackend);

describe('saliency methods', () => {
  const mixedBias = [0.3, 0.2, -0.1, 0.25]; // some ReLUs off, some on
  const linearBias = [5, 5, 5, 5]; // every ReLU on, even under noise and along the IG path
  const mixed = createTinyModel(spec(mixedBias));
  const linear = createTinyModel(spec(linearBias));
  const wideRange = createTinyModel(spec(linearBias, { inputRange: [-1, 1] }));
  const smooth = createTinyModel(spec([0.1, -0.2, 0.3, 0], { activation: 'tanh' }));
  const pooled = createTinyModel(spec(mixedBias, { pool: 2 }));
  let input: tf.Tensor4D;
  beforeAll(() => {
    input = tf.tensor4d(image, [1, H, W, 3]);
  });
  afterAll(() => {
    input.dispose();
    for (const model of [mixed, linear, wideRange, smooth, pooled]) model.dispose();
  });

  it.each([0, 1])('guided backprop = max_c |guided gradient|, class %i', async (c) => {
    const out = await explain(mixed, input, { method: 'guided-backprop', layer: 'feat', classIndex: c });
    expect([out.map.width, out.map.height]).toEqual([W, H]);
    expectClose(out.map.data, maxAbs(gradientByHand(mixedBias, c, true)), 1e-6);
    // Guided differs from the plain gradient here (some D_kc < 0), so the test tells them apart.
    expect(maxAbs(gradientByHand(mixedBias, c, false))).not.toEqual(maxAbs(gradientByHand(mixedBias, c, true)));
  });

  it('guided Grad-CAM = guided backprop ⊙ bilinearly upsampled Grad-CAM', async () => {
    const out = await explain(pooled, input, { method: 'guided-gradcam', layer: 'feat', classIndex: 0 });
    const full = pointwiseConv(image, weights, mixedBias).map((v) => Math.max(0, v));
    const cam = new Float32Array((H / 2) * (W / 2));
    for (let y = 0; y < H / 2; y++) {
      for (let x = 0; x < W / 2; x++) {
        let sum = 0;
        for (let k = 0; k < K; k++) {
          let pooledValue = 0;
          for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]]) pooledValue += full[((2 * y + dy) * W + 2 * x + dx) * K + k] / 4;
          sum += (dense[k][0] / ((H / 2) * (W / 2))) * pooledValue;
        }
        cam[y * (W / 2) + x] = Math.max(0, sum);
      }
    }
    const camUp = upsampleMap({ data: cam, width: W / 2, height: H / 2 }, W, H).data;
    const guided = maxAbs(gradientByHand(mixedBias, 0, true));
    expectClose(out.map.data, guided.map((g, p) => g * camUp[p]), 1e-6);
  });

  it('SmoothGrad on a locally linear net = max_c |gradient|; progress reported', async () => {
    const calls: number[] = [];
    const out = await explain(linear, input, {
      method: 'smoothgrad',
      layer: 'feat',
      classIndex: 1,
      smoothgradSamples: 10,
      onProgress: (done) => calls.push(done),
    });
    expectClose(out.map.data, maxAbs(gradientByHand(linearBias, 1, false)), 1e-6);
    expect(calls.at(-1)).toBe(10);
  });

  it('SmoothGrad is seeded: same seed identical, another seed different', async () => {
    const run = (seed: number) =>
      explain(smooth, input, { method: 'smoothgrad', layer: 'feat', classIndex: 0, smoothgradSamples: 6, seed });
    const [a, b, c] = [await run(7), await run(7), await run(8)];
    expect(Array.from(a.map.data)).toEqual(Array.from(b.map.data));
    expect(Array.from(a.map.data)).not.toEqual(Array.from(c.map.data));
    // σ = 0 removes the noise: the plain gradient's max |.|.
    const exact = await explain(linear, input, { method: 'smoothgrad', layer: 'feat', classIndex: 0, smoothgradSamples: 2, smoothgradSigma: 0 });
    expectClose(exact.map.data, maxAbs(gradientByHand(linearBias, 0, false)), 1e-6);
  });

  it.each([
    ['[0, 1]', 0],
    ['[-1, 1]', -1],
  ])('Integrated Gradients on a linear path, input range %s: ReLU(Σ_c (x − x′)·∇), gap ≈ 0', async (_range, baseline) => {
    const model = baseline === 0 ? linear : wideRange;
    const out = await explain(model, input, { method: 'integrated-gradients', layer: 'feat', classIndex: 0 });
    const gradient = gradientByHand(linearBias, 0, false);
    const expected = Array.from({ length: P }, (_, p) =>
      Math.max(0, [0, 1, 2].reduce((s, c) => s + (image[p * 3 + c] - baseline) * gradient[p * 3 + c], 0)),
    );
    expectClose(out.map.data, expected, 1e-6);
    expect(out.completenessGap).toBeLessThan(1e-4);
  });

  it('Integrated Gradients reports progress at once, then after 1, 2, 4… path points (batches up to 8)', async () => {
    const calls: [number, number][] = [];
    const ramped = await explain(smooth, input, { method: 'integrated-gradients', layer: 'feat', classIndex: 0, igSteps: 23, onProgress: (done, total) => calls.push([done, total]) });
    expect(calls.map(([done]) => done)).toEqual([0, 1, 3, 7, 15, 23, 24]);
    expect(calls.every(([, total]) => total === 24)).toBe(true);
    expect(ramped.completenessGap).toBeLessThan(0.05);
  });

  it('Integrated Gradients on a smooth (tanh) net: completeness gap small, shrinking with steps', async () => {
    const fine = await explain(smooth, input, { method: 'integrated-gradients', layer: 'feat', classIndex: 0, igSteps: 64 });
    const coarse = await explain(smooth, input, { method: 'integrated-gradients', layer: 'feat', classIndex: 0, igSteps: 1 });
    expect(fine.completenessGap).toBeLessThan(2e-3);
    expect(coarse.completenessGap!).toBeGreaterThan(fine.completenessGap!);
    expect(coarse.notes.join(' ')).toContain('fewer than 32 steps');
  });
});
