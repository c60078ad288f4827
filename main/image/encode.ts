// Encodes raw pixels (grey, RGB or RGBA, 8-bit, row-major) to PNG or JPEG, and resamples RgbImages.
import sharp from 'sharp';
import type { RgbImage } from './types';

export interface RawPixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

function fromRaw(img: RgbImage | RawPixels) {
  const channels = 'channels' in img ? img.channels : 3;
  if (img.data.length !== img.width * img.height * channels) {
    throw new RangeError(`pixel buffer holds ${img.data.length} bytes, expected ${img.width}×${img.height}×${channels}`);
  }
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels } });
}

export async function encodePng(img: RgbImage | RawPixels): Promise<Buffer> {
  const grey = 'channels' in img && img.channels === 1;
  const pipeline = fromRaw(img);
  return (grey ? pipeline.toColourspace('b-w') : pipeline).png({ compressionLevel: 6 }).toBuffer();
}

/** JPEG has no alpha: RGBA is flattened onto white. */
export async function encodeJpeg(img: RgbImage | RawPixels, quality = 90): Promise<Buffer> {
  return fromRaw(img).flatten({ background: { r: 255, g: 255, b: 255 } }).jpeg({ quality }).toBuffer();
}

/** Resamples an RgbImage to exactly width×height (aspect not kept; area-aware when shrinking); the same size returns the same object. */
export async function resizeRgb(img: RgbImage, width: number, height: number): Promise<RgbImage> {
  if (img.width === width && img.height === height) return img;
  const { data, info } = await fromRaw(img).resize(width, height, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}
