import { describe, expect, it } from 'vitest';
import { modelToPixels, pixelsToModel, type InputRange } from './model-range';

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
