// Array-level pre/deprocessing for the float working image, built on the engine's own linear
// mapping (main/engine/preprocess.ts) so dream and engine agree; no tensors, so a full-resolution
// image never has to pass through the backend's heap.
import { pixelsToRange, rangeToPixels } from '../engine/preprocess';
import type { ModelSpec } from '../engine/types';

export type InputRange = ModelSpec['inputRange'];

/** uint8 pixels → floats in [min, max]. */
export function pixelsToModel(pixels: Uint8Array, range: InputRange): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = pixelsToRange(pixels[i], range);
  return out;
}

/** Floats in model range → uint8 pixels (rounded, clamped; NaN → 0). Exact inverse of pixelsToModel. */
export function modelToPixels(values: Float32Array, range: InputRange): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Math.round(rangeToPixels(values[i], range));
    out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return out;
}
