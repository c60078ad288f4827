// Average pooling with a correct, fast input gradient. The stock AvgPoolGrad divides by the full
// window even where 'same' padding excluded cells from the forward average (wrong at the borders),
// and is a scalar loop on wasm. Here: dx = transposed depthwise ones-conv of (dy / count).
import * as tf from '@tensorflow/tfjs';
import { unaryCustomGrad } from './customGrad';
import { forwardAxis, requireOutput, type Padding } from './geometry';
import { convInputGradient } from './conv';
import { depthwiseBackFilter } from './backFilters';

const MAX_CACHED_SIZES = 8;

interface PoolGeometry {
  size: [number, number];
  strides: [number, number];
  padding: Padding;
}

/** How many real (unpadded) cells each output window covers along one axis. */
function axisCounts(size: number, kernel: number, stride: number, padding: Padding): number[] {
  const geo = forwardAxis(size, kernel, stride, padding);
  return Array.from({ length: geo.out }, (_, o) => {
    const start = o * stride - geo.before;
    return Math.min(start + kernel, size) - Math.max(start, 0);
  });
}

export function makeAvgPool(geo: PoolGeometry): (x: tf.Tensor4D) => tf.Tensor4D {
  const ones = new Map<number, { kernel: tf.Tensor4D; back: tf.Tensor4D }>();
  const inverseCounts = new Map<string, tf.Tensor4D>();
  const filters = (channels: number) => {
    let f = ones.get(channels);
    if (!f) {
      const [kh, kw] = geo.size;
      const kernel = { shape: [kh, kw, channels, 1], data: new Float32Array(kh * kw * channels).fill(1) };
      const back = depthwiseBackFilter(kernel, geo.strides);
      f = {
        kernel: tf.keep(tf.tensor4d(kernel.data, [kh, kw, channels, 1])),
        back: tf.keep(tf.tensor4d(back.data, back.shape as [number, number, number, number])),
      };
      ones.set(channels, f);
    }
    return f;
  };
  const inverseCount = (h: number, w: number) => {
    const key = `${h}x${w}`;
    let t = inverseCounts.get(key);
    if (!t) {
      const ys = axisCounts(h, geo.size[0], geo.strides[0], geo.padding);
      const xs = axisCounts(w, geo.size[1], geo.strides[1], geo.padding);
      const data = new Float32Array(ys.length * xs.length);
      ys.forEach((cy, i) => xs.forEach((cx, j) => (data[i * xs.length + j] = 1 / (cy * cx))));
      t = tf.keep(tf.tensor4d(data, [1, ys.length, xs.length, 1]));
      inverseCounts.set(key, t);
      if (inverseCounts.size > MAX_CACHED_SIZES) {
        // Bounded: dream octaves and Score-CAM batches use a handful of sizes.
        const [oldest] = inverseCounts.keys();
        inverseCounts.get(oldest)!.dispose();
        inverseCounts.delete(oldest);
      }
    }
    return t;
  };
  if (geo.strides[0] !== geo.strides[1]) {
    return (x) => {
      requireOutput('AveragePooling2D', x.shape, geo.size, geo.strides, geo.padding);
      return tf.avgPool(x, geo.size, geo.strides, geo.padding);
    };
  }
  return unaryCustomGrad<tf.Tensor4D>((x, save) => {
    void save;
    requireOutput('AveragePooling2D', x.shape, geo.size, geo.strides, geo.padding);
    const value = tf.avgPool(x as tf.Tensor4D, geo.size, geo.strides, geo.padding);
    return {
      value,
      gradFunc: (dy) => {
        const [, h, w, c] = x.shape;
        const f = filters(c);
        const scaled = tf.mul(dy, inverseCount(h, w)) as tf.Tensor4D;
        return convInputGradient(
          { kind: 'depthwise', kernel: f.kernel, backFilter: f.back, strides: geo.strides, padding: geo.padding, activation: 'linear' },
          scaled,
          x.shape,
        );
      },
    };
  });
}
