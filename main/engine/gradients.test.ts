// Our interpreter vs tfjs-layers (forward) and vs finite differences / stock tf.grad (gradients), on cpu,
// then the same gradients on wasm.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { LOGITS } from './types';
import { mobileNet, stemNet, type TestNet } from './testing/nets';

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

/** Central difference of f along direction v (f evaluated without any tape). */
function directional(f: (x: tf.Tensor) => number, x: tf.Tensor, v: tf.Tensor, eps: number): number {
  const plus = tf.tidy(() => tf.add(x, tf.mul(v, eps)));
  const minus = tf.tidy(() => tf.sub(x, tf.mul(v, eps)));
  const d = (f(plus) - f(minus)) / (2 * eps);
  plus.dispose();
  minus.dispose();
  return d;
}

/** A single direction may cross a ReLU kink within the step; a wrong gradient fails every direction. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Relative error of the analytic directional derivative against central differences. In float32 a
 * step can straddle a ReLU kink (too large) or drown in rounding (too small): the best of three steps counts.
 */
function fdError(f: (x: tf.Tensor) => number, x: tf.Tensor, v: tf.Tensor, analytic: number): number {
  return Math.min(...[1e-3, 3e-4, 1e-4].map((eps) => Math.abs(directional(f, x, v, eps) - analytic) / Math.abs(analytic)));
}

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

  test('input gradient matches finite differences', () => {
    const objective = logitObjective(classes);
    const { value, gradient } = net.ours.inputGradient(input, [LOGITS], objective);
    const f = (x: tf.Tensor) => {
      const out = net.ours.run(x as tf.Tensor4D, [LOGITS]);
      const s = objective(out);
      const r = s.dataSync()[0];
      tf.dispose([s, out[LOGITS]]);
      return r;
    };
    expect(value).toBeCloseTo(f(input), 4);
    const g = gradient.dataSync();
    cpuGrads.input = new Float32Array(g);
    const errors: number[] = [];
    for (let k = 0; k < 5; k++) {
      const v = tf.randomNormal(input.shape, 0, 1, 'float32', 11 + k);
      errors.push(fdError(f, input, v, dot(g, v.dataSync())));
      v.dispose();
    }
    expect(median(errors)).toBeLessThan(1e-3);
    cpuGrads.input = new Float32Array(g);
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

  test('feature-map gradient (Grad-CAM head) matches finite differences', () => {
    const { activation, gradient, logits } = net.ours.layerGradient(input, midLayer, 1);
    expect(logits.shape).toEqual([2, classes]);
    // Directional derivative through the interpreter's own head, with A perturbed.
    const ex = (net.ours as unknown as { executor: { evaluate: (t: string[], s: Map<string, tf.Tensor>, g: boolean) => Record<string, tf.Tensor> } }).executor;
    const head = (a: tf.Tensor): number => {
      const out = ex.evaluate([LOGITS], new Map([['image', input], [midLayer, a]]), false);
      const r = tf.sum(tf.slice(out[LOGITS], [0, 1], [-1, 1])).dataSync()[0];
      out[LOGITS].dispose();
      return r;
    };
    const g = gradient.dataSync();
    cpuGrads.layer = new Float32Array(g);
    expect(g.some((x) => x !== 0)).toBe(true);
    const errors: number[] = [];
    for (let k = 0; k < 5; k++) {
      const v = tf.randomNormal(activation.shape, 0, 1, 'float32', 21 + k);
      errors.push(fdError(head, activation, v, dot(g, v.dataSync())));
      v.dispose();
    }
    expect(median(errors)).toBeLessThan(1e-3);
    cpuGrads.layer = new Float32Array(g);
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
