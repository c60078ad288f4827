// The first convolution's filters as RGB tiles: what the network looks for in raw pixels.
import sharp from 'sharp';
import type { FiltersResult } from '../../../preload/contract';
import type { CnnModel } from '../../engine/types';
import { encodePng } from '../../image/encode';

/** Each filter weight becomes this many screen pixels (nearest neighbour, crisp). */
const PIXELS_PER_WEIGHT = 8;

/**
 * Tiles every filter of the first RGB convolution, each scaled on its own symmetrically around
 * grey (0.5 + w / (2·max|w|)), so positive red weights look red and negative ones look cyan.
 */
export async function firstLayerFilters(model: CnnModel): Promise<FiltersResult | null> {
  const filters = model.firstConvFilters();
  if (!filters) return null;
  const [kh, kw, channels, count] = filters.shape;
  const columns = Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / columns);
  const cellW = kw + 1;
  const cellH = kh + 1;
  const width = columns * cellW - 1;
  const height = rows * cellH - 1;
  const atlas = new Uint8Array(width * height * 3).fill(24);
  for (let filter = 0; filter < count; filter++) {
    let peak = 0;
    for (let i = filter; i < filters.data.length; i += count) peak = Math.max(peak, Math.abs(filters.data[i]));
    const left = (filter % columns) * cellW;
    const top = Math.floor(filter / columns) * cellH;
    for (let y = 0; y < kh; y++) {
      for (let x = 0; x < kw; x++) {
        for (let c = 0; c < channels; c++) {
          const weight = filters.data[((y * kw + x) * channels + c) * count + filter];
          const value = peak > 0 ? 0.5 + weight / (2 * peak) : 0.5;
          atlas[((top + y) * width + left + x) * 3 + c] = Math.round(value * 255);
        }
      }
    }
  }
  const small = await encodePng({ data: atlas, width, height });
  const large = await sharp(small).resize(width * PIXELS_PER_WEIGHT, height * PIXELS_PER_WEIGHT, { kernel: 'nearest' }).png().toBuffer();
  return {
    layer: filters.layer,
    count,
    kernelSize: [kh, kw],
    columns,
    tileSize: [cellW * PIXELS_PER_WEIGHT, cellH * PIXELS_PER_WEIGHT],
    atlasPng: `data:image/png;base64,${large.toString('base64')}`,
  };
}
