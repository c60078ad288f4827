import { resizeBilinear } from '../image/bilinear';
import type { RgbImage } from '../image/types';
import { modelToPixels, pixelsToModel, type InputRange } from './model-range';

/** A working image: row-major H×W×3 floats in the model's input range. */
export interface FloatImage {
  data: Float32Array;
  width: number;
  height: number;
}

export function toFloatImage(image: RgbImage, range: InputRange): FloatImage {
  return { data: pixelsToModel(image.data, range), width: image.width, height: image.height };
}

export function toRgbImage(image: FloatImage, range: InputRange): RgbImage {
  return { data: modelToPixels(image.data, range), width: image.width, height: image.height };
}

/** Bilinear resize with half-pixel centres (float in, float out; no uint8 on the way). */
export function resizeFloat(image: FloatImage, width: number, height: number): FloatImage {
  if (width === image.width && height === image.height) {
    return { data: image.data.slice(), width, height };
  }
  // On the CPU heap, not the tensor backend's: a full-resolution octave never passes through wasm memory.
  return { data: resizeBilinear(image.data, image.width, image.height, 3, width, height), width, height };
}

export function subtract(a: FloatImage, b: FloatImage): FloatImage {
  const out = new Float32Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i] - b.data[i];
  return { data: out, width: a.width, height: a.height };
}

export function add(a: FloatImage, b: FloatImage): FloatImage {
  const out = new Float32Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i] + b.data[i];
  return { data: out, width: a.width, height: a.height };
}
