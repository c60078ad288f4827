// The gradient kernels alone, over every geometry the nets do not reach: conv and depthwise input
// gradients (kernel 1–5, strides 1–3, same/valid, multipliers 1 and 2, odd and even sizes) against
// stock tfjs gradients on cpu, and ours on wasm against the same; max/avg pooling gradients against
// a plain-JS reference (stock AvgPoolGrad is wrong at 'same' borders, so not the reference there).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { convBackFilter, convPhaseFilters, depthwiseBackFilter } from './kernels/backFilters';
import { makeConvOp, type ConvSpec } from './kernels/conv';
import { makeAvgPool } from './kernels/avgPool';
import { makeMaxPool } from './kernels/maxPool';
import { forwardAxis, type Padding } from './kernels/geometry';
import { maxRelErr } from './testing/compare';


const SIZES: [number, number][] = [
  [7, 8],
  [9, 6],
  [10, 11],
];
const PADDINGS: Padding[] = ['same', 'valid'];

interface ConvCase {
  kind: 'conv' | 'depthwise';
  k: number;
  s: number;
  pad: Padding;
  h: number;
  w: number;
  mult: number;
}

function convCases(): ConvCase[] {
  const out: ConvCase[] = [];
  for (const kind of ['conv', 'depthwise'] as const)
    for (const k of [1, 2, 3, 4, 5])
      for (const s of [1, 2, 3])
        for (const pad of PADDINGS)
          for (const [h, w] of SIZES)
            for (const mult of kind === 'conv' ? [1] : [1, 2]) if (pad === 'same' || (h >= k && w >= k)) out.push({ kind, k, s, pad, h, w, mult });
  return out;
}

/** The op as the engine builds it: back filters (and phase filters) prepared on the host, once. */
function convSetup(c: ConvCase) {
  const cin = 3;
  const shape: [number, number, number, number] = [c.k, c.k, cin, c.kind === 'conv' ? 4 : c.mult];
  const kernel = tf.randomNormal(shape, 0, 1, 'float32', c.k * 100 + c.s) as tf.Tensor4D;
  const weights = { shape, data: kernel.dataSync() as Float32Array };
  const strides: [number, number] = [c.s, c.s];
  const back = c.kind === 'conv' ? convBackFilter(weights, strides) : depthwiseBackFilter(weights, strides);
  const spec: ConvSpec = {
    kind: c.kind,
    kernel,
    strides,
    padding: c.pad,
    activation: 'linear',
    backFilter: tf.tensor4d(back.data, back.shape as [number, number, number, number]),
    phaseFilters:
      c.kind === 'conv' && c.s > 1
        ? convPhaseFilters(weights, strides).map((p) => ({ filter: tf.tensor4d(p.filter.data, p.filter.shape as [number, number, number, number]), trimY: p.trimY, trimX: p.trimX }))
        : undefined,
  };
  const x = tf.randomNormal([2, c.h, c.w, cin], 0, 1, 'float32', c.h * c.w) as tf.Tensor4D;
  const outShape = [2, forwardAxis(c.h, c.k, c.s, c.pad).out, forwardAxis(c.w, c.k, c.s, c.pad).out, c.kind === 'conv' ? shape[3] : cin * c.mult];
  const wy = tf.randomNormal(outShape, 0, 1, 'float32', 5);
  const dispose = () => tf.dispose([kernel, x, wy, spec.backFilter!, ...(spec.phaseFilters ?? []).map((p) => p.filter)]);
  return { spec, x, wy, dispose };
}

const name = (c: ConvCase) => `${c.kind} k${c.k} s${c.s} ${c.pad} ${c.h}x${c.w} m${c.mult}`;

describe('conv and depthwise input gradients', () => {
  const cases = convCases();
  const stock = new Map<string, Float32Array>();

  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  test(`${cases.length} geometries: ours equals stock tf.grad on cpu`, () => {
    const bad: string[] = [];
    let worst = 0;
    for (const c of cases) {
      const { spec, x, wy, dispose } = convSetup(c);
      const op = makeConvOp(spec);
      const ours = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(op(t as tf.Tensor4D, false), wy)))(x);
      const ref = tf.grad((t: tf.Tensor) => {
        const y = c.kind === 'conv' ? tf.conv2d(t as tf.Tensor4D, spec.kernel, c.s, c.pad) : tf.depthwiseConv2d(t as tf.Tensor4D, spec.kernel, c.s, c.pad);
        return tf.sum(tf.mul(y, wy));
      })(x);
      expect(ours.shape).toEqual(x.shape);
      const e = maxRelErr(ours.dataSync(), ref.dataSync());
      stock.set(name(c), ref.dataSync() as Float32Array);
      worst = Math.max(worst, e);
      if (!(e < 1e-5)) bad.push(`${name(c)}: ${e.toExponential(2)}`);
      tf.dispose([ours, ref]);
      dispose();
    }
    expect(bad).toEqual([]);
    expect(cases.length).toBe(270);
    expect(worst).toBeLessThan(1e-5);
  });

  test('the same on wasm (the product backend) against the cpu stock gradients', async () => {
    await tf.setBackend('wasm');
    const bad: string[] = [];
    for (const c of cases) {
      const { spec, x, wy, dispose } = convSetup(c);
      const op = makeConvOp(spec);
      const ours = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(op(t as tf.Tensor4D, false), wy)))(x);
      const e = maxRelErr(ours.dataSync(), stock.get(name(c))!);
      if (!(e < 1e-5)) bad.push(`${name(c)}: ${e.toExponential(2)}`);
      ours.dispose();
      dispose();
    }
    expect(stock.size).toBe(cases.length);
    expect(bad).toEqual([]);
  });
});

/** Plain-JS pooling gradient: avg spreads over the real cells of a window, max goes to its first maximum. */
function poolReference(mode: 'avg' | 'max', x: Float32Array, up: Float32Array, [n, h, w, c]: number[], k: number, s: number, pad: Padding): Float64Array {
  const gy = forwardAxis(h, k, s, pad);
  const gx = forwardAxis(w, k, s, pad);
  const ref = new Float64Array(x.length);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < gy.out; oy++)
      for (let ox = 0; ox < gx.out; ox++)
        for (let ch = 0; ch < c; ch++) {
          const cells: number[] = [];
          for (let dy = 0; dy < k; dy++)
            for (let dx = 0; dx < k; dx++) {
              const iy = oy * s - gy.before + dy;
              const ix = ox * s - gx.before + dx;
              if (iy >= 0 && iy < h && ix >= 0 && ix < w) cells.push(((b * h + iy) * w + ix) * c + ch);
            }
          const g = up[((b * gy.out + oy) * gx.out + ox) * c + ch];
          if (mode === 'avg') for (const i of cells) ref[i] += g / cells.length;
          else ref[cells.reduce((best, i) => (x[i] > x[best] ? i : best), cells[0])] += g;
        }
  return ref;
}

describe('max and average pooling input gradients', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  test.each([
    ['avg', 'cpu'],
    ['max', 'cpu'],
    ['avg', 'wasm'],
    ['max', 'wasm'],
  ] as const)('%s pooling on %s: 72 geometries equal the plain-JS reference', async (mode, backend) => {
    await tf.setBackend(backend);
    const bad: string[] = [];
    let count = 0;
    for (const k of [1, 2, 3, 5])
      for (const s of [1, 2, 3])
        for (const pad of PADDINGS)
          for (const [h, w] of SIZES) {
            if (pad === 'valid' && (h < k || w < k)) continue;
            count++;
            const shape: [number, number, number, number] = [2, h, w, 3];
            const x = tf.randomNormal(shape, 0, 1, 'float32', h * 13 + w + k) as tf.Tensor4D;
            const op = (mode === 'avg' ? makeAvgPool : makeMaxPool)({ size: [k, k], strides: [s, s], padding: pad });
            const up = tf.randomNormal([2, forwardAxis(h, k, s, pad).out, forwardAxis(w, k, s, pad).out, 3], 0, 1, 'float32', 3);
            const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(op(t as tf.Tensor4D), up)))(x);
            const e = maxRelErr(g.dataSync(), poolReference(mode, x.dataSync() as Float32Array, up.dataSync() as Float32Array, shape, k, s, pad));
            if (!(e < 1e-5)) bad.push(`${mode} k${k} s${s} ${pad} ${h}x${w}: ${e.toExponential(2)}`);
            tf.dispose([x, up, g]);
          }
    expect(count).toBe(72);
    expect(bad).toEqual([]);
  });
});
