// Plain-JS arithmetic for tests: the tiny network's pieces computed by hand, independent of tf.
import seedrandom from 'seedrandom';

/** Deterministic values in [low, high). */
export function seededValues(seed: string, count: number, low = -1, high = 1): number[] {
  const random = seedrandom(seed);
  return Array.from({ length: count }, () => low + (high - low) * random());
}

/** [rows][cols] from a flat row-major list. */
export function matrix(values: number[], rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, (_, r) => values.slice(r * cols, (r + 1) * cols));
}

/** A 1×1 kernel [1][1][3][K] from a 3×K matrix. */
export function pointwiseKernel(weights: number[][]): number[][][][] {
  return [[weights]];
}

/** Pre-activation of a 1×1 conv: z_pk = Σ_c x_pc W_ck + b_k, HWC. */
export function pointwiseConv(image: Float32Array | number[], weights: number[][], bias: number[]): Float64Array {
  const channels = bias.length;
  const pixels = image.length / 3;
  const out = new Float64Array(pixels * channels);
  for (let p = 0; p < pixels; p++) {
    for (let k = 0; k < channels; k++) {
      let sum = bias[k];
      for (let c = 0; c < 3; c++) sum += image[p * 3 + c] * weights[c][k];
      out[p * channels + k] = sum;
    }
  }
  return out;
}

export const relu = (values: Float64Array): Float64Array => values.map((v) => Math.max(0, v));

/** Logits of a GAP → dense head: z_c = Σ_k mean_p(A_pk) D_kc + e_c. */
export function gapDense(activation: Float64Array, channels: number, dense: number[][], denseBias: number[]): number[] {
  const pixels = activation.length / channels;
  return denseBias.map((bias, c) => {
    let sum = bias;
    for (let k = 0; k < channels; k++) {
      let mean = 0;
      for (let p = 0; p < pixels; p++) mean += activation[p * channels + k] / pixels;
      sum += mean * dense[k][c];
    }
    return sum;
  });
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} ≠ ${expected.length}`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < actual.length; i++) {
    const error = Math.abs(actual[i] - expected[i]);
    if (Number.isNaN(error)) throw new Error(`NaN at ${i}: got ${actual[i]}, expected ${expected[i]}`);
    if (error > worst) {
      worst = error;
      at = i;
    }
  }
  if (worst > tolerance) {
    throw new Error(`max error ${worst} at ${at}: got ${actual[at]}, expected ${expected[at]} (tolerance ${tolerance})`);
  }
}
