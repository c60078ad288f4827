// Max pooling with an exact input gradient computed in plain JS: each output's gradient goes to the
// first maximum of its window (TensorFlow's rule). wasm's MaxPoolGrad misroutes gradients for some
// padded inputs and costs ~180 ms per InceptionV3 dream step; this loop is a few ms.
import * as tf from '@tensorflow/tfjs';
import { unaryCustomGrad } from './customGrad';
import { forwardAxis, type Padding } from './geometry';

interface PoolGeometry {
  size: [number, number];
  strides: [number, number];
  padding: Padding;
}

export function maxPoolBackward(x: Float32Array, dy: Float32Array, xShape: number[], geo: PoolGeometry): Float32Array {
  const [n, h, w, c] = xShape;
  const gy = forwardAxis(h, geo.size[0], geo.strides[0], geo.padding);
  const gx = forwardAxis(w, geo.size[1], geo.strides[1], geo.padding);
  const dx = new Float32Array(x.length);
  const best = new Float32Array(c);
  const bestAt = new Int32Array(c);
  let o = 0;
  for (let b = 0; b < n; b++) {
    const base = b * h * w * c;
    for (let oy = 0; oy < gy.out; oy++) {
      const y0 = oy * geo.strides[0] - gy.before;
      const yStart = Math.max(y0, 0);
      const yEnd = Math.min(y0 + geo.size[0], h);
      for (let ox = 0; ox < gx.out; ox++, o += c) {
        const x0 = ox * geo.strides[1] - gx.before;
        const xStart = Math.max(x0, 0);
        const xEnd = Math.min(x0 + geo.size[1], w);
        best.fill(-Infinity);
        bestAt.fill(-1);
        for (let iy = yStart; iy < yEnd; iy++) {
          for (let ix = xStart; ix < xEnd; ix++) {
            const p = base + (iy * w + ix) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = x[p + ch];
              if (v > best[ch] || bestAt[ch] < 0) {
                best[ch] = v;
                bestAt[ch] = p + ch;
              }
            }
          }
        }
        for (let ch = 0; ch < c; ch++) if (bestAt[ch] >= 0) dx[bestAt[ch]] += dy[o + ch];
      }
    }
  }
  return dx;
}

export function makeMaxPool(geo: PoolGeometry): (x: tf.Tensor4D) => tf.Tensor4D {
  return unaryCustomGrad<tf.Tensor4D>((x, save) => {
    save([x]);
    return {
      value: tf.maxPool(x as tf.Tensor4D, geo.size, geo.strides, geo.padding),
      gradFunc: (dy, saved) => {
        const input = saved[0];
        const dx = maxPoolBackward(input.dataSync() as Float32Array, dy.dataSync() as Float32Array, input.shape, geo);
        return tf.tensor4d(dx, input.shape as [number, number, number, number]);
      },
    };
  });
}
