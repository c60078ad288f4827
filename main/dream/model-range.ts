// Local pre/deprocessing: pixel values 0..255 map linearly onto the model's input range
// (ModelSpec.inputRange). Kept here until main/engine/preprocess.ts settles; same formula.
export type InputRange = [number, number];

/** uint8 pixels → floats in [min, max]. */
export function pixelsToModel(pixels: Uint8Array, [min, max]: InputRange): Float32Array {
  const scale = (max - min) / 255;
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i] * scale + min;
  return out;
}

/** Floats in model range → uint8 pixels (rounded, clamped). Exact inverse of pixelsToModel. */
export function modelToPixels(values: Float32Array, [min, max]: InputRange): Uint8Array {
  const scale = 255 / (max - min);
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Math.round((values[i] - min) * scale);
    out[i] = v < 0 ? 0 : v > 255 ? 255 : v; // NaN → 0 via Uint8Array conversion
  }
  return out;
}
