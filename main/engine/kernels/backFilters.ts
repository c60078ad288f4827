// Builds, once at load time, the filters that turn conv input-gradients into forward convs:
// spatially flipped, in/out channels swapped, split by output phase for strided convs.
import type { WeightArray } from '../keras/weights';

/**
 * Conv2D kernel W [kh,kw,cin,cout] → G [ty,tx,cout,sy·sx·cin] with
 * G[a,b,co,(ry·sx+rx)·cin+ci] = W[ry+(ty−1−a)·sy, rx+(tx−1−b)·sx, ci, co] (0 outside W).
 */
export function convBackFilter(kernel: WeightArray, strides: [number, number]): WeightArray {
  const [kh, kw, cin, cout] = kernel.shape;
  const [sy, sx] = strides;
  const ty = Math.ceil(kh / sy);
  const tx = Math.ceil(kw / sx);
  const phases = sy * sx;
  const outCh = phases * cin;
  const data = new Float32Array(ty * tx * cout * outCh);
  const src = kernel.data;
  for (let a = 0; a < ty; a++) {
    for (let b = 0; b < tx; b++) {
      for (let ry = 0; ry < sy; ry++) {
        const ky = ry + (ty - 1 - a) * sy;
        if (ky >= kh) continue;
        for (let rx = 0; rx < sx; rx++) {
          const kx = rx + (tx - 1 - b) * sx;
          if (kx >= kw) continue;
          const phase = ry * sx + rx;
          for (let ci = 0; ci < cin; ci++) {
            const srcBase = ((ky * kw + kx) * cin + ci) * cout;
            const dstCol = phase * cin + ci;
            for (let co = 0; co < cout; co++) {
              data[((a * tx + b) * cout + co) * outCh + dstCol] = src[srcBase + co];
            }
          }
        }
      }
    }
  }
  return { shape: [ty, tx, cout, outCh], data };
}

/**
 * Depthwise kernel W [kh,kw,c,m] → G [ty,tx,c·m,sy·sx] with
 * G[a,b,ch·m+j,ry·sx+rx] = W[ry+(ty−1−a)·sy, rx+(tx−1−b)·sx, ch, j].
 */
export function depthwiseBackFilter(kernel: WeightArray, strides: [number, number]): WeightArray {
  const [kh, kw, c, m] = kernel.shape;
  const [sy, sx] = strides;
  const ty = Math.ceil(kh / sy);
  const tx = Math.ceil(kw / sx);
  const phases = sy * sx;
  const channels = c * m;
  const data = new Float32Array(ty * tx * channels * phases);
  const src = kernel.data;
  for (let a = 0; a < ty; a++) {
    for (let b = 0; b < tx; b++) {
      for (let ry = 0; ry < sy; ry++) {
        const ky = ry + (ty - 1 - a) * sy;
        if (ky >= kh) continue;
        for (let rx = 0; rx < sx; rx++) {
          const kx = rx + (tx - 1 - b) * sx;
          if (kx >= kw) continue;
          const phase = ry * sx + rx;
          for (let ch = 0; ch < channels; ch++) {
            data[((a * tx + b) * channels + ch) * phases + phase] = src[(ky * kw + kx) * channels + ch];
          }
        }
      }
    }
  }
  return { shape: [ty, tx, channels, phases], data };
}
