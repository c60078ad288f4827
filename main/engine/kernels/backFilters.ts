// Builds, once at load time, the filters that turn conv input-gradients into forward convs:
// spatially flipped, in/out channels swapped, split by output phase for strided convs.
import type { WeightArray } from '../keras/weights';

/**
 * Visits every tap of the phase-split, flipped back filter: tap (a, b) of phase (ry, rx) reads the
 * forward kernel at (ky, kx) = (ry + (ty−1−a)·sy, rx + (tx−1−b)·sx); taps outside the kernel stay 0.
 */
function forEachBackTap(
  [kh, kw]: number[],
  [sy, sx]: [number, number],
  visit: (a: number, b: number, ky: number, kx: number, phase: number) => void,
): void {
  const ty = Math.ceil(kh / sy);
  const tx = Math.ceil(kw / sx);
  for (let a = 0; a < ty; a++) {
    for (let b = 0; b < tx; b++) {
      for (let ry = 0; ry < sy; ry++) {
        const ky = ry + (ty - 1 - a) * sy;
        if (ky >= kh) continue;
        for (let rx = 0; rx < sx; rx++) {
          const kx = rx + (tx - 1 - b) * sx;
          if (kx < kw) visit(a, b, ky, kx, ry * sx + rx);
        }
      }
    }
  }
}

/**
 * Conv2D kernel W [kh,kw,cin,cout] → G [ty,tx,cout,sy·sx·cin] with
 * G[a,b,co,(ry·sx+rx)·cin+ci] = W[ry+(ty−1−a)·sy, rx+(tx−1−b)·sx, ci, co] (0 outside W).
 */
export function convBackFilter(kernel: WeightArray, strides: [number, number]): WeightArray {
  const [kh, kw, cin, cout] = kernel.shape;
  const ty = Math.ceil(kh / strides[0]);
  const tx = Math.ceil(kw / strides[1]);
  const outCh = strides[0] * strides[1] * cin;
  const data = new Float32Array(ty * tx * cout * outCh);
  const src = kernel.data;
  forEachBackTap(kernel.shape, strides, (a, b, ky, kx, phase) => {
    for (let ci = 0; ci < cin; ci++) {
      const srcBase = ((ky * kw + kx) * cin + ci) * cout;
      const dstCol = phase * cin + ci;
      for (let co = 0; co < cout; co++) {
        data[((a * tx + b) * cout + co) * outCh + dstCol] = src[srcBase + co];
      }
    }
  });
  return { shape: [ty, tx, cout, outCh], data };
}

/**
 * Depthwise kernel W [kh,kw,c,m] → G [ty,tx,c·m,sy·sx] with
 * G[a,b,ch·m+j,ry·sx+rx] = W[ry+(ty−1−a)·sy, rx+(tx−1−b)·sx, ch, j].
 */
export function depthwiseBackFilter(kernel: WeightArray, strides: [number, number]): WeightArray {
  const [kh, kw, c, m] = kernel.shape;
  const ty = Math.ceil(kh / strides[0]);
  const tx = Math.ceil(kw / strides[1]);
  const phases = strides[0] * strides[1];
  const channels = c * m;
  const data = new Float32Array(ty * tx * channels * phases);
  const src = kernel.data;
  forEachBackTap(kernel.shape, strides, (a, b, ky, kx, phase) => {
    for (let ch = 0; ch < channels; ch++) {
      data[((a * tx + b) * channels + ch) * phases + phase] = src[(ky * kw + kx) * channels + ch];
    }
  });
  return { shape: [ty, tx, channels, phases], data };
}

/** One phase of a strided conv's input gradient: only the taps that land on it (no padded zeros). */
export interface PhaseFilter {
  filter: WeightArray;
  /** Leading all-zero taps of the shared phase filter that this one drops (reduce padBefore by it). */
  trimY: number;
  trimX: number;
}

/**
 * Per-phase back filters for Conv2D with stride s > 1: phase (ry, rx) gets
 * F[a,b,co,ci] = W[ry+(my−1−a)·sy, rx+(mx−1−b)·sx, ci, co], my = ceil((kh−ry)/sy). For 3×3 stride 2
 * that is 2×2 + 2×1 + 1×2 + 1×1 = 9 taps instead of the shared filter's 4×(2×2) = 16.
 */
export function convPhaseFilters(kernel: WeightArray, strides: [number, number]): PhaseFilter[] {
  const [kh, kw, cin, cout] = kernel.shape;
  const [sy, sx] = strides;
  const ty = Math.ceil(kh / sy);
  const tx = Math.ceil(kw / sx);
  const out: PhaseFilter[] = [];
  for (let ry = 0; ry < sy; ry++) {
    for (let rx = 0; rx < sx; rx++) {
      const my = Math.ceil((kh - ry) / sy);
      const mx = Math.ceil((kw - rx) / sx);
      const data = new Float32Array(Math.max(my, 0) * Math.max(mx, 0) * cout * cin);
      for (let a = 0; a < my; a++) {
        const ky = ry + (my - 1 - a) * sy;
        for (let b = 0; b < mx; b++) {
          const kx = rx + (mx - 1 - b) * sx;
          for (let ci = 0; ci < cin; ci++) {
            const src = ((ky * kw + kx) * cin + ci) * cout;
            for (let co = 0; co < cout; co++) data[((a * mx + b) * cout + co) * cin + ci] = kernel.data[src + co];
          }
        }
      }
      out.push({ filter: { shape: [my, mx, cout, cin], data }, trimY: ty - my, trimX: tx - mx });
    }
  }
  return out;
}
