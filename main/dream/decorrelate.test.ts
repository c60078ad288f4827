import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createDecorrelator } from './decorrelate';
import { useBackend } from './testing/backend';

beforeAll(() => useBackend('wasm'));

// M·Mᵀ of Lucid's normalised colour matrix, applied to [1, 1, 1] and [1, 0, 0].
function colourMix(v: number[]): number[] {
  const raw = [[0.26, 0.09, 0.02], [0.27, 0.0, -0.05], [0.27, -0.09, 0.03]];
  const maxNorm = Math.max(...[0, 1, 2].map((c) => Math.hypot(raw[0][c], raw[1][c], raw[2][c])));
  const m = raw.map((r) => r.map((x) => x / maxNorm));
  const mt = [0, 1, 2].map((j) => m[0][j] * v[0] + m[1][j] * v[1] + m[2][j] * v[2]);
  return [0, 1, 2].map((i) => m[i][0] * mt[0] + m[i][1] * mt[1] + m[i][2] * mt[2]);
}

describe('createDecorrelator', () => {
  it('amplifies a constant gradient by N (1/f floor) and the Nyquist checkerboard by 1/√0.5, mixing colours', () => {
    const before = tf.memory().numTensors;
    const w = 12;
    const h = 8;
    const decorrelator = createDecorrelator(w, h);
    const constant = new Float32Array(w * h * 3).fill(1);
    const out = decorrelator.apply(constant);
    const expected = colourMix([1, 1, 1]).map((c) => c * Math.max(w, h));
    for (let p = 0; p < w * h; p++) for (let c = 0; c < 3; c++) expect(out[p * 3 + c]).toBeCloseTo(expected[c], 3);

    const checker = new Float32Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) checker[(y * w + x) * 3] = (x + y) % 2 ? -1 : 1;
    const filtered = decorrelator.apply(checker);
    const mix = colourMix([1, 0, 0]).map((c) => c / Math.SQRT1_2);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const sign = (x + y) % 2 ? -1 : 1;
        for (let c = 0; c < 3; c++) expect(filtered[(y * w + x) * 3 + c]).toBeCloseTo(sign * mix[c], 3);
      }
    }
    decorrelator.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
