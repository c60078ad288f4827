// SmoothGrad's noise level against a closed form. For z = Σ_k D_k · mean_p ReLU(W_k·x_p + b_k),
// ∂z/∂x_pc = W_ck D_k / P · 1[W_k·x_p + b_k > 0]; with x_p + N(0, σ²I) the indicator's mean is
// Φ(z_pk / (σ‖W_k‖)). A locally linear net (the other SmoothGrad tests) cannot see σ at all.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { explain } from './index';
import { useCpuBackend } from './testing/backend';
import { createTinyModel } from './testing/tiny-model';
import { matrix, pointwiseConv, seededValues } from './testing/reference';

beforeAll(useCpuBackend);

const H = 3;
const W = 4;
const K = 3;
const P = H * W;
const weights = matrix(seededValues('w', 9), 3, K);
const bias = [0.05, -0.05, 0.02];
const dense = [[1], [-0.7], [0.5]];
// Pre-activations near 0 relative to σ‖W_k‖, so the expectation depends strongly on σ.
const image = Float32Array.from(seededValues('x', P * 3, 0, 0.2));

/** Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7). */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
  const y = 1 - poly * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}
const Phi = (x: number) => 0.5 * (1 + erf(x / Math.SQRT2));

/** max_c |E[∂z/∂x_pc]| per pixel for noise of standard deviation sigma (absolute, in input units). */
function expectedMap(sigma: number): number[] {
  const z = pointwiseConv(image, weights, bias);
  const norms = [0, 1, 2].map((k) => Math.hypot(weights[0][k], weights[1][k], weights[2][k]));
  return Array.from({ length: P }, (_, p) => {
    let best = 0;
    for (let c = 0; c < 3; c++) {
      let g = 0;
      for (let k = 0; k < K; k++) g += (weights[c][k] * dense[k][0] / P) * Phi(z[p * K + k] / (sigma * norms[k]));
      best = Math.max(best, Math.abs(g));
    }
    return best;
  });
}

function maxRelDeviation(actual: ArrayLike<number>, expected: number[]): number {
  const scale = Math.max(...expected);
  let worst = 0;
  for (let p = 0; p < expected.length; p++) worst = Math.max(worst, Math.abs(actual[p] - expected[p]) / scale);
  return worst;
}

// Seeded Monte Carlo: deviation at the right σ is 2–4 %, at half or double σ 19–28 %.
const TOLERANCE = 0.08;
const SAMPLES = 4000;
const FRACTION = 0.15;

describe('SmoothGrad σ', () => {
  it.each([
    [0, 1],
    [0, 2],
  ])('input range [%s, %s]: the mean gradient is the closed form at σ = fraction × range', async (low, high) => {
    const model = createTinyModel({ height: H, width: W, kernel: [[weights]], bias, head: 'gap', dense, denseBias: [0], inputRange: [low, high] });
    const input = tf.tensor4d(image, [1, H, W, 3]);
    try {
      const out = await explain(model, input, {
        method: 'smoothgrad',
        layer: 'feat',
        classIndex: 0,
        smoothgradSamples: SAMPLES,
        smoothgradSigma: FRACTION,
      });
      const sigma = FRACTION * (high - low);
      expect(maxRelDeviation(out.map.data, expectedMap(sigma))).toBeLessThan(TOLERANCE);
      // The check discriminates: the wrong noise level is far outside the tolerance.
      expect(maxRelDeviation(out.map.data, expectedMap(sigma / 2))).toBeGreaterThan(2 * TOLERANCE);
      expect(maxRelDeviation(out.map.data, expectedMap(sigma * 2))).toBeGreaterThan(2 * TOLERANCE);
    } finally {
      input.dispose();
      model.dispose();
    }
  });
});
