import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { CnnModel } from '../engine/types';
import type { DreamFrame } from './types';
import { visualiseChannel, type VisualiseOptions } from './visualise';
import { createTinyModel } from './testing/tiny-model';
import { useBackend } from './testing/backend';

let model: CnnModel;
beforeAll(async () => {
  await useBackend('wasm');
  model = createTinyModel();
});
afterAll(() => model.dispose());

async function collect(layer: string, channel: number, options: VisualiseOptions): Promise<DreamFrame[]> {
  const frames: DreamFrame[] = [];
  for await (const frame of visualiseChannel(model, layer, channel, options)) frames.push(frame);
  return frames;
}

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

describe('visualiseChannel', () => {
  for (const decorrelate of [false, true]) {
    it(`grows an image that excites the channel (decorrelate: ${decorrelate})`, async () => {
      const before = tf.memory().numTensors;
      const frames = await collect('conv3', 5, { size: 48, steps: 30, seed: 3, decorrelate });
      expect(frames).toHaveLength(30);
      expect(frames[0].image.width).toBe(48);
      const values = frames.map((f) => f.objective);
      expect(values.every(Number.isFinite)).toBe(true);
      expect(mean(values.slice(-5))).toBeGreaterThan(mean(values.slice(0, 5)) * 1.5);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('is deterministic for a seed and differs for another', async () => {
    const a = await collect('conv2', 1, { size: 32, steps: 5, seed: 9 });
    const b = await collect('conv2', 1, { size: 32, steps: 5, seed: 9 });
    const c = await collect('conv2', 1, { size: 32, steps: 5, seed: 10 });
    expect(Buffer.from(a[4].image.data).equals(Buffer.from(b[4].image.data))).toBe(true);
    expect(Buffer.from(a[4].image.data).equals(Buffer.from(c[4].image.data))).toBe(false);
  });

  it('refuses a size below the model minimum and a missing channel', async () => {
    await expect(collect('conv3', 0, { size: 4 })).rejects.toThrow(/too small/);
    await expect(collect('conv3', 16, { size: 32, steps: 1 })).rejects.toThrow(/16 channels; channel 16/);
  });

  it('stops on abort', async () => {
    const controller = new AbortController();
    const generator = visualiseChannel(model, 'conv3', 0, { size: 32, steps: 100, signal: controller.signal });
    await generator.next();
    controller.abort();
    await expect(generator.next()).rejects.toMatchObject({ name: 'AbortError' });
  });
});
