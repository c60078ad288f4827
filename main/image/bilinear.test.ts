// The one bilinear resize against tfjs's (half-pixel centres), for maps (1 channel) and images (3).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { resizeBilinear } from './bilinear';

describe('resizeBilinear', () => {
  it.each([
    [1, 7, 5, 19, 11],
    [3, 7, 5, 19, 11],
    [3, 40, 30, 13, 9],
    [3, 451, 300, 299, 299],
    [3, 1, 1, 4, 3],
  ])('%i channel(s), %i×%i → %i×%i equals tf.image.resizeBilinear(alignCorners=false, halfPixelCenters=true)', async (channels, w, h, outW, outH) => {
    await tf.setBackend('cpu');
    const random = seedrandom(`${channels}-${w}-${h}`);
    const data = Float32Array.from({ length: w * h * channels }, () => random() * 2 - 1);
    const reference = tf.tidy(() => tf.image.resizeBilinear(tf.tensor4d(data, [1, h, w, channels]), [outH, outW], false, true).dataSync());
    const out = resizeBilinear(data, w, h, channels, outW, outH);
    expect(out.length).toBe(reference.length);
    let worst = 0;
    for (let i = 0; i < out.length; i++) worst = Math.max(worst, Math.abs(out[i] - reference[i]));
    expect(worst).toBeLessThan(1e-5);
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => resizeBilinear(new Float32Array(3), 1, 1, 3, 0, 2)).toThrow(/positive integers/);
  });
});
