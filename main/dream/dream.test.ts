import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { dreamSpec, type DreamSpec } from '../../preload/contract';
import type { CnnModel } from '../engine/types';
import type { RgbImage } from '../image/types';
import { dream, dreamPlan } from './index';
import { collectDream } from './testing/collect';
import { createTinyModel } from './testing/tiny-model';
import { useBackend } from './testing/backend';
import { loadPhoto, solidImage } from './testing/photos';
import { resizeRgb } from '../image/encode';

let model: CnnModel;
let rocket: RgbImage;

beforeAll(async () => {
  await useBackend('wasm');
  model = createTinyModel();
  rocket = await loadPhoto('everyday/rocket.jpg', 160);
});
afterAll(() => model.dispose());

const spec = (overrides: Partial<DreamSpec> = {}): DreamSpec =>
  dreamSpec.parse({ path: 'rocket.jpg', model: 'tiny', maxSize: 96, octaves: 2, steps: 4, tile: 64, ...overrides });

const run = (photo: RgbImage, s: DreamSpec, options = {}) => collectDream(model, photo, s, options);

describe('dream', () => {
  it('yields nothing for zero steps and returns the (fitted) input unchanged', async () => {
    const small = await loadPhoto('everyday/rocket.jpg', 90);
    const { frames, outcome } = await run(small, spec({ steps: 0, maxSize: 0 }));
    expect(frames).toHaveLength(0);
    expect(outcome.image.width).toBe(small.width);
    expect(Buffer.from(outcome.image.data).equals(Buffer.from(small.data))).toBe(true);
  });

  it('yields octaves × steps frames, smallest octave first, ending at the working size', async () => {
    const s = spec({ octaves: 3, octaveScale: 1.3, steps: 2 });
    const plan = dreamPlan(model, rocket, s);
    const { frames, outcome } = await run(rocket, s);
    expect(frames).toHaveLength(plan.totalSteps);
    expect(frames.map((f) => f.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(frames.map((f) => [f.octave, f.step, f.octaveStart])).toEqual([
      [0, 0, true], [0, 1, false], [1, 0, true], [1, 1, false], [2, 0, true], [2, 1, false],
    ]);
    frames.forEach((f) => expect({ width: f.image.width, height: f.image.height }).toEqual(plan.octaves[f.octave]));
    expect({ width: outcome.image.width, height: outcome.image.height }).toEqual(plan.working);
    expect(Math.max(plan.working.width, plan.working.height)).toBe(96);
    // The dream changed the picture, but not beyond recognition.
    const input = await resizeRgb(rocket, plan.working.width, plan.working.height);
    let diff = 0;
    for (let i = 0; i < input.data.length; i++) diff += Math.abs(input.data[i] - outcome.image.data[i]);
    const meanDiff = diff / input.data.length;
    expect(meanDiff).toBeGreaterThan(0.5);
    expect(meanDiff).toBeLessThan(40);
  });

  it('raises the objective within each octave', async () => {
    for (const objective of ['mean', 'mean-square'] as const) {
      const { frames } = await run(rocket, spec({ octaves: 3, steps: 8, stepSize: 0.02, objective }));
      for (let octave = 0; octave < 3; octave++) {
        const values = frames.filter((f) => f.octave === octave).map((f) => f.objective);
        const half = values.length / 2;
        const firstHalf = values.slice(0, half).reduce((a, b) => a + b) / half;
        const secondHalf = values.slice(half).reduce((a, b) => a + b) / half;
        expect(secondHalf, `${objective}, octave ${octave}: ${values}`).toBeGreaterThan(firstHalf);
        expect(values[values.length - 1]).toBeGreaterThan(values[0]);
      }
    }
  });

  it('raises a single channel', async () => {
    const { frames } = await run(rocket, spec({ octaves: 1, steps: 6, channel: { layer: 'conv3', index: 3 } }));
    expect(frames[5].objective).toBeGreaterThan(frames[0].objective);
  });

  it('refuses a channel the layer does not have, naming the layer', async () => {
    await expect(run(rocket, spec({ channel: { layer: 'conv3', index: 99 } }))).rejects.toThrow(/"conv3".*16 channels/);
    await expect(run(rocket, spec({ layers: [{ name: 'nope', weight: 1 }] }))).rejects.toThrow(/"nope" does not exist/);
  });

  it('follows a guide image: the guided objective rises', async () => {
    const guide = await loadPhoto('everyday/coffee.png', 64);
    const { frames } = await run(rocket, spec({ octaves: 1, steps: 6 }), { guide });
    expect(frames[5].objective).toBeGreaterThan(frames[0].objective);
    const plain = await run(rocket, spec({ octaves: 1, steps: 6 }));
    expect(Buffer.from(frames[5].image.data).equals(Buffer.from(plain.frames[5].image.data))).toBe(false);
  });

  it('gives byte-identical frames for the same seed and different ones for another seed', async () => {
    const s = spec({ octaves: 2, steps: 3, tile: 64, seed: 42 });
    const a = await run(rocket, s);
    const b = await run(rocket, s);
    const c = await run(rocket, { ...s, seed: 43 });
    expect(a.frames).toHaveLength(6);
    a.frames.forEach((frame, i) => {
      expect(Buffer.from(frame.image.data).equals(Buffer.from(b.frames[i].image.data))).toBe(true);
      expect(frame.objective).toBe(b.frames[i].objective);
    });
    expect(Buffer.from(a.outcome.image.data).equals(Buffer.from(c.outcome.image.data))).toBe(false);
  });

  it('tiles a larger image (several tiles per step) without leaving untouched regions', async () => {
    const photo = await loadPhoto('everyday/rocket.jpg', 200);
    const s = spec({ octaves: 1, steps: 3, maxSize: 200, tile: 64, stepSize: 0.05 });
    const { outcome } = await run(photo, s);
    // Every 16×16 block of the image moved: all tiles, including merged edge tiles, got gradient.
    const { width, height } = outcome.image;
    for (let by = 0; by + 16 <= height; by += 16) {
      for (let bx = 0; bx + 16 <= width; bx += 16) {
        let diff = 0;
        for (let y = by; y < by + 16; y++) {
          for (let x = bx; x < bx + 16; x++) {
            for (let c = 0; c < 3; c++) diff += Math.abs(outcome.image.data[(y * width + x) * 3 + c] - photo.data[(y * width + x) * 3 + c]);
          }
        }
        expect(diff, `block ${bx},${by}`).toBeGreaterThan(0);
      }
    }
  });

  it('reports "no gradient" for a dead-ReLU target on a black image and leaves it unchanged', async () => {
    const black = solidImage(48, 40, [0, 0, 0]);
    const { frames, outcome } = await run(black, spec({ layers: [{ name: 'dead', weight: 1 }], octaves: 2, steps: 3, maxSize: 0 }));
    expect(frames).toHaveLength(6);
    for (const frame of frames) {
      expect(Number.isNaN(frame.objective)).toBe(false);
      expect(frame.image.data.every((v) => v === 0)).toBe(true);
    }
    expect(Buffer.from(outcome.image.data).equals(Buffer.from(black.data))).toBe(true);
    expect(outcome.notes.some((n) => n.startsWith('no gradient'))).toBe(true);
    expect(frames[0].notes.some((n) => n.startsWith('no gradient'))).toBe(true);
    // The same layer does respond to a bright image: the test above can fail.
    const bright = await run(solidImage(48, 40, [200, 180, 160]), spec({ layers: [{ name: 'dead', weight: 1 }], octaves: 1, steps: 1, maxSize: 0 }));
    expect(bright.outcome.notes.some((n) => n.startsWith('no gradient'))).toBe(false);
  });

  it('keeps the tensor count flat across a 30-step dream', async () => {
    await run(rocket, spec({ octaves: 1, steps: 1 })); // warm-up
    const before = tf.memory().numTensors;
    const { frames } = await run(rocket, spec({ octaves: 3, steps: 10, tile: 64 }));
    expect(frames).toHaveLength(30);
    expect(tf.memory().numTensors).toBe(before);
    const guide = solidImage(40, 40, [10, 200, 30]);
    await run(rocket, spec({ octaves: 1, steps: 2 }), { guide });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops within one step on abort, ends the generator cleanly with an AbortError', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const generator = dream(model, rocket, spec({ octaves: 2, steps: 50 }), { signal: controller.signal, guide: solidImage(40, 40, [1, 2, 3]) });
    const first = await generator.next();
    expect(first.done).toBe(false);
    controller.abort();
    const error = await generator.next().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.name).toBe('AbortError');
    expect(await generator.next()).toEqual({ done: true, value: undefined });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('aborts mid-step between tiles when the signal fires during the step', async () => {
    const controller = new AbortController();
    const photo = await loadPhoto('everyday/rocket.jpg', 256);
    const generator = dream(model, photo, spec({ octaves: 1, steps: 5, maxSize: 256, tile: 64 }), { signal: controller.signal });
    setImmediate(() => controller.abort());
    await expect(generator.next()).rejects.toMatchObject({ name: 'AbortError' });
  });
});
