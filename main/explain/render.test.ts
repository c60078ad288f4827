// Map → picture: bilinear upsampling against tfjs, normalisation, colormaps against their
// libraries, colour order and orientation on a real non-square photo.
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import createColormap from 'colormap';
import { interpolateInferno, interpolateTurbo, interpolateViridis } from 'd3-scale-chromatic';
import { beforeAll, describe, expect, it } from 'vitest';
import { COLORMAPS } from '../../preload/contract';
import { photo } from '../testing/paths';
import { colormapLut, legendStops } from './colormaps';
import { colorize, normalizeMap, overlayOnPhoto, upsampleMap } from './render';
import type { RawMap } from './types';
import { useCpuBackend } from './testing/backend';
import { expectClose, seededValues } from './testing/reference';

beforeAll(useCpuBackend);

const randomMap = (width: number, height: number, seed: string): RawMap => ({
  data: Float32Array.from(seededValues(seed, width * height, -3, 5)),
  width,
  height,
});

/** Parses a CSS colour independently of render.ts. */
function cssRgb(css: string): number[] {
  if (css.startsWith('#')) return [0, 1, 2].map((i) => Number.parseInt(css.substr(1 + 2 * i, 2), 16));
  return css.replace(/[^\d,]/g, '').split(',').slice(0, 3).map(Number);
}

describe('upsampleMap', () => {
  it.each([
    [2, 3, 7, 5],
    [7, 7, 224, 224],
    [5, 3, 10, 4],
    [1, 1, 3, 2],
    [4, 4, 2, 2],
    [8, 6, 451, 300],
  ])('%i×%i → %i×%i equals tf.image.resizeBilinear(alignCorners=false, halfPixelCenters=true)', (w, h, outW, outH) => {
    const map = randomMap(w, h, `${w}x${h}`);
    const reference = tf.tidy(() =>
      tf.image.resizeBilinear(tf.tensor4d(map.data, [1, h, w, 1]), [outH, outW], false, true).dataSync(),
    );
    const out = upsampleMap(map, outW, outH);
    expect([out.width, out.height]).toEqual([outW, outH]);
    expectClose(out.data, reference, 1e-5);
  });

  it('a hot spot top-right on a non-square map stays top-right', () => {
    const map: RawMap = { data: new Float32Array(12), width: 4, height: 3 };
    map.data[3] = 1; // x = 3, y = 0
    const out = upsampleMap(map, 451, 300);
    const peak = out.data.indexOf(out.data.reduce((a, b) => Math.max(a, b)));
    const [x, y] = [peak % 451, Math.floor(peak / 451)];
    expect(x).toBeGreaterThan(451 * 0.75);
    expect(y).toBeLessThan(300 * 0.25);
    expect(out.data[299 * 451]).toBe(0); // bottom-left untouched
  });
});

describe('normalizeMap', () => {
  it('scales to exactly [0, 1]', () => {
    const out = normalizeMap(randomMap(5, 4, 'n'));
    expect(Math.min(...out.data)).toBe(0);
    expect(Math.max(...out.data)).toBe(1);
  });

  it('a constant or zero map becomes zeros, never NaN; non-finite values become 0', () => {
    for (const value of [0, 3.5, -2]) {
      const out = normalizeMap({ data: new Float32Array(6).fill(value), width: 3, height: 2 });
      expect(Array.from(out.data)).toEqual([0, 0, 0, 0, 0, 0]);
    }
    const out = normalizeMap({ data: Float32Array.from([NaN, 1, Infinity, 3]), width: 2, height: 2 });
    expect(Array.from(out.data)).toEqual([0, 0, 0, 1]);
  });
});

describe('colormaps', () => {
  it('jet endpoints and middle match the colormap package', () => {
    const library = createColormap({ colormap: 'jet', nshades: 256, format: 'rgba' });
    const lut = colormapLut('jet');
    for (const i of [0, 128, 255]) expect(Array.from(lut.slice(i * 3, i * 3 + 3))).toEqual(library[i].slice(0, 3));
    expect(Array.from(lut.slice(0, 3))).toEqual([0, 0, 131]);
  });

  it.each([
    ['viridis', interpolateViridis],
    ['inferno', interpolateInferno],
    ['turbo', interpolateTurbo],
  ] as const)('%s endpoints match d3-scale-chromatic', (name, interpolate) => {
    const lut = colormapLut(name);
    expect(Array.from(lut.slice(0, 3))).toEqual(cssRgb(interpolate(0)));
    expect(Array.from(lut.slice(765, 768))).toEqual(cssRgb(interpolate(1)));
    expect(Array.from(lut.slice(100 * 3, 100 * 3 + 3))).toEqual(cssRgb(interpolate(100 / 255)));
  });

  it('legend stops run from the first to the last LUT entry', () => {
    for (const name of COLORMAPS) {
      const stops = legendStops(name);
      const lut = colormapLut(name);
      expect(stops).toHaveLength(11);
      expect(cssRgb(stops[0])).toEqual(Array.from(lut.slice(0, 3)));
      expect(cssRgb(stops[10])).toEqual(Array.from(lut.slice(765, 768)));
    }
  });
});

describe('colorize and overlay', () => {
  const ramp: RawMap = { data: Float32Array.from([0, 0.25, 0.5, 1]), width: 2, height: 2 };

  it('colours through the LUT, alpha 0 below the threshold', () => {
    const rgba = colorize(ramp, 'viridis', 0.3);
    const lut = colormapLut('viridis');
    expect(Array.from(rgba.slice(0, 3))).toEqual(Array.from(lut.slice(0, 3)));
    expect(Array.from(rgba.slice(12, 15))).toEqual(Array.from(lut.slice(765, 768)));
    expect([rgba[3], rgba[7], rgba[11], rgba[15]]).toEqual([0, 0, 255, 255]);
    expect(Array.from(colorize(ramp, 'jet')).filter((_, i) => i % 4 === 3)).toEqual([255, 255, 255, 255]);
  });

  it('pure red keeps channel 0: photo shows through transparent heat, jet top blends red', () => {
    const red = { data: new Uint8Array(4 * 3).fill(0).map((_, i) => (i % 3 === 0 ? 255 : 0)), width: 2, height: 2 };
    const hot = colorize({ data: new Float32Array(4).fill(1), width: 2, height: 2 }, 'jet');
    const blended = overlayOnPhoto(red, hot, 0.5);
    expect(Array.from(blended.data.slice(0, 3))).toEqual([Math.round(0.5 * 128 + 0.5 * 255), 0, 0]);
    const transparent = colorize({ data: new Float32Array(4).fill(0.1), width: 2, height: 2 }, 'jet', 0.5);
    expect(Array.from(overlayOnPhoto(red, transparent, 0.5).data)).toEqual(Array.from(red.data));
    expect(() => overlayOnPhoto(red, hot.slice(4), 0.5)).toThrow(/2×2/);
  });

  it('a real non-square photo: a top-right hot spot lands top-right of the overlay', async () => {
    const { data, info } = await sharp(photo('everyday/chelsea.png')).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const image = { data: new Uint8Array(data), width: info.width, height: info.height };
    expect(image.width).not.toBe(image.height);
    const map: RawMap = { data: new Float32Array(6 * 4), width: 6, height: 4 };
    map.data[5] = 7; // x = 5, y = 0
    const heat = colorize(normalizeMap(upsampleMap(map, image.width, image.height)), 'jet', 0.5);
    const out = overlayOnPhoto(image, heat, 0.5);
    expect([out.width, out.height]).toEqual([image.width, image.height]);
    const at = (x: number, y: number) => Array.from(out.data.slice((y * image.width + x) * 3, (y * image.width + x) * 3 + 3));
    const source = (x: number, y: number) => Array.from(image.data.slice((y * image.width + x) * 3, (y * image.width + x) * 3 + 3));
    const [r, g, b] = at(image.width - 1, 0);
    const [pr, , pb] = source(image.width - 1, 0);
    expect(r - b).toBeGreaterThan(pr - pb + 20); // pulled towards jet's red
    void g;
    expect(at(0, image.height - 1)).toEqual(source(0, image.height - 1)); // below threshold: the photo
  });
});
