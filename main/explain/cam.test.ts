// Gradient CAM methods against maps computed by hand: A from a plain-JS 1×1 conv + ReLU, g known
// analytically from the head (GAP head: g_ijk = D_kc / HW; flatten head: g = column c of D).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain } from './index';
import type { Method } from '../../preload/contract';
import { useCpuBackend } from './testing/backend';
import { createTinyModel } from './testing/tiny-model';
import { expectClose, matrix, pointwiseConv, pointwiseKernel, relu, seededValues } from './testing/reference';

const H = 4;
const W = 5;
const K = 3;
const CLASSES = 2;
const P = H * W;
const weights = matrix(seededValues('w', 3 * K), 3, K);
const bias = seededValues('b', K, -0.2, 0.4);
const image = Float32Array.from(seededValues('x', P * 3, 0, 1));
const denseGap = matrix(seededValues('dg', K * CLASSES), K, CLASSES);
const denseFlat = matrix(seededValues('df', P * K * CLASSES), P * K, CLASSES);

// By hand: A[p][k]
const A = relu(pointwiseConv(image, weights, bias));
const a = (p: number, k: number) => A[p * K + k];

type Grad = (p: number, k: number) => number;
const gapGrad = (c: number): Grad => (_p, k) => denseGap[k][c] / P;
const flatGrad = (c: number): Grad => (p, k) => denseFlat[p * K + k][c];

function combine(channelWeight: (k: number) => number): number[] {
  return Array.from({ length: P }, (_, p) => {
    let sum = 0;
    for (let k = 0; k < K; k++) sum += channelWeight(k) * a(p, k);
    return Math.max(0, sum);
  });
}
const sumOverPositions = (f: (p: number) => number) => Array.from({ length: P }, (_, p) => f(p)).reduce((s, v) => s + v, 0);

const expected: Record<string, (g: Grad) => number[]> = {
  gradcam: (g) => combine((k) => sumOverPositions((p) => g(p, k)) / P),
  hirescam: (g) =>
    Array.from({ length: P }, (_, p) => Math.max(0, [0, 1, 2].reduce((s, k) => s + g(p, k) * a(p, k), 0))),
  xgradcam: (g) =>
    combine((k) => sumOverPositions((p) => (a(p, k) / (sumOverPositions((q) => a(q, k)) + 1e-7)) * g(p, k))),
  layercam: (g) =>
    Array.from({ length: P }, (_, p) => Math.max(0, [0, 1, 2].reduce((s, k) => s + Math.max(0, g(p, k)) * a(p, k), 0))),
  'gradcam++': (g) =>
    combine((k) => {
      const total = sumOverPositions((p) => a(p, k));
      return sumOverPositions((p) => {
        const gv = g(p, k);
        const denominator = 2 * gv ** 2 + total * gv ** 3;
        const alpha = gv === 0 || denominator === 0 ? 0 : gv ** 2 / denominator;
        return alpha * Math.max(0, gv);
      });
    }),
};
const METHODS = Object.keys(expected) as Method[];

beforeAll(useCpuBackend);

describe.each([
  ['gap', denseGap, gapGrad],
  ['flatten', denseFlat, flatGrad],
] as const)('gradient CAMs, %s head', (head, dense, grad) => {
  const model = createTinyModel({
    height: H,
    width: W,
    kernel: pointwiseKernel(weights),
    bias,
    head,
    dense: dense as number[][],
    denseBias: [0.1, -0.3],
  });
  let input: tf.Tensor4D;
  beforeAll(() => {
    input = tf.tensor4d(image, [1, H, W, 3]);
  });
  afterAll(() => {
    input.dispose();
    model.dispose();
  });

  it.each(METHODS.flatMap((method) => [0, 1].map((c) => [method, c] as const)))('%s, class %i', async (method, c) => {
    const out = await explain(model, input, { method, layer: 'feat', classIndex: c });
    expect([out.map.width, out.map.height]).toEqual([W, H]);
    const want = expected[method](grad(c));
    const scale = Math.max(...want.map(Math.abs), 1e-3);
    expectClose(out.map.data, want, 1e-5 * scale);
  });
});

describe('closed forms with a constant gradient (GAP head)', () => {
  const model = createTinyModel({ height: H, width: W, kernel: pointwiseKernel(weights), bias, head: 'gap', dense: denseGap, denseBias: [0, 0] });
  afterAll(() => model.dispose());
  const c = 0;
  const g = (k: number) => denseGap[k][c] / P;
  const gradcamClosed = combine(g);

  it('Grad-CAM = HiResCAM = XGrad-CAM = ReLU(Σ_k D_kc/HW · A_k)', async () => {
    const input = tf.tensor4d(image, [1, H, W, 3]);
    for (const method of ['gradcam', 'hirescam', 'xgradcam'] as const) {
      const { map } = await explain(model, input, { method, layer: 'feat', classIndex: c });
      expectClose(map.data, gradcamClosed, 1e-5);
    }
    input.dispose();
  });

  it('LayerCAM = ReLU(Σ_k ReLU(D_kc)/HW · A_k); Grad-CAM++ w_k = HW·ReLU(g_k)/(2 + S_k g_k)', async () => {
    const input = tf.tensor4d(image, [1, H, W, 3]);
    const layer = await explain(model, input, { method: 'layercam', layer: 'feat', classIndex: c });
    expectClose(layer.map.data, combine((k) => Math.max(0, g(k))), 1e-5);
    const plus = await explain(model, input, { method: 'gradcam++', layer: 'feat', classIndex: c });
    const totals = [0, 1, 2].map((k) => sumOverPositions((p) => a(p, k)));
    expectClose(plus.map.data, combine((k) => (P * Math.max(0, g(k))) / (2 + totals[k] * g(k))), 1e-5);
    input.dispose();
  });
});
