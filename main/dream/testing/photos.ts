import sharp from 'sharp';
import type { RgbImage } from '../../image/types';
import { photo } from '../../testing/paths';

/** A real photo from the shared corpus, decoded with sharp and fitted inside maxSide. */
export async function loadPhoto(relative: string, maxSide: number): Promise<RgbImage> {
  const { data, info } = await sharp(photo(relative))
    .rotate()
    .resize(maxSide, maxSide, { fit: 'inside' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

export function solidImage(width: number, height: number, rgb: [number, number, number]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
  return { data, width, height };
}
