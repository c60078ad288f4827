import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBundledModel } from '../../engine/bundled';
import { initRuntime } from '../../engine/runtime';
import type { CnnModel } from '../../engine/types';
import { firstLayerFilters } from './filters';

let model: CnnModel;
beforeAll(async () => {
  await initRuntime();
  model = await loadBundledModel('mobilenet_v2');
});

describe('first-layer filters', () => {
  it('tiles every RGB filter of the first conv, each scaled symmetrically around grey', async () => {
    const raw = model.firstConvFilters()!;
    expect(raw.shape.slice(0, 3)).toEqual([3, 3, 3]);
    const result = (await firstLayerFilters(model))!;
    expect(result.layer).toBe(raw.layer);
    expect(result.count).toBe(raw.shape[3]);
    const png = Buffer.from(result.atlasPng.split(',')[1], 'base64');
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    const rows = Math.ceil(result.count / result.columns);
    expect(info.width).toBe(result.columns * result.tileSize[0] - 8);
    expect(info.height).toBe(rows * result.tileSize[1] - 8);
    // Filter 0, weight (y=1, x=2), every channel: read the centre of that 8×8 block.
    const count = raw.shape[3];
    let peak = 0;
    for (let i = 0; i < raw.data.length; i += count) peak = Math.max(peak, Math.abs(raw.data[i]));
    for (let c = 0; c < 3; c++) {
      const weight = raw.data[((1 * 3 + 2) * 3 + c) * count];
      const expected = Math.round((0.5 + weight / (2 * peak)) * 255);
      const pixel = data[((1 * 8 + 4) * info.width + 2 * 8 + 4) * info.channels + c];
      expect(Math.abs(pixel - expected)).toBeLessThanOrEqual(1);
    }
  });
});
