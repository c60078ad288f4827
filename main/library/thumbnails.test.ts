import { copyFile, mkdtemp, readdir, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePhoto } from '../image/decode';
import { PhotoError } from '../image/types';
import { photo } from '../testing/paths';
import { ThumbnailCache } from './thumbnails';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'convscope-thumbs-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function cacheFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('ThumbnailCache', () => {
  it('makes an upright JPEG that fits inside the size', async () => {
    const cache = new ThumbnailCache(join(tmp, 'c1'));
    const jpeg = await cache.get(photo('awkward/exif-orientation-6.jpg'), 160);
    const meta = await sharp(jpeg).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 160, 106]);
    // Upright: it looks like chelsea.png shrunk the same way.
    const thumb = await sharp(jpeg).raw().toBuffer();
    const reference = (await decodePhoto(photo('everyday/chelsea.png'), { maxSide: 160 })).image;
    let diff = 0;
    for (let i = 0; i < thumb.length; i++) diff += Math.abs(thumb[i] - reference.data[i]);
    expect(diff / thumb.length).toBeLessThan(6);
    const panorama = await sharp(await cache.get(photo('awkward/panorama-8000x300.jpg'), 160)).metadata();
    expect([panorama.width, panorama.height]).toEqual([160, 6]);
  });

  it('serves the second request from disk without re-rendering, even from a new cache object', async () => {
    const dir = join(tmp, 'c2');
    const file = photo('everyday/kde-Kite.jpg');
    const first = new ThumbnailCache(dir);
    const a = await first.get(file, 160);
    expect(first.stats).toEqual({ hits: 0, renders: 1 });
    const [cached] = await cacheFiles(dir);
    const writtenAt = (await stat(cached)).mtimeMs;
    const second = new ThumbnailCache(dir);
    const b = await second.get(file, 160);
    expect(second.stats).toEqual({ hits: 1, renders: 0 });
    expect(b.equals(a)).toBe(true);
    expect((await stat(cached)).mtimeMs).toBe(writtenAt);
    await second.get(file, 256); // another size is another entry
    expect(second.stats.renders).toBe(1);
    expect(await cacheFiles(dir)).toHaveLength(2);
  });

  it('renders again when the photo changes (mtime key)', async () => {
    const dir = join(tmp, 'c3');
    const file = join(tmp, 'edited.jpg');
    await copyFile(photo('everyday/rocket.jpg'), file);
    const cache = new ThumbnailCache(dir);
    await cache.get(file, 128);
    const later = new Date(Date.now() + 5000);
    await utimes(file, later, later);
    await cache.get(file, 128);
    expect(cache.stats).toEqual({ hits: 0, renders: 2 });
  });

  it('shares one render between identical concurrent requests and bounds concurrency', async () => {
    const cache = new ThumbnailCache(join(tmp, 'c4'), 2);
    const file = photo('everyday/coffee.png');
    const results = await Promise.all([cache.get(file, 96), cache.get(file, 96), cache.get(file, 96)]);
    expect(cache.stats.renders).toBe(1);
    expect(results[1]).toBe(results[0]);
  });

  it('rejects bad files with PhotoError and keeps working', async () => {
    const cache = new ThumbnailCache(join(tmp, 'c5'));
    const bad = ['truncated.jpg', 'zero-bytes.jpg', 'not-an-image.jpg', 'notes.txt', 'missing.jpg'];
    const outcomes = await Promise.allSettled(bad.map((name) => cache.get(photo('awkward', name), 160)));
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(PhotoError);
    }
    expect(((outcomes[0] as PromiseRejectedResult).reason as PhotoError).code).toBe('truncated');
    expect(((outcomes[4] as PromiseRejectedResult).reason as PhotoError).code).toBe('not-found');
    expect(await cacheFiles(join(tmp, 'c5'))).toEqual([]);
    // Remembered: the same bad file fails again at once with the same error.
    const again = await cache.get(photo('awkward/truncated.jpg'), 160).catch((e: unknown) => e);
    expect(again).toBe((outcomes[0] as PromiseRejectedResult).reason);
    const good = await sharp(await cache.get(photo('awkward/cmyk.jpg'), 64)).metadata();
    expect([good.width, good.channels]).toEqual([64, 3]);
  });

  it('handles the awkward formats and the 320-megapixel PNG', async () => {
    const cache = new ThumbnailCache(join(tmp, 'c6'));
    for (const name of ['multipage_rgb.tif', 'no_time_for_that_tiny.gif', 'chessboard_GRAY_U16.tif', 'astronaut.avif', 'huge-20000x16000.png']) {
      const meta = await sharp(await cache.get(photo('awkward', name), 160)).metadata();
      expect(meta.format).toBe('jpeg');
      expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(160);
    }
  });

  it('refuses silly sizes', async () => {
    const cache = new ThumbnailCache(join(tmp, 'c7'));
    await expect(cache.get(photo('everyday/rocket.jpg'), 0)).rejects.toThrow(RangeError);
    await expect(cache.get(photo('everyday/rocket.jpg'), 100_000)).rejects.toThrow(RangeError);
  });
});
