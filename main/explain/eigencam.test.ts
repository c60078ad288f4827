// Eigen-CAM against closed forms: a rank-1 activation A = a ⊗ b projects to (a − ā)·|b|; for two
// channels the 2×2 covariance has an explicit top eigenvector.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { explain } from './index';
import { NO_POSITIVE_EVIDENCE } from './types';
import { useCpuBackend } from './testing/backend';
import { createTinyModel } from './testing/tiny-model';
import { expectClose, matrix, pointwiseConv, pointwiseKernel, relu, seededValues } from './testing/reference';

beforeAll(useCpuBackend);

async function eigencamOf(h: number, w: number, weights: number[][], bias: number[], image: Float32Array) {
  const model = createTinyModel({
    height: h,
    width: w,
    kernel: pointwiseKernel(weights),
    bias,
    head: 'gap',
    dense: bias.map(() => [1]),
    denseBias: [0],
  });
  const input = tf.tensor4d(image, [1, h, w, 3]);
  try {
    return await explain(model, input, { method: 'eigencam', layer: 'feat', classIndex: 0 });
  } finally {
    input.dispose();
    model.dispose();
  }
}

describe('Eigen-CAM', () => {
  // a: dim everywhere, a strong small spot top-right; only the red channel carries it.
  const rankOne = (h: number, w: number, k: number) => {
    const a = Array.from({ length: h * w }, (_, p) => (p === w - 1 ? 1 : 0.1 + 0.01 * (p % 3)));
    const b = seededValues(`b${k}`, k, 0.2, 1);
    const weights = [b, seededValues('g', k), seededValues('bl', k)];
    const image = Float32Array.from(a.flatMap((v) => [v, 0, 0]));
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const norm = Math.hypot(...b);
    return { weights, image, expected: a.map((v) => Math.max(0, (v - mean) * norm)) };
  };

  it.each([
    ['Gram path (HW ≤ K)', 2, 2, 6],
    ['covariance path (HW > K)', 4, 5, 3],
  ])('rank-1 activations: %s gives ReLU((a − ā)·|b|), hot spot positive', async (_name, h, w, k) => {
    const { weights, image, expected } = rankOne(h, w, k);
    const out = await eigencamOf(h, w, weights, new Array(k).fill(0), image);
    expectClose(out.map.data, expected, 1e-5);
    expect(out.map.data[w - 1]).toBe(Math.max(...out.map.data));
    expect(out.notes.join(' ')).toContain('class-agnostic');
  });

  it('two channels: the explicit eigenvector of the 2×2 covariance', async () => {
    const h = 3;
    const w = 4;
    const weights = matrix(seededValues('e2', 6), 3, 2);
    const bias = [0.8, 0.6];
    const image = Float32Array.from(seededValues('ex', h * w * 3, 0, 1));
    const A = relu(pointwiseConv(image, weights, bias));
    const n = h * w;
    const mean = [0, 1].map((k) => Array.from({ length: n }, (_, p) => A[p * 2 + k]).reduce((s, v) => s + v, 0) / n);
    const x = Array.from({ length: n }, (_, p) => [A[p * 2] - mean[0], A[p * 2 + 1] - mean[1]]);
    const [caa, cab, cbb] = [
      x.reduce((s, r) => s + r[0] * r[0], 0),
      x.reduce((s, r) => s + r[0] * r[1], 0),
      x.reduce((s, r) => s + r[1] * r[1], 0),
    ];
    const lambda = (caa + cbb) / 2 + Math.sqrt(((caa - cbb) / 2) ** 2 + cab ** 2);
    const v = [cab, lambda - caa];
    const length = Math.hypot(...v);
    let projection = x.map((r) => (r[0] * v[0] + r[1] * v[1]) / length);
    // Oriented to rise with the total activation A_p0 + A_p1 (its centring cancels: Σ projection = 0).
    if (projection.reduce((s, p, i) => s + p * (A[i * 2] + A[i * 2 + 1]), 0) < 0) projection = projection.map((p) => -p);
    const out = await eigencamOf(h, w, weights, bias, image);
    expectClose(out.map.data, projection.map((p) => Math.max(0, p)), 1e-5);
  });

  // A large object is the bulk of the map, so the heavy tail of the projection is the background.
  it.each([0.7, 0.9])('object covering %s of the map: the object is positive, the background zero', async (fraction) => {
    const h = 10;
    const w = 10;
    const n = h * w;
    const b = [0.9, 0.5, 0.3, 0.7];
    const isObject = (p: number) => p < Math.round(fraction * n);
    const a = Array.from({ length: n }, (_, p) => (isObject(p) ? 1 + 0.05 * (p % 3) : 0.1 + 0.01 * (p % 5)));
    const weights = [b, [0, 0, 0, 0], [0, 0, 0, 0]];
    const image = Float32Array.from(a.flatMap((v) => [v, 0, 0]));
    const mean = a.reduce((s, v) => s + v, 0) / n;
    const expected = a.map((v) => Math.max(0, (v - mean) * Math.hypot(...b)));
    const out = await eigencamOf(h, w, weights, [0, 0, 0, 0], image);
    expectClose(out.map.data, expected, 1e-5);
    for (let p = 0; p < n; p++) expect(out.map.data[p] > 0).toBe(isObject(p));
  });

  it('projection uncorrelated with the total activation: the heavy tail (a lone hot spot) is positive', async () => {
    // A0 = t, A1 = 1 − t: the total is constant, the principal direction is (1, −1)/√2.
    const h = 3;
    const w = 4;
    const t = Array.from({ length: h * w }, (_, p) => (p === 5 ? 0.9 : 0.2 + 0.02 * (p % 4)));
    const image = Float32Array.from(t.flatMap((v) => [v, 0, 0]));
    const mean = t.reduce((s, v) => s + v, 0) / t.length;
    const out = await eigencamOf(h, w, [[1, -1], [0, 0], [0, 0]], [0, 1], image);
    expectClose(out.map.data, t.map((v) => Math.max(0, (v - mean) * Math.SQRT2)), 1e-5);
    expect(out.map.data[5]).toBe(Math.max(...out.map.data));
  });

  it('constant activations: zeros, no NaN, "no positive evidence"', async () => {
    const out = await eigencamOf(2, 3, [[0, 0], [0, 0], [0, 0]], [0.3, 0.7], new Float32Array(18).fill(0.5));
    expect(Array.from(out.map.data)).toEqual(new Array(6).fill(0));
    expect(out.notes).toContain(NO_POSITIVE_EVIDENCE);
  });
});
