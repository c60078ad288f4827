import { beforeAll, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { fromModelInput, pixelsToRange, rangeToPixels, toModelInput } from './preprocess';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const ranges: [number, number][] = [[0, 1], [-1, 1], [0, 255], [-123.68, 151.061]];

test.each(ranges)('round trip is the identity on all 256 values for range [%d, %d]', (min, max) => {
  const data = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) data.set([i, 255 - i, (i * 7) % 256], i * 3);
  const img = { data, width: 16, height: 16 };
  const t = toModelInput(img, { inputRange: [min, max] });
  expect(t.shape).toEqual([1, 16, 16, 3]);
  const values = t.dataSync();
  expect(Math.min(...values)).toBeCloseTo(min, 4);
  expect(Math.max(...values)).toBeCloseTo(max, 4);
  const back = fromModelInput(t, { inputRange: [min, max] });
  expect(back.width).toBe(16);
  expect(back.height).toBe(16);
  expect(Array.from(back.data)).toEqual(Array.from(data));
  t.dispose();
  for (let v = 0; v <= 255; v++) expect(Math.round(rangeToPixels(pixelsToRange(v, [min, max]), [min, max]))).toBe(v);
});

test('RGB order is preserved: pure red stays in channel 0', () => {
  const img = { data: new Uint8Array([255, 0, 0, 255, 0, 0]), width: 2, height: 1 };
  const t = toModelInput(img, { inputRange: [-1, 1] });
  expect(Array.from(t.dataSync())).toEqual([1, -1, -1, 1, -1, -1]);
  t.dispose();
});

test('resize uses bilinear interpolation with half-pixel centres (width and height not swapped)', () => {
  // 1 row × 2 columns: [0, 255] in every channel → 2 rows × 4 columns.
  const img = { data: new Uint8Array([0, 0, 0, 255, 255, 255]), width: 2, height: 1 };
  const t = toModelInput(img, { inputRange: [0, 255] }, [2, 4]);
  expect(t.shape).toEqual([1, 2, 4, 3]);
  const row = Array.from(t.dataSync()).filter((_, i) => i % 3 === 0).slice(0, 4);
  // Half-pixel centres: output x=0.5,1.5,2.5,3.5 → source 0.25−0.5… clamp: 0, 63.75, 191.25, 255.
  expect(row.map((v) => Math.round(v * 100) / 100)).toEqual([0, 63.75, 191.25, 255]);
  t.dispose();
});

test('fromModelInput clamps out-of-range values and accepts rank 3', () => {
  const t = tf.tensor3d([-0.5, 0.5, 1.5], [1, 1, 3]);
  expect(Array.from(fromModelInput(t, { inputRange: [0, 1] }).data)).toEqual([0, 128, 255]);
  t.dispose();
});
