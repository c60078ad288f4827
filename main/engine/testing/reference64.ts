// A float64 plain-JS forward pass over a tfjs-layers model's own layer objects (topology from the
// inbound nodes, weights read from the layers), independent of the engine's interpreter and kernels.
// Gradient tests take central differences of it: no float32 rounding, kinks only within ~1e-6.
import type * as tf from '@tensorflow/tfjs';

/** One image, HWC (or a vector: h = w = 1). */
export interface Image64 {
  h: number;
  w: number;
  c: number;
  data: Float64Array;
}

type Padding = 'same' | 'valid';
type Pair = [number, number];

const pair = (v: number | number[] | undefined, fallback: number): Pair =>
  v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : [v[0], v[1]];

function axis(size: number, k: number, s: number, padding: Padding): { out: number; before: number } {
  if (padding === 'valid') return { out: Math.floor((size - k) / s) + 1, before: 0 };
  const out = Math.ceil(size / s);
  return { out, before: Math.floor(Math.max((out - 1) * s + k - size, 0) / 2) };
}

/** Visits every (output position, real input cell) pair of a k-window op. */
function windows(
  x: Image64,
  [kh, kw]: Pair,
  [sy, sx]: Pair,
  padding: Padding,
  visit: (oy: number, ox: number, iy: number, ix: number, ky: number, kx: number) => void,
): { oh: number; ow: number } {
  const gy = axis(x.h, kh, sy, padding);
  const gx = axis(x.w, kw, sx, padding);
  for (let oy = 0; oy < gy.out; oy++) {
    for (let ox = 0; ox < gx.out; ox++) {
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * sy - gy.before + ky;
        if (iy < 0 || iy >= x.h) continue;
        for (let kx = 0; kx < kw; kx++) {
          const ix = ox * sx - gx.before + kx;
          if (ix >= 0 && ix < x.w) visit(oy, ox, iy, ix, ky, kx);
        }
      }
    }
  }
  return { oh: gy.out, ow: gx.out };
}

const blank = (h: number, w: number, c: number, fill = 0): Image64 => ({ h, w, c, data: new Float64Array(h * w * c).fill(fill) });

/** Conv2D, kernel [kh,kw,cin,cout]. */
export function conv(x: Image64, kernel: Float64Array, shape: number[], strides: Pair, padding: Padding): Image64 {
  const [kh, kw, cin, cout] = shape;
  const g = { y: axis(x.h, kh, strides[0], padding).out, x: axis(x.w, kw, strides[1], padding).out };
  const out = blank(g.y, g.x, cout);
  windows(x, [kh, kw], strides, padding, (oy, ox, iy, ix, ky, kx) => {
    const o = (oy * out.w + ox) * cout;
    for (let ci = 0; ci < cin; ci++) {
      const v = x.data[(iy * x.w + ix) * cin + ci];
      const k = ((ky * kw + kx) * cin + ci) * cout;
      for (let co = 0; co < cout; co++) out.data[o + co] += v * kernel[k + co];
    }
  });
  return out;
}

/** DepthwiseConv2D, kernel [kh,kw,c,m]: output channel ci·m + j. */
export function depthwise(x: Image64, kernel: Float64Array, shape: number[], strides: Pair, padding: Padding): Image64 {
  const [kh, kw, c, m] = shape;
  const out = blank(axis(x.h, kh, strides[0], padding).out, axis(x.w, kw, strides[1], padding).out, c * m);
  windows(x, [kh, kw], strides, padding, (oy, ox, iy, ix, ky, kx) => {
    const o = (oy * out.w + ox) * c * m;
    for (let ci = 0; ci < c; ci++) {
      const v = x.data[(iy * x.w + ix) * c + ci];
      for (let j = 0; j < m; j++) out.data[o + ci * m + j] += v * kernel[((ky * kw + kx) * c + ci) * m + j];
    }
  });
  return out;
}

export function pool(x: Image64, mode: 'max' | 'avg', size: Pair, strides: Pair, padding: Padding): Image64 {
  const out = blank(axis(x.h, size[0], strides[0], padding).out, axis(x.w, size[1], strides[1], padding).out, x.c, mode === 'max' ? -Infinity : 0);
  const counts = new Float64Array(out.h * out.w);
  windows(x, size, strides, padding, (oy, ox, iy, ix) => {
    counts[oy * out.w + ox]++;
    for (let ch = 0; ch < x.c; ch++) {
      const o = (oy * out.w + ox) * x.c + ch;
      const v = x.data[(iy * x.w + ix) * x.c + ch];
      out.data[o] = mode === 'max' ? Math.max(out.data[o], v) : out.data[o] + v;
    }
  });
  // TF semantics: the average is over real cells only, never the padding.
  if (mode === 'avg') out.data.forEach((v, i) => (out.data[i] = v / counts[Math.floor(i / x.c)]));
  return out;
}

const map = (x: Image64, f: (v: number, ch: number) => number): Image64 => ({ ...x, data: x.data.map((v, i) => f(v, i % x.c)) });

function activation(x: Image64, name: string | undefined, maxValue?: number | null): Image64 {
  if (!name || name === 'linear') return x;
  if (name === 'relu') return map(x, (v) => Math.min(Math.max(v, 0), maxValue ?? Infinity));
  throw new Error(`reference64: activation ${name} not supported`);
}

function weightsOf(layer: tf.layers.Layer): Record<string, { data: Float64Array; shape: number[] }> {
  const out: Record<string, { data: Float64Array; shape: number[] }> = {};
  for (const w of layer.weights) {
    const key = w.originalName.split('/').pop()!;
    out[key] = { data: Float64Array.from(w.read().dataSync()), shape: w.shape as number[] };
  }
  return out;
}

function addBias(x: Image64, bias: Float64Array | undefined): Image64 {
  return bias ? map(x, (v, ch) => v + bias[ch]) : x;
}

/** The value of one layer from the values of its inbound layers. `logits`: Dense without its activation. */
function applyLayer(layer: tf.layers.Layer, inputs: Image64[], logits: boolean): Image64 {
  const cfg = layer.getConfig() as Record<string, unknown>;
  const w = weightsOf(layer);
  const x = inputs[0];
  const strides = pair(cfg.strides as number[], 1);
  const padding = cfg.padding as Padding;
  switch (layer.getClassName()) {
    case 'Conv2D':
      return activation(addBias(conv(x, w.kernel.data, w.kernel.shape, strides, padding), w.bias?.data), cfg.activation as string);
    case 'DepthwiseConv2D':
      return activation(
        addBias(depthwise(x, w.depthwise_kernel.data, w.depthwise_kernel.shape, strides, padding), w.bias?.data),
        cfg.activation as string,
      );
    case 'SeparableConv2D': {
      const d = depthwise(x, w.depthwise_kernel.data, w.depthwise_kernel.shape, strides, padding);
      return activation(addBias(conv(d, w.pointwise_kernel.data, w.pointwise_kernel.shape, [1, 1], 'valid'), w.bias?.data), cfg.activation as string);
    }
    case 'BatchNormalization': {
      const eps = (cfg.epsilon as number) ?? 1e-3;
      const { moving_mean: mean, moving_variance: variance, gamma, beta } = w;
      return map(x, (v, ch) => ((v - mean.data[ch]) / Math.sqrt(variance.data[ch] + eps)) * (gamma ? gamma.data[ch] : 1) + (beta ? beta.data[ch] : 0));
    }
    case 'Activation':
      return activation(x, cfg.activation as string);
    case 'ReLU':
      return activation(x, 'relu', cfg.maxValue as number | null);
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const size = pair(cfg.poolSize as number[], 2);
      return pool(x, layer.getClassName() === 'MaxPooling2D' ? 'max' : 'avg', size, pair(cfg.strides as number[], size[0]) , padding);
    }
    case 'ZeroPadding2D': {
      const [[top, bottom], [left, right]] = cfg.padding as [Pair, Pair];
      const out = blank(x.h + top + bottom, x.w + left + right, x.c);
      for (let y = 0; y < x.h; y++) out.data.set(x.data.subarray(y * x.w * x.c, (y + 1) * x.w * x.c), ((y + top) * out.w + left) * x.c);
      return out;
    }
    case 'Add':
      return { ...x, data: x.data.map((_, i) => inputs.reduce((s, t) => s + t.data[i], 0)) };
    case 'Concatenate': {
      const c = inputs.reduce((s, t) => s + t.c, 0);
      const out = blank(x.h, x.w, c);
      for (let p = 0; p < x.h * x.w; p++) {
        let at = p * c;
        for (const t of inputs) {
          out.data.set(t.data.subarray(p * t.c, (p + 1) * t.c), at);
          at += t.c;
        }
      }
      return out;
    }
    case 'GlobalAveragePooling2D': {
      const out = blank(1, 1, x.c);
      x.data.forEach((v, i) => (out.data[i % x.c] += v / (x.h * x.w)));
      return out;
    }
    case 'Flatten':
      return { h: 1, w: 1, c: x.data.length, data: x.data };
    case 'Dropout':
      return x;
    case 'Dense': {
      const [fin, fout] = w.kernel.shape;
      const out = blank(1, 1, fout);
      for (let o = 0; o < fout; o++) {
        let s = w.bias ? w.bias.data[o] : 0;
        for (let i = 0; i < fin; i++) s += x.data[i] * w.kernel.data[i * fout + o];
        out.data[o] = s;
      }
      return logits ? out : activation(out, cfg.activation as string);
    }
    default:
      throw new Error(`reference64: layer ${layer.getClassName()} not supported`);
  }
}

/**
 * Value of layer `target` for one image; `seeds` replace named layers' values (for head gradients).
 * `target` = the final Dense gives its pre-activation output (the logits).
 */
export function reference64(model: tf.LayersModel, image: Image64, target: string, seeds: Map<string, Image64> = new Map()): Image64 {
  const values = new Map<string, Image64>(seeds);
  const output = model.layers[model.layers.length - 1].name;
  const value = (layer: tf.layers.Layer): Image64 => {
    let v = values.get(layer.name);
    if (!v) {
      const inbound = layer.inboundNodes[0]?.inboundLayers ?? [];
      v = inbound.length === 0 ? image : applyLayer(layer, inbound.map(value), layer.name === output);
      values.set(layer.name, v);
    }
    return v;
  };
  return value(model.getLayer(target));
}

/** Splits an NHWC float32 tensor's data into float64 images. */
export function images64(data: ArrayLike<number>, [n, h, w, c]: number[]): Image64[] {
  return Array.from({ length: n }, (_, b) => ({ h, w, c, data: Float64Array.from({ length: h * w * c }, (_, i) => data[b * h * w * c + i]) }));
}
