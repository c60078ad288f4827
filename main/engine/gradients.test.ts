// Our interpreter vs tfjs-layers (forward) and vs finite differences of a float64 reference / stock
// tf.grad (gradients), on cpu, then the same gradients on wasm.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { LOGITS } from './types';
import { mobileNet, stemNet, type TestNet } from './testing/nets';
import { images64, reference64, type Image64 } from './testing/reference64';

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / (den || 1);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Objective over LOGITS with fixed weights, so every class contributes. */
function logitObjective(classes: number) {
  const w = Array.from({ length: classes }, (_, i) => 1 - 0.37 * i);
  return (acts: Record<string, tf.Tensor>) => tf.sum(tf.mul(acts[LOGITS], w)) as tf.Scalar;
}

/** Images moved by eps·v (v flat over the batch). */
function shifted(images: Image64[], v: ArrayLike<number>, eps: number): Image64[] {
  let o = 0;
  return images.map((im) => ({ ...im, data: im.data.map((x) => x + eps * v[o++]) }));
}

/**
 * Relative error of the analytic directional derivative against a central difference of the float64
 * reference. At a 1e-6 step there is no float32 rounding to drown in and no ReLU kink to straddle
 * (float32 differences on these nets miss 1e-3 in most directions at any step), so every direction
 * must pass; the reference's own error is ~1e-7.
 */
function fdError(f: (images: Image64[]) => number, at: Image64[], v: ArrayLike<number>, analytic: number): number {
  const eps = 1e-6;
  const difference = (f(shifted(at, v, eps)) - f(shifted(at, v, -eps))) / (2 * eps);
  return Math.abs(difference - analytic) / Math.abs(analytic);
}

const DIRECTIONS = 8;

const NETS: [string, () => Promise<TestNet>, string, number][] = [
  ['stem (BN scale=False, strides, same/valid, pools, even kernel, concat, GAP)', stemNet, 'a2', 4],
  ['mobile (ReLU6, depthwise x1/x2, zero padding, residual add, separable, flatten)', mobileNet, 'add', 3],
];

describe.each(NETS)('%s', (_title, build, midLayer, classes) => {
  let net: TestNet;
  let input: tf.Tensor4D;
  const cpuGrads: Record<string, Float32Array> = {};

  beforeAll(async () => {
    await tf.setBackend('cpu');
    net = await build();
    input = tf.randomUniform([2, ...net.inputShape], 0, 1, 'float32', 3) as tf.Tensor4D;
  });
  afterAll(() => {
    net.dispose();
    input.dispose();
  });

  test('softmax(LOGITS) equals the tfjs-layers predict', () => {
    const stock = net.stock.predict(input) as tf.Tensor;
    const out = net.ours.run(input, [LOGITS, 'out']);
    const soft = tf.softmax(out[LOGITS]);
    expect(relErr(soft.dataSync(), stock.dataSync())).toBeLessThan(1e-5);
    expect(relErr(out.out.dataSync(), stock.dataSync())).toBeLessThan(1e-5);
    if (_title.startsWith('mobile')) {
      // ReLU6 must saturate somewhere, or its upper gate goes untested.
      const r = net.ours.run(input, ['r2', 'r3']);
      expect(r.r2.dataSync().filter((v) => v === 6).length).toBeGreaterThan(5);
      expect(r.r3.dataSync().filter((v) => v === 6).length).toBeGreaterThan(5);
      tf.dispose([r.r2, r.r3]);
    }
    // Not trivial: the logits differ between classes.
    expect(Math.max(...out[LOGITS].dataSync()) - Math.min(...out[LOGITS].dataSync())).toBeGreaterThan(0.05);
    tf.dispose([stock, soft, out[LOGITS], out.out]);
  });

  test('input gradient matches float64 finite differences in every direction', () => {
    const objective = logitObjective(classes);
    const { value, gradient } = net.ours.inputGradient(input, [LOGITS], objective);
    const w = Array.from({ length: classes }, (_, i) => 1 - 0.37 * i);
    const output = net.stock.layers[net.stock.layers.length - 1].name;
    const f = (images: Image64[]) => images.reduce((s, im) => s + dot(reference64(net.stock, im, output).data, w), 0);
    const images = images64(input.dataSync(), input.shape);
    // The reference is the same function: its logits objective equals ours.
    expect(Math.abs(value - f(images))).toBeLessThan(1e-5 * Math.max(1, Math.abs(value)));
    const g = gradient.dataSync();
    cpuGrads.input = new Float32Array(g);
    for (let k = 0; k < DIRECTIONS; k++) {
      const v = tf.randomNormal(input.shape, 0, 1, 'float32', 11 + k);
      const vd = v.dataSync();
      expect(fdError(f, images, vd, dot(g, vd)), `direction ${k}`).toBeLessThan(1e-3);
      v.dispose();
    }
    gradient.dispose();
  });

  test('input gradient equals stock tf.grad through the tfjs-layers model', () => {
    // stem: stock BN with scale=False crashes (tfjs#2868) and stock AvgPoolGrad is wrong at 'same' borders.
    if (_title.startsWith('stem')) return;
    const w = Array.from({ length: classes }, (_, i) => 1 - 0.37 * i);
    // The stock model ends in softmax: compare the gradient of the probabilities instead.
    const stockGrad = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(net.stock.apply(x, { training: false }) as tf.Tensor, w)))(input);
    const ours = net.ours.inputGradient(input, ['out'], (a) => tf.sum(tf.mul(a.out, w)) as tf.Scalar);
    expect(relErr(ours.gradient.dataSync(), stockGrad.dataSync())).toBeLessThan(1e-4);
    tf.dispose([stockGrad, ours.gradient]);
  });

  test('feature-map gradient (Grad-CAM head) matches float64 finite differences in every direction', () => {
    const { activation, gradient, logits } = net.ours.layerGradient(input, midLayer, 1);
    expect(logits.shape).toEqual([2, classes]);
    // The reference head: A replaces the layer's value, other branches still come from the image.
    const images = images64(input.dataSync(), input.shape);
    const output = net.stock.layers[net.stock.layers.length - 1].name;
    const head = (maps: Image64[]) =>
      maps.reduce((s, a, b) => s + reference64(net.stock, images[b], output, new Map([[midLayer, a]])).data[1], 0);
    const g = gradient.dataSync();
    cpuGrads.layer = new Float32Array(g);
    expect(g.some((x) => x !== 0)).toBe(true);
    const maps = images64(activation.dataSync(), activation.shape);
    for (let k = 0; k < DIRECTIONS; k++) {
      const v = tf.randomNormal(activation.shape, 0, 1, 'float32', 21 + k);
      const vd = v.dataSync();
      expect(fdError(head, maps, vd, dot(g, vd)), `direction ${k}`).toBeLessThan(1e-3);
      v.dispose();
    }
    tf.dispose([activation, gradient, logits]);
  });

  test('wasm gives the same gradients as cpu', async () => {
    await tf.setBackend('wasm');
    try {
      const objective = logitObjective(classes);
      const a = net.ours.inputGradient(input, [LOGITS], objective);
      expect(relErr(a.gradient.dataSync(), cpuGrads.input)).toBeLessThan(1e-4);
      const b = net.ours.layerGradient(input, midLayer, 1);
      expect(relErr(b.gradient.dataSync(), cpuGrads.layer)).toBeLessThan(1e-4);
      tf.dispose([a.gradient, b.activation, b.gradient, b.logits]);
    } finally {
      await tf.setBackend('cpu');
    }
  });
});
