// The one place that maps images to model tensors and back.
import * as tf from '@tensorflow/tfjs';
import { resizeRgb } from '../image/encode';
import type { RgbImage } from '../image/types';
import type { ModelSpec } from './types';

type Range = ModelSpec['inputRange'];

/** 0..255 → [min, max] (linear). */
export function pixelsToRange(value: number, [min, max]: Range): number {
  return min + (value / 255) * (max - min);
}

/** [min, max] → 0..255 (linear, unrounded). */
export function rangeToPixels(value: number, [min, max]: Range): number {
  return ((value - min) / (max - min)) * 255;
}

/** [1,h,w,3] in the model's range; bilinear with half-pixel centres when `size` differs from the image. */
export function toModelInput(img: RgbImage, spec: Pick<ModelSpec, 'inputRange'>, size?: [number, number]): tf.Tensor4D {
  const [min, max] = spec.inputRange;
  return tf.tidy(() => {
    let pixels: tf.Tensor4D = tf.tensor4d(img.data, [1, img.height, img.width, 3], 'int32').toFloat();
    if (size && (size[0] !== img.height || size[1] !== img.width)) {
      pixels = tf.image.resizeBilinear(pixels, size, false, true);
    }
    return tf.add(tf.mul(pixels, (max - min) / 255), min);
  });
}

/** Inverse of toModelInput (no resize): round and clamp to 0..255. */
export function fromModelInput(t: tf.Tensor4D | tf.Tensor3D, spec: Pick<ModelSpec, 'inputRange'>): RgbImage {
  const [min, max] = spec.inputRange;
  const image = t.rank === 4 ? (t as tf.Tensor4D).shape.slice(1) : t.shape;
  if (t.rank === 4 && t.shape[0] !== 1) throw new Error(`fromModelInput expects one image, got a batch of ${t.shape[0]}`);
  const [height, width, channels] = image;
  if (channels !== 3) throw new Error(`fromModelInput expects 3 channels, got ${channels}`);
  const values = t.dataSync();
  const data = new Uint8Array(values.length);
  const scale = 255 / (max - min);
  for (let i = 0; i < values.length; i++) {
    const v = Math.round((values[i] - min) * scale);
    data[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return { data, width, height };
}

/**
 * A photo as the model sees it: resized to the model's input size with area averaging (sharp, so a
 * 2048 px and a 5120 px decode of the same photo give the same input), then mapped to its range.
 * Every path that classifies or explains a photo goes through here.
 */
export async function photoToModelInput(img: RgbImage, spec: Pick<ModelSpec, 'inputRange' | 'inputSize'>): Promise<tf.Tensor4D> {
  const [height, width] = spec.inputSize;
  return toModelInput(await resizeRgb(img, width, height), spec);
}
