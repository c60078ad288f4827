// Guided backprop's gates, against hand computations on stock ops: ReLU passes dy where z > 0 and
// dy > 0; ReLU6 where 0 < z < 6 and dy > 0 (plain: 0 < z < 6, any dy). Both conv paths: the fast
// custom gradient (square strides) and the stock fallback (non-square strides), and a whole model.
import { beforeAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { applyActivation } from './kernels/activation';
import { convBackFilter, convPhaseFilters } from './kernels/backFilters';
import { makeConvOp, type ConvSpec } from './kernels/conv';
import { buildNet } from './testing/nets';
import { LOGITS } from './types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Gated = 'relu' | 'relu6';

/** dL/dz by hand from the pre-activation z and the upstream gradient. */
function gate(z: ArrayLike<number>, up: ArrayLike<number>, activation: Gated, guided: boolean): Float32Array {
  const top = activation === 'relu' ? Infinity : 6;
  return Float32Array.from(z, (v, i) => (v > 0 && v < top && (!guided || up[i] > 0) ? up[i] : 0));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('activation gates', () => {
  const z = [-1, -1e-3, 0, 1e-3, 0.5, 3, 5.999, 6, 6.001, 9];
  const ups = [0.7, -0.4, 1.1, -0.9, 0.3, -0.2, 0.8, 1.2, 0.5, -0.6];

  test.each([
    ['relu', false],
    ['relu', true],
    ['relu6', false],
    ['relu6', true],
  ] as const)('%s, guided %s: the gradient passes exactly where the hand rule says', (activation, guided) => {
    const x = tf.tensor1d(z);
    const up = tf.tensor1d(ups);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(applyActivation(t, activation, guided), up)))(x);
    // + 0: a blocked negative gradient is −0.
    expect(Array.from(g.dataSync(), (v) => v + 0)).toEqual(Array.from(gate(z, ups, activation, guided)));
    tf.dispose([x, up, g]);
  });

  test('guided ReLU6: the cells that pass are those with 0 < z < 6 and dy > 0', () => {
    const x = tf.tensor1d(z);
    const up = tf.tensor1d(ups);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(applyActivation(t, 'relu6', true), up)))(x);
    const passed = Array.from(g.dataSync()).flatMap((v, i) => (v !== 0 ? [i] : []));
    expect(passed).toEqual([4, 6]); // z = 0.5 (dy 0.3) and z = 5.999 (dy 0.8)
    tf.dispose([x, up, g]);
  });
});

describe('conv + activation, guided and plain, on both conv paths', () => {
  const cases: [string, [number, number], boolean][] = [
    ['stride 1 (fast)', [1, 1], true],
    ['stride 2 (fast, phased)', [2, 2], true],
    ['strides [1, 2] (stock fallback)', [1, 2], false],
    ['strides [2, 1] (stock fallback)', [2, 1], false],
  ];
  const variants = cases.flatMap(([title, strides, fast]) =>
    (['relu', 'relu6'] as const).flatMap((activation) => [false, true].map((guided) => [title, activation, guided, strides, fast] as const)),
  );

  test.each(variants)('%s, %s, guided %s', (_title, activation, guided, strides, fast) => {
    const kernel = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 41) as tf.Tensor4D;
    const bias = tf.tensor1d([0.5, -0.3, 1, 0]);
    const weights = { shape: kernel.shape as number[], data: kernel.dataSync() as Float32Array };
    const spec: ConvSpec = {
      kind: 'conv',
      kernel,
      bias,
      strides,
      padding: 'same',
      activation,
      backFilter: fast ? tf.tensor4d(convBackFilter(weights, strides).data, convBackFilter(weights, strides).shape as [number, number, number, number]) : undefined,
      phaseFilters:
        fast && strides[0] > 1
          ? convPhaseFilters(weights, strides).map((p) => ({ filter: tf.tensor4d(p.filter.data, p.filter.shape as [number, number, number, number]), trimY: p.trimY, trimX: p.trimX }))
          : undefined,
    };
    // Large inputs: ReLU6 saturates in a good share of the cells.
    const x = tf.randomNormal([1, 7, 8, 3], 0, 2, 'float32', 42) as tf.Tensor4D;
    const zT = tf.add(tf.conv2d(x, kernel, strides, 'same'), bias);
    const z = zT.dataSync();
    const up = tf.randomNormal(zT.shape, 0, 1, 'float32', 43);
    const dz = tf.tensor(gate(z, up.dataSync(), activation, guided), zT.shape);
    const op = makeConvOp(spec);
    const ours = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(op(t as tf.Tensor4D, guided), up)))(x);
    const expected = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(t as tf.Tensor4D, kernel, strides, 'same'), dz)))(x);
    if (activation === 'relu6') expect(Array.from(z).filter((v) => v >= 6).length).toBeGreaterThan(5);
    const scale = Math.max(...Array.from(expected.dataSync(), Math.abs));
    expect(scale).toBeGreaterThan(0);
    expect(maxAbsDiff(ours.dataSync(), expected.dataSync()) / scale).toBeLessThan(1e-5);
    tf.dispose([kernel, bias, x, zT, up, dz, ours, expected, spec.backFilter!, ...(spec.phaseFilters ?? []).map((p) => p.filter)].filter(Boolean));
  });
});

test('a model with a non-square-stride Conv2D(relu): the guided input gradient is gated', async () => {
  const L = tf.layers;
  const net = await buildNet('nonsquare', [7, 8, 3], (x) => {
    const y = L.conv2d({ name: 'c', filters: 4, kernelSize: 3, strides: [1, 2], padding: 'same', activation: 'relu' }).apply(x) as tf.SymbolicTensor;
    const gap = L.globalAveragePooling2d({ name: 'gap' }).apply(y) as tf.SymbolicTensor;
    return L.dense({ name: 'out', units: 3, activation: 'softmax' }).apply(gap) as tf.SymbolicTensor;
  });
  try {
    const x = tf.randomUniform([1, 7, 8, 3], 0, 1, 'float32', 44) as tf.Tensor4D;
    const conv = net.stock.getLayer('c').getWeights();
    const [dense] = net.stock.getLayer('out').getWeights();
    const zT = tf.add(tf.conv2d(x, conv[0] as tf.Tensor4D, [1, 2], 'same'), conv[1]);
    const [, h, w, k] = zT.shape;
    // d logit0 / d(ReLU output) is D[k][0] / (h·w) everywhere: some channels negative, so guiding matters.
    const d = dense.dataSync();
    const up = Array.from({ length: h * w * k }, (_, i) => d[(i % k) * 3] / (h * w));
    expect(up.some((v) => v < 0) && up.some((v) => v > 0)).toBe(true);
    const dz = tf.tensor(gate(zT.dataSync(), up, 'relu', true), zT.shape);
    const expected = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(t as tf.Tensor4D, conv[0] as tf.Tensor4D, [1, 2], 'same'), dz)))(x);
    const objective = (a: Record<string, tf.Tensor>) => tf.sum(tf.slice(a[LOGITS], [0, 0], [-1, 1])) as tf.Scalar;
    const guided = net.ours.inputGradient(x, [LOGITS], objective, { guided: true });
    const plain = net.ours.inputGradient(x, [LOGITS], objective);
    const scale = Math.max(...Array.from(expected.dataSync(), Math.abs));
    expect(maxAbsDiff(guided.gradient.dataSync(), expected.dataSync()) / scale).toBeLessThan(1e-5);
    expect(maxAbsDiff(plain.gradient.dataSync(), expected.dataSync()) / scale).toBeGreaterThan(1e-2);
    tf.dispose([x, zT, dz, expected, guided.gradient, plain.gradient]);
  } finally {
    net.dispose();
  }
});
