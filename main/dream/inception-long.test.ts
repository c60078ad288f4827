// A longer dream on the real engine (bundled InceptionV3, wasm): 2 octaves × 15 steps at 128 px.
// The tiny-model tests never touch the engine's tape, caches or kernels; this one does, for 30 steps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { dreamSpec } from '../../preload/contract';
import { loadBundledModel } from '../engine/bundled';
import { initRuntime } from '../engine/runtime';
import type { CnnModel } from '../engine/types';
import { dream, dreamPlan, type DreamFrame } from './index';
import { loadPhoto } from './testing/photos';

let model: CnnModel;

describe('a 30-step dream with the bundled InceptionV3', () => {
  beforeAll(async () => {
    await initRuntime({ prefer: 'wasm' });
    model = await loadBundledModel('inception_v3');
  });
  afterAll(() => model?.dispose());

  it('keeps numTensors flat at every frame and raises the objective within each octave', async () => {
    const rocket = await loadPhoto('everyday/rocket.jpg', 640);
    const spec = dreamSpec.parse({ path: 'rocket.jpg', maxSize: 128, octaves: 2, octaveScale: 1.1, steps: 15, seed: 9 });
    const plan = dreamPlan(model, rocket, spec);
    expect(plan.octaves).toEqual([{ width: 116, height: 77 }, { width: 128, height: 85 }]);
    // Warm-up at both octave sizes: the engine caches a few tensors per new input shape (bounded).
    for await (const frame of dream(model, rocket, { ...spec, steps: 1 })) void frame;
    const before = tf.memory().numTensors;

    const frames: DreamFrame[] = [];
    const counts: number[] = [];
    for await (const frame of dream(model, rocket, spec)) {
      frames.push(frame);
      counts.push(tf.memory().numTensors);
    }
    expect(frames).toHaveLength(30);
    expect(counts).toEqual(counts.map(() => before));
    expect(tf.memory().numTensors).toBe(before);

    for (let octave = 0; octave < 2; octave++) {
      const values = frames.filter((f) => f.octave === octave).map((f) => f.objective);
      expect(values.every(Number.isFinite)).toBe(true);
      const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
      const firstThird = mean(values.slice(0, 5));
      const lastThird = mean(values.slice(-5));
      expect(lastThird, `octave ${octave}: ${values.map((v) => v.toFixed(3))}`).toBeGreaterThan(firstThird);
      expect(values[values.length - 1]).toBeGreaterThan(values[0]);
    }
    expect(frames[29].notes.filter((n) => n.startsWith('no gradient'))).toEqual([]);
  });
});
