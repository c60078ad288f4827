// Max pooling with an exact input gradient computed in plain JS: each output's gradient goes to the
// first maximum of its window in row-major order (tfjs-cpu's rule; ties are common after ReLU).
// wasm's MaxPoolGrad misroutes gradients under asymmetric 'same' padding and costs ~180 ms per
// InceptionV3 dream step; wasm's MaxPoolWithArgmax breaks ties differently and takes ~24 ms for the
// first pool alone. This loop: ~16 ms for 147×147×64, plus two copies out of the wasm heap.
import * as tf from '@tensorflow/tfjs';
import { unaryCustomGrad } from './customGrad';
import { forwardAxis, requireOutput, type Padding } from './geometry';

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
        // The window's first cell seeds the running max; later cells win only when strictly larger.
        const first = base + (yStart * w + xStart) * c;
        for (let ch = 0; ch < c; ch++) {
          best[ch] = x[first + ch];
          bestAt[ch] = first + ch;
        }
        for (let iy = yStart; iy < yEnd; iy++) {
          for (let ix = iy === yStart ? xStart + 1 : xStart; ix < xEnd; ix++) {
            const p = base + (iy * w + ix) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = x[p + ch];
              if (v > best[ch]) {
                best[ch] = v;
                bestAt[ch] = p + ch;
              }
            }
          }
        }
        for (let ch = 0; ch < c; ch++) dx[bestAt[ch]] += dy[o + ch];
      }
    }
  }
  return dx;
}

export function makeMaxPool(geo: PoolGeometry): (x: tf.Tensor4D) => tf.Tensor4D {
  return unaryCustomGrad<tf.Tensor4D>((x, save) => {
    requireOutput('MaxPooling2D', x.shape, geo.size, geo.strides, geo.padding);
    save([x]);
    return {
      value: tf.maxPool(x, geo.size, geo.strides, geo.padding),
      gradFunc: (dy, saved) => {
        const input = saved[0] as tf.Tensor4D;
        const dx = maxPoolBackward(input.dataSync() as Float32Array, dy.dataSync() as Float32Array, input.shape, geo);
        return tf.tensor4d(dx, input.shape);
      },
    };
  });
}
