// Failure 9: a very large photo dreams at full resolution in tiles with bounded memory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs-core';
import { dreamSpec } from '../../preload/contract';
import type { CnnModel } from '../engine/types';
import type { RgbImage } from '../image/types';
import { dream } from './index';
import { createTinyModel } from './testing/tiny-model';
import { useBackend } from './testing/backend';
import { photo } from '../testing/paths';

let model: CnnModel;
beforeAll(async () => {
  await useBackend('wasm');
  model = createTinyModel();
});
afterAll(() => model.dispose());

describe('full-resolution dream', () => {
  it('dreams 5120×2880 with 512 px tiles, every pixel moved, peak RSS < 3 GB', async () => {
    const { data, info } = await sharp(photo('everyday/rocket.jpg'))
      .resize(5120, 2880, { fit: 'fill' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const big: RgbImage = { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
    const before = tf.memory().numTensors;
    const spec = dreamSpec.parse({ path: 'big.jpg', maxSize: 0, tile: 512, octaves: 1, steps: 1, stepSize: 0.05 });
    const frames = [];
    for await (const frame of dream(model, big, spec)) frames.push(frame);
    expect(frames).toHaveLength(1);
    const out = frames[0].image;
    expect([out.width, out.height]).toEqual([5120, 2880]);
    let changed = 0;
    for (let i = 0; i < out.data.length; i++) if (out.data[i] !== big.data[i]) changed++;
    expect(changed / out.data.length).toBeGreaterThan(0.3);
    expect(tf.memory().numTensors).toBe(before);
    const peakBytes = process.resourceUsage().maxRSS * 1024;
    expect(peakBytes).toBeLessThan(3 * 1024 ** 3);
    console.log(`peak RSS ${(peakBytes / 1024 ** 2).toFixed(0)} MB`);
  });
});
