// Eigen-CAM (Muhammad & Yeasin; pytorch-grad-cam's get_2d_projection): project the centred
// (HW × K) activation matrix on its first principal direction. Class-agnostic. The eigenvector is
// found by power iteration on the smaller of the K×K covariance and the HW×HW Gram matrix.
// The projection of a centred matrix sums to zero, so "mostly positive" cannot mean more positive
// mass. The sign is chosen so the projection rises with the total activation Σ_k A_pk (for post-ReLU
// maps, the object is where channels fire), whatever the object's size: a heavy-tail rule (Σ p³ ≥ 0)
// puts the background on top once the object covers more than about half the map. Only when the
// projection is uncorrelated with the total does the tail decide, then the peak. Then ReLU.
import seedrandom from 'seedrandom';
import type { RawMap } from '../types';
import { finishMap, readActivation, type LayerTensor, type MethodFn } from '../base';

const MAX_ITERATIONS = 3000;
const TOLERANCE = 1e-12;

/** Top eigenvector and eigenvalue of a symmetric positive semi-definite n×n matrix. */
export function topEigenvector(matrix: Float64Array, n: number): { vector: Float64Array; value: number } {
  const random = seedrandom('eigencam');
  let vector: Float64Array = Float64Array.from({ length: n }, () => random() - 0.5);
  let value = 0;
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < n; j++) sum += matrix[i * n + j] * vector[j];
      next[i] = sum;
    }
    const norm = Math.sqrt(next.reduce((sum, value) => sum + value * value, 0));
    if (!(norm > 0)) return { vector: new Float64Array(n), value: 0 };
    let change = 0;
    for (let i = 0; i < n; i++) {
      next[i] /= norm;
      change += (next[i] - vector[i]) ** 2;
    }
    vector = next;
    value = norm;
    if (change < TOLERANCE) break;
  }
  return { vector, value };
}

/** The centred activation matrix projected on its first principal direction (signed, not ReLU'd). */
export function principalProjection(activation: LayerTensor): Float64Array {
  const { data, height, width, channels: k } = activation;
  const n = height * width;
  const means = new Float64Array(k);
  for (let p = 0; p < n; p++) for (let c = 0; c < k; c++) means[c] += data[p * k + c] / n;
  const centred = new Float64Array(n * k);
  for (let p = 0; p < n; p++) for (let c = 0; c < k; c++) centred[p * k + c] = data[p * k + c] - means[c];

  const projection = new Float64Array(n);
  if (n <= k) {
    // Gram G = Xc·Xcᵀ: its top eigenvector u gives the projection directly, p = √λ·u.
    const gram = new Float64Array(n * n);
    for (let a = 0; a < n; a++) {
      for (let b = a; b < n; b++) {
        let sum = 0;
        for (let c = 0; c < k; c++) sum += centred[a * k + c] * centred[b * k + c];
        gram[a * n + b] = gram[b * n + a] = sum;
      }
    }
    const { vector, value } = topEigenvector(gram, n);
    const scale = Math.sqrt(value);
    for (let p = 0; p < n; p++) projection[p] = scale * vector[p];
  } else {
    // Covariance C = Xcᵀ·Xc: its top eigenvector v is the principal direction, p = Xc·v.
    const covariance = new Float64Array(k * k);
    for (let p = 0; p < n; p++) {
      for (let a = 0; a < k; a++) {
        const xa = centred[p * k + a];
        if (xa === 0) continue;
        for (let b = 0; b < k; b++) covariance[a * k + b] += xa * centred[p * k + b];
      }
    }
    const { vector } = topEigenvector(covariance, k);
    for (let p = 0; p < n; p++) {
      let sum = 0;
      for (let c = 0; c < k; c++) sum += centred[p * k + c] * vector[c];
      projection[p] = sum;
    }
  }
  return orientPositive(projection, activation);
}

function orientPositive(projection: Float64Array, activation: LayerTensor): Float64Array {
  const { data, channels: k } = activation;
  const n = projection.length;
  const totals = new Float64Array(n);
  const absolute = new Float64Array(n);
  let meanTotal = 0;
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < k; c++) {
      totals[p] += data[p * k + c];
      absolute[p] += Math.abs(data[p * k + c]);
    }
    meanTotal += totals[p] / n;
  }
  let covariance = 0;
  let projectionNorm = 0;
  let magnitude = 0;
  let thirdMoment = 0;
  let peak = 0;
  let trough = 0;
  for (let p = 0; p < n; p++) {
    const value = projection[p];
    const total = totals[p] - meanTotal;
    covariance += value * total;
    projectionNorm += value * value;
    magnitude += absolute[p] ** 2;
    thirdMoment += value ** 3;
    peak = Math.max(peak, value);
    trough = Math.min(trough, value);
  }
  const scale = Math.max(peak, -trough) || 1;
  let flip: boolean;
  // Relative to the activations' size, not the centred total's: a constant total still varies by
  // float32 rounding, and that noise must not pick the sign.
  if (Math.abs(covariance) > 1e-5 * Math.sqrt(projectionNorm * magnitude)) flip = covariance < 0;
  else if (Math.abs(thirdMoment) > 1e-9 * scale ** 3 * n) flip = thirdMoment < 0;
  else flip = -trough > peak;
  return flip ? projection.map((value) => -value) : projection;
}

export function eigencamMap(activation: LayerTensor): RawMap {
  const projection = principalProjection(activation);
  return {
    data: Float32Array.from(projection, (value) => Math.max(0, value)),
    width: activation.width,
    height: activation.height,
  };
}

export const eigencam: MethodFn = async (model, input, options) => {
  const activation = await readActivation(model, input, options.layer);
  return finishMap(eigencamMap(activation), ['Eigen-CAM is class-agnostic: the chosen class does not change the map']);
};
