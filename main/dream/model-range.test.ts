import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { fromModelInput, toModelInput } from '../engine/preprocess';
import { modelToPixels, pixelsToModel, type InputRange } from './model-range';
import { useBackend } from './testing/backend';

beforeAll(() => useBackend('wasm'));

describe('engine toModelInput / fromModelInput', () => {
  for (const range of [[-1, 1], [0, 1]] as InputRange[]) {
    it(`round-trips all 256 values through [${range}] as tensors`, () => {
      const image = { data: Uint8Array.from({ length: 256 * 3 }, (_, i) => i % 256), width: 16, height: 16 };
      const tensor = toModelInput(image, { inputRange: range });
      const [lo, hi] = [tf.min(tensor).dataSync()[0], tf.max(tensor).dataSync()[0]];
      expect(lo).toBeCloseTo(range[0], 6);
      expect(hi).toBeCloseTo(range[1], 6);
      const back = fromModelInput(tensor, { inputRange: range });
      tensor.dispose();
      expect(Array.from(back.data)).toEqual(Array.from(image.data));
    });
  }

  it('agrees with the dream float mapping within float32 rounding', () => {
    const pixels = Uint8Array.from({ length: 256 }, (_, i) => i);
    const image = { data: Uint8Array.from({ length: 256 * 3 }, (_, i) => Math.floor(i / 3)), width: 256, height: 1 };
    const tensor = toModelInput(image, { inputRange: [0, 1] });
    const values = tensor.dataSync();
    tensor.dispose();
    const ours = pixelsToModel(pixels, [0, 1]);
    for (let i = 0; i < 256; i++) expect(Math.abs(ours[i] - values[i * 3])).toBeLessThan(1e-6);
  });
});

describe('pixelsToModel / modelToPixels', () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  for (const range of [[-1, 1], [0, 1], [0, 255]] as InputRange[]) {
    it(`round-trips all 256 values through [${range}]`, () => {
      const model = pixelsToModel(all, range);
      expect(model[0]).toBeCloseTo(range[0], 6);
      expect(model[255]).toBeCloseTo(range[1], 6);
      expect(Array.from(modelToPixels(model, range))).toEqual(Array.from(all));
    });
  }

  it('maps 0..255 onto [-1, 1] as x/127.5 − 1', () => {
    const model = pixelsToModel(all, [-1, 1]);
    for (let i = 0; i < 256; i++) expect(model[i]).toBeCloseTo(i / 127.5 - 1, 6);
  });

  it('clamps out-of-range floats and turns NaN into 0', () => {
    expect(Array.from(modelToPixels(Float32Array.from([-3, 3, NaN, 0]), [-1, 1]))).toEqual([0, 255, 0, 128]);
  });

  it('keeps pure red in channel 0', () => {
    const red = Uint8Array.from([255, 0, 0]);
    const model = pixelsToModel(red, [-1, 1]);
    expect(Array.from(model)).toEqual([1, -1, -1]);
    expect(Array.from(modelToPixels(model, [-1, 1]))).toEqual([255, 0, 0]);
  });
});
