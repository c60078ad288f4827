import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import type { RgbImage } from '../image/types';
import { ANIMATION_BYTE_BUDGET, animationMaxSide, encodeAnimation } from './animation';
import { loadPhoto, solidImage } from './testing/photos';

async function* asAsync(frames: RgbImage[]): AsyncGenerator<RgbImage> {
  for (const frame of frames) yield frame;
}

describe('encodeAnimation', () => {
  it('writes an animated WebP with one page per frame at the last frame size', async () => {
    const photo = await loadPhoto('everyday/astronaut.png', 96);
    const frames = [solidImage(40, 30, [255, 0, 0]), solidImage(60, 60, [0, 255, 0]), photo];
    const webp = await encodeAnimation(frames, 'webp', { fps: 5 });
    const meta = await sharp(webp, { animated: true }).metadata();
    expect(meta.format).toBe('webp');
    expect(meta.pages).toBe(3);
    expect(meta.width).toBe(photo.width);
    expect(meta.pageHeight).toBe(photo.height);
    expect(meta.loop).toBe(0);
    expect(meta.delay).toEqual([200, 200, 200]);
    // The first page is still red (colour order kept).
    const { data } = await sharp(webp, { page: 0 }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(200);
    expect(data[1]).toBeLessThan(60);
  });

  it('writes an animated GIF from an async iterable, fitted inside maxSide', async () => {
    const frames = Array.from({ length: 4 }, (_, i) => solidImage(200, 100, [i * 60, 100, 200 - i * 40]));
    const gif = await encodeAnimation(asAsync(frames), 'gif', { fps: 10, maxSide: 50 });
    const meta = await sharp(gif, { animated: true }).metadata();
    expect(meta.format).toBe('gif');
    expect(meta.pages).toBe(4);
    expect([meta.width, meta.pageHeight]).toEqual([50, 25]);
  });

  it('fits many large frames into the byte budget instead of running out of memory', () => {
    // 30 frames of the 14.7-megapixel photo: 1.3 GB raw at full size.
    const side = animationMaxSide(30, 5120, 2880);
    const height = Math.floor((2880 * side) / 5120);
    expect(30 * side * height * 3).toBeLessThanOrEqual(ANIMATION_BYTE_BUDGET);
    expect(side).toBeGreaterThan(2000);
    expect(animationMaxSide(6, 451, 300)).toBe(451);
  });

  it('refuses an empty frame list', async () => {
    await expect(encodeAnimation([], 'webp')).rejects.toThrow(/no frames/);
  });
});
