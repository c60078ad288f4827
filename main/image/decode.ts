// THE place photos are decoded into RgbImages.
//
// Size policy: photos up to MAX_INPUT_MEGAPIXELS open; the decoded image is shrunk to fit `maxSide`
// (never enlarged) and in any case to at most MAX_DECODED_MEGAPIXELS. libvips shrinks while it streams
// the file (JPEG/WebP even while decoding), so a 320-megapixel PNG never exists in memory at full size.
// `info` always describes the ORIGINAL upright photo; a note says when the pixels were downscaled.
import { toPhotoError } from './errors';
import { MAX_DECODED_PIXELS } from './limits';
import { openPhoto, type OpenedPhoto } from './open';
import type { PhotoInfo, RgbImage } from './types';

export interface DecodeOptions {
  /** Longest side of the decoded image; the photo is shrunk to fit, never enlarged. */
  maxSide?: number;
}

/** Size that fits `width`×`height` inside `maxSide` and the decoded-pixel cap, keeping aspect. */
export function fitSize(width: number, height: number, maxSide = Infinity): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height), Math.sqrt(MAX_DECODED_PIXELS / (width * height)));
  if (scale >= 1) return { width, height };
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

export async function decodePhoto(file: string, options: DecodeOptions = {}): Promise<{ image: RgbImage; info: PhotoInfo }> {
  if (options.maxSide !== undefined && !(options.maxSide >= 1)) throw new RangeError(`maxSide must be ≥ 1 (got ${options.maxSide})`);
  return decodeOpened(await openPhoto(file, { maxSide: options.maxSide }), options);
}

/** decodePhoto for a photo already opened (with the same `maxSide`). */
export async function decodeOpened(opened: OpenedPhoto, options: DecodeOptions = {}): Promise<{ image: RgbImage; info: PhotoInfo }> {
  const { info } = opened;
  const target = fitSize(info.width, info.height, options.maxSide);
  try {
    let pipeline = await opened.pipeline();
    // After the pipeline: preparing it may have made the notes more precise.
    const notes = [...info.notes];
    if (target.width !== info.width || target.height !== info.height) {
      pipeline = pipeline.resize(target.width, target.height, { fit: 'fill' });
      notes.push(`downscaled from ${info.width}×${info.height} to ${target.width}×${target.height}`);
    }
    const { data, info: out } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    if (out.channels !== 3) throw new Error(`decoder produced ${out.channels} channels`);
    const image: RgbImage = { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: out.width, height: out.height };
    return { image, info: { ...info, notes } };
  } catch (error) {
    throw await toPhotoError(info.path, error, info.format);
  }
}

export { resizeRgb } from './encode';
