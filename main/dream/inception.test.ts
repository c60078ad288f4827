// Integration with the real engine: InceptionV3 (bundled) dreams a real photo.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { dreamSpec } from '../../preload/contract';
import { loadBundledModel } from '../engine/bundled';
import { initRuntime } from '../engine/runtime';
import type { CnnModel } from '../engine/types';
import type { RgbImage } from '../image/types';
import { dream, dreamPlan } from './index';
import { collectDream } from './testing/collect';
import { buildObjective } from './objective';
import { toFloatImage } from './float-image';
import { tiledGradient } from './gradient-step';
import { planTiles } from './tiling';
import { resizeRgb } from '../image/encode';
import { loadPhoto } from './testing/photos';

let model: CnnModel;

describe('dream with the bundled InceptionV3', () => {
  beforeAll(async () => {
    await initRuntime({ prefer: 'wasm' });
    model = await loadBundledModel('inception_v3');
  });
  afterAll(() => model?.dispose());

  /** The objective of a whole image, without roll (per-frame values are measured on rolled images). */
  async function objectiveOf(image: RgbImage): Promise<number> {
    const objective = buildObjective(model, dreamSpec.parse({ path: 'x' }));
    const float = toFloatImage(image, model.inputRange);
    const tiles = planTiles(image.width, image.height, 512, model.minSize);
    return (await tiledGradient(model, float, tiles, { dx: 0, dy: 0 }, objective)).objective;
  }

  it('dreams rocket.jpg at 128 px, 2 octaves × 2 steps: the objective rises, no leak', async () => {
    const rocket = await loadPhoto('everyday/rocket.jpg', 640);
    const spec = dreamSpec.parse({ path: 'rocket.jpg', maxSize: 128, octaves: 2, octaveScale: 1.1, steps: 2, seed: 5 });
    const plan = dreamPlan(model, rocket, spec);
    expect(plan.octaves).toHaveLength(2);
    // Warm-up: the engine caches a few tensors per new input-shape class (bounded, not a leak).
    for await (const frame of dream(model, rocket, spec)) void frame;
    const before = tf.memory().numTensors;
    const { frames, outcome } = await collectDream(model, rocket, spec);
    expect(frames).toHaveLength(4);
    expect(frames.every((f) => Number.isFinite(f.objective))).toBe(true);
    const input = await resizeRgb(rocket, 128, 85);
    const start = await objectiveOf(input);
    const end = await objectiveOf(outcome.image);
    expect(end).toBeGreaterThan(start * 1.02);
    expect([frames[3].image.width, frames[3].image.height]).toEqual([128, 85]);
    expect(frames[3].notes.filter((n) => n.startsWith('no gradient'))).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
