// The Deep Dream arithmetic, checked against independent re-computations (../shared/notes/science.md,
// "Deep Dream"): the std-normalised, range-scaled, clipped step; the Google notebook's re-injection of
// the dreamed detail between octaves; the guided objective's gradient; zero steps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { dreamSpec, type DreamSpec } from '../../preload/contract';
import type { CnnModel } from '../engine/types';
import type { RgbImage } from '../image/types';
import { resizeRgb } from '../image/encode';
import { dreamPlan } from './index';
import { collectDream } from './testing/collect';
import { ascend, tiledGradient } from './gradient-step';
import { buildObjective, type GuideFeatures } from './objective';
import { resizeFloat, toFloatImage, type FloatImage } from './float-image';
import { modelToPixels } from './model-range';
import { planTiles } from './tiling';
import { createRng } from './random';
import { createTinyModel } from './testing/tiny-model';
import { useBackend } from './testing/backend';
import { loadPhoto } from './testing/photos';

let rocket: RgbImage;

beforeAll(async () => {
  await useBackend('wasm');
  rocket = await loadPhoto('everyday/rocket.jpg', 120);
});

const spec = (overrides: Partial<DreamSpec> = {}): DreamSpec =>
  dreamSpec.parse({ path: 'rocket.jpg', model: 'tiny', maxSize: 64, octaves: 1, steps: 1, ...overrides });

const run = collectDream;

/** Population std, one pass with float64 sums (written independently of gradient-step.ts). */
function populationStd(values: ArrayLike<number>): number {
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    squares += values[i] * values[i];
  }
  const mean = sum / values.length;
  return Math.sqrt(Math.max(0, squares / values.length - mean * mean));
}

/** The science notes' step: x ← clip(x + stepSize·g/(std(g)+1e-8), min, max). */
function referenceStep(x: Float32Array, g: ArrayLike<number>, stepSize: number, [min, max]: [number, number]): Float32Array {
  const scale = stepSize / (populationStd(g) + 1e-8);
  return x.map((v, i) => Math.min(max, Math.max(min, v + g[i] * scale)));
}

function differingBytes(a: Uint8Array, b: Uint8Array): { count: number; max: number } {
  let count = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d) count++;
    max = Math.max(max, d);
  }
  return { count, max };
}

describe('ascend: std-normalised step, clipped to the input range', () => {
  it('moves by stepSize·g/(std(g)+1e-8), std being the population std about the mean', () => {
    // g alternates 3, 1: mean 2, population std exactly 1 (RMS would be √5, sample std > 1).
    const n = 10;
    const g = Float32Array.from({ length: n }, (_, i) => (i % 2 ? 1 : 3));
    const x = new Float32Array(n).fill(0.1);
    expect(ascend(x, g, 0.01, [-1, 1], 'test')).toBe(true);
    for (let i = 0; i < n; i++) expect(x[i] - 0.1).toBeCloseTo(0.01 * g[i], 7);
    // The same gradient ×1000 (std 1000) gives the same step: only the direction counts.
    const big = g.map((v) => v * 1000);
    const y = new Float32Array(n).fill(0.1);
    ascend(y, big, 0.01, [-1, 1], 'test');
    for (let i = 0; i < n; i++) expect(y[i]).toBeCloseTo(x[i], 7);
  });

  it('uses std + 1e-8, so a tiny gradient is not blown up to infinity', () => {
    const g = Float32Array.from([1e-9, -1e-9, 1e-9, -1e-9]); // std 1e-9 → step 0.01·1e-9/1.1e-8
    const x = new Float32Array(4);
    ascend(x, g, 0.01, [-1, 1], 'test');
    expect(x[0]).toBeCloseTo((0.01 * 1e-9) / 1.1e-8, 9);
    expect(x[1]).toBeCloseTo((-0.01 * 1e-9) / 1.1e-8, 9);
  });

  for (const range of [[0, 1], [-1, 1], [0, 255]] as [number, number][]) {
    it(`clips to [${range}] at both ends and leaves in-range values alone`, () => {
      const [lo, hi] = range;
      const span = hi - lo;
      // Near the bottom pushed down, near the top pushed up, in the middle either way.
      const x = Float32Array.from([lo + 0.01 * span, hi - 0.01 * span, lo + 0.5 * span, lo + 0.5 * span]);
      const g = Float32Array.from([-1, 1, 1, -1]); // std 1
      expect(ascend(x, g, 0.1 * span, range, 'test')).toBe(true);
      expect(x[0]).toBe(lo);
      expect(x[1]).toBe(hi);
      expect(x[2]).toBeCloseTo(lo + 0.6 * span, 5);
      expect(x[3]).toBeCloseTo(lo + 0.4 * span, 5);
    });
  }

  it('leaves the image untouched for an all-zero gradient and refuses a NaN one', () => {
    const x = Float32Array.from([0.2, 0.3]);
    expect(ascend(x, new Float32Array(2), 0.01, [-1, 1], 'test')).toBe(false);
    expect(Array.from(x)).toEqual([Math.fround(0.2), Math.fround(0.3)]);
    expect(() => ascend(x, Float32Array.from([NaN, 1]), 0.01, [-1, 1], 'mean of conv3')).toThrow(/conv3.*not finite/);
  });
});

describe('dream steps: stepSize scaled to the model range, clipping kept between steps', () => {
  // spec.stepSize is for a [-1, 1] model; a model of range [lo, hi] steps stepSize·(hi − lo)/2, so
  // the same spec moves pixels equally far on every model.
  for (const range of [[-1, 1], [0, 1], [0, 255]] as [number, number][]) {
    it(`matches an independent replay of 3 steps on a [${range}] model (stepSize 0.3: heavy clipping)`, async () => {
      const model = createTinyModel({ inputRange: range });
      try {
        const s = spec({ steps: 3, stepSize: 0.3, seed: 11, layers: [{ name: 'conv2', weight: 1 }, { name: 'conv3', weight: 1 }] });
        const { frames } = await run(model, rocket, s);
        expect(frames).toHaveLength(3);

        const plan = dreamPlan(model, rocket, s);
        const working = await resizeRgb(rocket, plan.working.width, plan.working.height);
        const image: FloatImage = toFloatImage(working, range);
        const objective = buildObjective(model, s);
        const tiles = planTiles(image.width, image.height, s.tile, model.minSize);
        const rng = createRng(s.seed);
        const modelStep = (0.3 * (range[1] - range[0])) / 2;
        let clipped = 0;
        for (const frame of frames) {
          const roll = { dx: rng.int(0, image.width), dy: rng.int(0, image.height) };
          const { gradient } = await tiledGradient(model, image, tiles, roll, objective);
          image.data = referenceStep(image.data, gradient, modelStep, range);
          clipped += image.data.filter((v) => v === range[0] || v === range[1]).length;
          const expected = modelToPixels(image.data, range);
          const { count, max } = differingBytes(frame.image.data, expected);
          expect(max, `step ${frame.step}`).toBeLessThanOrEqual(1);
          expect(count, `step ${frame.step}`).toBeLessThan(expected.length * 0.001);
        }
        expect(clipped).toBeGreaterThan(0); // the clip really was exercised
      } finally {
        model.dispose();
      }
    });
  }
});

/**
 * The tiny model with a hand-made gradient: d objective/d x = x at octave `active` sizes, exactly
 * zero elsewhere. g = x does not depend on the roll, and a zero gradient leaves an octave's start
 * image untouched, so each octave's first frame shows the octave's start image itself.
 */
function scriptedModel(activeWidths: number[]): CnnModel {
  const tiny = createTinyModel();
  return {
    ...tiny,
    inputGradient(input) {
      const width = input.shape[2];
      const gradient = activeWidths.includes(width) ? tf.clone(input) : tf.zerosLike(input);
      return { value: 0, gradient };
    },
  };
}

describe('octaves: the dreamed detail is re-injected into the next octave (Google notebook)', () => {
  for (const octaves of [2, 3]) {
    it(`${octaves} octaves: each octave starts at its base + upsampled(previous result − previous base)`, async () => {
      const s = spec({ maxSize: 96, octaves, octaveScale: 1.4, steps: 1, stepSize: 0.2 });
      const plan = dreamPlan({ name: 'Tiny CNN', minSize: 8 }, rocket, s);
      expect(plan.octaves).toHaveLength(octaves);
      const model = scriptedModel([plan.octaves[0].width]); // only the smallest octave dreams
      try {
        const { frames } = await run(model, rocket, s);
        expect(frames).toHaveLength(octaves);

        // Independently: the pyramid, each base shrunk from the next larger one (notebook: nd.zoom).
        const range = model.inputRange;
        const working = await resizeRgb(rocket, plan.working.width, plan.working.height);
        const bases: FloatImage[] = [toFloatImage(working, range)];
        for (let o = octaves - 2; o >= 0; o--) bases.unshift(resizeFloat(bases[0], plan.octaves[o].width, plan.octaves[o].height));
        // Octave 0: one step with g = x on the base.
        let result = referenceStep(bases[0].data, bases[0].data, (0.2 * (range[1] - range[0])) / 2, range);
        const first = differingBytes(frames[0].image.data, modelToPixels(result, range));
        expect(first.max).toBeLessThanOrEqual(1);
        for (let o = 1; o < octaves; o++) {
          const previous = bases[o - 1];
          const detail: FloatImage = { data: result.map((v, i) => v - previous.data[i]), width: previous.width, height: previous.height };
          const up = resizeFloat(detail, bases[o].width, bases[o].height);
          const start = bases[o].data.map((v, i) => v + up.data[i]);
          const expected = modelToPixels(start, range);
          const got = frames[o].image.data;
          const { count, max } = differingBytes(got, expected);
          expect(max, `octave ${o}`).toBeLessThanOrEqual(1);
          expect(count, `octave ${o}`).toBeLessThan(expected.length * 0.001);
          // The check tells the candidates apart: neither the bare base (detail dropped) nor the
          // TF-tutorial upsampling of the whole previous image (base detail blurred) matches.
          const bare = modelToPixels(bases[o].data, range);
          const wholeResize = modelToPixels(resizeFloat({ data: result, width: previous.width, height: previous.height }, bases[o].width, bases[o].height).data, range);
          expect(differingBytes(got, bare).count).toBeGreaterThan(expected.length * 0.05);
          expect(differingBytes(got, wholeResize).count).toBeGreaterThan(expected.length * 0.05);
          result = start; // zero gradient: this octave's result is its start
        }
      } finally {
        model.dispose();
      }
    });
  }
});

describe('guided objective (Google notebook objective_guide)', () => {
  it('has gradient weight · guide[argmax_j ⟨x_p, guide_j⟩] / positions at each position', () => {
    const model = createTinyModel();
    try {
      const layers = [
        { name: 'conv2', weight: 1, h: 5, w: 6, gh: 3, gw: 4, c: 16 },
        { name: 'conv3', weight: 2.5, h: 3, w: 4, gh: 2, gw: 3, c: 16 },
      ];
      const rng = createRng(3);
      const random = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal());
      const acts: Record<string, Float32Array> = {};
      const guides: Record<string, Float32Array> = {};
      const guide: GuideFeatures = {};
      for (const l of layers) {
        acts[l.name] = random(l.h * l.w * l.c);
        guides[l.name] = random(l.gh * l.gw * l.c);
        guide[l.name] = tf.tensor2d(guides[l.name], [l.gh * l.gw, l.c]);
      }
      const objective = buildObjective(model, { layers: layers.map(({ name, weight }) => ({ name, weight })), objective: 'mean' }, guide);
      const names = layers.map((l) => l.name);
      const inputs = layers.map((l) => tf.tensor4d(acts[l.name], [1, l.h, l.w, l.c]));
      const { value, grads } = tf.valueAndGrads((...xs: tf.Tensor[]) => objective.fn(Object.fromEntries(names.map((n, i) => [n, xs[i]]))))(inputs);
      const gradients = grads.map((g) => g.dataSync());
      const got = value.dataSync()[0];
      tf.dispose([value, ...grads, ...inputs, ...Object.values(guide)]);

      let expectedValue = 0;
      layers.forEach((l, li) => {
        const positions = l.h * l.w;
        const guidePositions = l.gh * l.gw;
        let sumOfMax = 0;
        for (let p = 0; p < positions; p++) {
          let best = -1;
          let bestDot = -Infinity;
          for (let j = 0; j < guidePositions; j++) {
            let dot = 0;
            for (let k = 0; k < l.c; k++) dot += acts[l.name][p * l.c + k] * guides[l.name][j * l.c + k];
            if (dot > bestDot) [best, bestDot] = [j, dot];
          }
          sumOfMax += bestDot;
          for (let k = 0; k < l.c; k++) {
            const expected = (l.weight * guides[l.name][best * l.c + k]) / positions;
            expect(gradients[li][p * l.c + k]).toBeCloseTo(expected, 5);
          }
        }
        expectedValue += (l.weight * sumOfMax) / positions;
      });
      expect(got).toBeCloseTo(expectedValue, 4);
    } finally {
      model.dispose();
    }
  });
});

describe('zero steps with the default maxSize (512)', () => {
  let model: CnnModel;
  beforeAll(() => {
    model = createTinyModel();
  });
  afterAll(() => model.dispose());

  it('returns a photo that fits inside maxSize byte for byte, at its own size', async () => {
    const small = await loadPhoto('everyday/rocket.jpg', 300);
    const s = dreamSpec.parse({ path: 'rocket.jpg', model: 'tiny', steps: 0 });
    expect(s.maxSize).toBe(512);
    const { frames, outcome } = await run(model, small, s);
    expect(frames).toHaveLength(0);
    expect([outcome.image.width, outcome.image.height]).toEqual([small.width, small.height]);
    expect(Buffer.from(outcome.image.data).equals(Buffer.from(small.data))).toBe(true);
  });

  it('returns a larger photo fitted to maxSize: the exact image a dream would start from', async () => {
    const large = await loadPhoto('everyday/rocket.jpg', 640);
    expect(Math.max(large.width, large.height)).toBeGreaterThan(512);
    const s = dreamSpec.parse({ path: 'rocket.jpg', model: 'tiny', steps: 0 });
    const { outcome } = await run(model, large, s);
    expect(outcome.plan?.working).toEqual({ width: 512, height: 342 });
    expect([outcome.image.width, outcome.image.height]).toEqual([512, 342]);
    const fitted = await resizeRgb(large, 512, 342);
    expect(Buffer.from(outcome.image.data).equals(Buffer.from(fitted.data))).toBe(true);
  });
});
