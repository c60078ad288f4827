// Map → picture for the host's heatmaps and exports: pure functions on typed arrays (no tensors).
import type { Colormap } from '../../preload/contract';
import type { RgbImage } from '../image/types';
import type { RawMap } from './types';
import { colormapLut } from './colormaps';
import { resizeBilinear } from '../image/bilinear';

/** The map resized to width × height (bilinear, half-pixel centres, as tf.image.resizeBilinear). */
export function upsampleMap(map: RawMap, width: number, height: number): RawMap {
  return { data: resizeBilinear(map.data, map.width, map.height, 1, width, height), width, height };
}

/** (L − min) / (max − min) over the finite values; a constant map (or non-finite value) gives 0, never NaN. */
export function normalizeMap(map: RawMap): RawMap {
  let low = Infinity;
  let high = -Infinity;
  for (const value of map.data) {
    if (!Number.isFinite(value)) continue;
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  const range = high - low;
  const out = new Float32Array(map.data.length);
  if (range > 0 && Number.isFinite(range)) {
    for (let i = 0; i < out.length; i++) {
      const value = map.data[i];
      out[i] = Number.isFinite(value) ? (value - low) / range : 0;
    }
  }
  return { data: out, width: map.width, height: map.height };
}

/** RGBA (width·height·4) of a normalised map; alpha 0 where the value is below `threshold`, else 255. */
export function colorize(norm: RawMap, colormap: Colormap, threshold = 0): Uint8Array {
  const lut = colormapLut(colormap);
  const out = new Uint8Array(norm.width * norm.height * 4);
  for (let i = 0; i < norm.width * norm.height; i++) {
    const value = Number.isFinite(norm.data[i]) ? Math.min(Math.max(norm.data[i], 0), 1) : 0;
    const index = Math.round(value * 255);
    out[i * 4] = lut[index * 3];
    out[i * 4 + 1] = lut[index * 3 + 1];
    out[i * 4 + 2] = lut[index * 3 + 2];
    out[i * 4 + 3] = value < threshold ? 0 : 255;
  }
  return out;
}

/**
 * out = (1 − alpha)·heat + alpha·photo where the heat pixel is opaque, the photo where it is
 * transparent (partial heat alpha blends proportionally). `alpha` is the photo's weight.
 */
export function overlayOnPhoto(photo: RgbImage, heatRgba: Uint8Array, alpha: number): RgbImage {
  const pixels = photo.width * photo.height;
  if (heatRgba.length !== pixels * 4) {
    throw new RangeError(
      `overlayOnPhoto: heatmap has ${heatRgba.length / 4} pixels, photo ${photo.width}×${photo.height} has ${pixels}.`,
    );
  }
  const photoWeight = Math.min(Math.max(alpha, 0), 1);
  const out = new Uint8Array(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    const heatWeight = (1 - photoWeight) * (heatRgba[i * 4 + 3] / 255);
    for (let c = 0; c < 3; c++) {
      const value = heatWeight * heatRgba[i * 4 + c] + (1 - heatWeight) * photo.data[i * 3 + c];
      out[i * 3 + c] = Math.round(value);
    }
  }
  return { data: out, width: photo.width, height: photo.height };
}
