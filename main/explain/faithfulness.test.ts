// Deletion / insertion curves against a hand computation on a 28×28 image (blur cell = 2 px).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faithfulness, trapezoidAuc } from './faithfulness';
import { upsampleMap } from './render';
import { useCpuBackend } from './testing/backend';
import { createTinyModel } from './testing/tiny-model';
import { expectClose, gapDense, pointwiseConv, relu, seededValues } from './testing/reference';

const S = 28;
const P = S * S;
// Class 0 grows with red, class 1 with blue.
const weights = [
  [2, -1],
  [0.2, 0.2],
  [-1, 2],
];
const bias = [0.5, 0.5];
const dense = [
  [3, -3],
  [-3, 3],
];
const denseBias = [0, 0];
const image = Float32Array.from(seededValues('fi', P * 3, 0, 1));

function probabilityByHand(pixels: ArrayLike<number>, c: number): number {
  const logits = gapDense(relu(pointwiseConv(Array.from(pixels), weights, bias)), 2, dense, denseBias);
  const top = Math.max(...logits);
  const exps = logits.map((z) => Math.exp(z - top));
  return exps[c] / exps.reduce((s, v) => s + v, 0);
}

/** Box-average 2×2 blocks, then bilinear back to 28×28: the insertion baseline. */
function blurByHand(): Float32Array {
  const out = new Float32Array(P * 3);
  for (let c = 0; c < 3; c++) {
    const small = new Float32Array(14 * 14);
    for (let y = 0; y < 14; y++)
      for (let x = 0; x < 14; x++) {
        let sum = 0;
        for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]]) sum += image[((2 * y + dy) * S + 2 * x + dx) * 3 + c];
        small[y * 14 + x] = sum / 4;
      }
    const up = upsampleMap({ data: small, width: 14, height: 14 }, S, S).data;
    for (let p = 0; p < P; p++) out[p * 3 + c] = up[p];
  }
  return out;
}

beforeAll(useCpuBackend);

describe('faithfulness', () => {
  const model = createTinyModel({ height: S, width: S, kernel: [[weights]], bias, head: 'gap', dense, denseBias });
  let input: tf.Tensor4D;
  beforeAll(() => {
    input = tf.tensor4d(image, [1, S, S, 3]);
  });
  afterAll(() => {
    input.dispose();
    model.dispose();
  });
  const mapValues = Float32Array.from(seededValues('fm', P, 0, 1));
  const map = { data: mapValues, width: S, height: S };

  it('curves and AUCs match the hand computation', async () => {
    const steps = 4;
    const order = Array.from({ length: P }, (_, i) => i).sort((a, b) => mapValues[b] - mapValues[a]);
    const blur = blurByHand();
    const deletion: number[] = [];
    const insertion: number[] = [];
    for (let k = 0; k <= steps; k++) {
      const changed = new Set(order.slice(0, Math.round((k / steps) * P)));
      deletion.push(probabilityByHand(Array.from(image, (v, i) => (changed.has(Math.floor(i / 3)) ? 0 : v)), 0));
      insertion.push(probabilityByHand(Array.from(blur, (v, i) => (changed.has(Math.floor(i / 3)) ? image[i] : v)), 0));
    }
    const out = await faithfulness(model, input, map, 0, { steps });
    expectClose(out.deletion, deletion, 1e-5);
    expectClose(out.insertion, insertion, 1e-5);
    expect(out.deletionAuc).toBeCloseTo(deletion.slice(1).reduce((s, v, i) => s + (v + deletion[i]) / 2 / steps, 0), 6);
    expect(out.insertionAuc).toBeCloseTo(trapezoidAuc(insertion), 6);
    expect(trapezoidAuc([1, 1, 1])).toBe(1);
    expect(trapezoidAuc([0, 1])).toBe(0.5);
  });

  it('a faithful map beats its reverse: lower deletion AUC, higher insertion AUC', async () => {
    // True importance for class 0: the red-minus-blue evidence of each pixel.
    const good = Float32Array.from({ length: P }, (_, p) => image[p * 3] - image[p * 3 + 2]);
    const reverse = good.map((v) => -v);
    const a = await faithfulness(model, input, { data: good, width: S, height: S }, 0, { steps: 10 });
    const b = await faithfulness(model, input, { data: reverse, width: S, height: S }, 0, { steps: 10 });
    expect(a.deletionAuc).toBeLessThan(b.deletionAuc - 0.05);
    expect(a.insertionAuc).toBeGreaterThan(b.insertionAuc + 0.05);
    expect(a.deletion).toHaveLength(11);
  });

  it('takes a layer-resolution map, reports progress, cancels, leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const small = { data: Float32Array.from(seededValues('sm', 49)), width: 7, height: 7 };
    const calls: number[] = [];
    const out = await faithfulness(model, input, small, 1, { steps: 5, onProgress: (done) => calls.push(done) });
    expect(out.insertion.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(calls.at(-1)).toBe(12);
    const controller = new AbortController();
    const run = faithfulness(model, input, small, 1, { steps: 40, signal: controller.signal, onProgress: () => controller.abort() });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(tf.memory().numTensors).toBe(before);
  });
});
