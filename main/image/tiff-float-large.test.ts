// Large floating-point TIFFs are read by hand in the MAIN process (thumbnails, /media, photo:info), so the
// reader must respect the pixel limits before allocating, probe from the header alone and never hold the
// event loop. Big files here are sparse (header written, pixel bytes a hole of zeros): no disk, no time.
// Own file so the process's peak RSS reflects only these reads.
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePhoto } from './decode';
import { MAX_DECODED_PIXELS } from './limits';
import { probePhoto } from './probe';
import { renderThumbnail } from './thumbnail';
import { floatTiffStride, readFloatTiff } from './tiff-float';
import { PhotoError } from './types';

/** An uncompressed, chunky float TIFF header with one strip (little-endian unless `big`); pixels follow it. */
function floatTiffHeader(width: number, height: number, samples: number, bits: 32 | 64, big = false): { header: Buffer; dataBytes: number } {
  const ifdAt = 8;
  const entryCount = 11;
  const extraAt = ifdAt + 2 + entryCount * 12 + 4;
  const bitsAt = extraAt;
  const formatAt = bitsAt + samples * 2;
  const dataAt = formatAt + samples * 2;
  const inline = samples <= 2;
  const dataBytes = width * height * samples * (bits / 8);
  const entries: [number, number, number, number][] = [
    [256, 4, 1, width],
    [257, 4, 1, height],
    [258, 3, samples, inline ? bits : bitsAt],
    [259, 3, 1, 1],
    [262, 3, 1, samples >= 3 ? 2 : 1],
    [273, 4, 1, dataAt],
    [277, 3, 1, samples],
    [278, 4, 1, height],
    [279, 4, 1, Math.min(dataBytes, 0xffffffff)],
    [284, 3, 1, 1],
    [339, 3, samples, inline ? 3 : formatAt],
  ];
  const header = Buffer.alloc(dataAt);
  const u16 = (value: number, at: number) => (big ? header.writeUInt16BE(value, at) : header.writeUInt16LE(value, at));
  const u32 = (value: number, at: number) => (big ? header.writeUInt32BE(value, at) : header.writeUInt32LE(value, at));
  header.write(big ? 'MM' : 'II', 0, 'latin1');
  u16(42, 2);
  u32(ifdAt, 4);
  u16(entryCount, ifdAt);
  entries.forEach(([tag, type, count, value], i) => {
    const at = ifdAt + 2 + i * 12;
    u16(tag, at);
    u16(type, at + 2);
    u32(count, at + 4);
    if (type === 3 && count === 1) u16(value, at + 8);
    else if (type === 3 && count === 2) {
      u16(value, at + 8);
      u16(value, at + 10);
    } else u32(value, at + 8);
  });
  for (let s = 0; s < samples; s++) {
    u16(bits, bitsAt + s * 2);
    u16(3, formatAt + s * 2);
  }
  return { header, dataBytes };
}

/** Header, then `pixelBytes` of pixel data (default: all of it) as a sparse hole of zeros. */
async function sparseFloatTiff(file: string, width: number, height: number, samples = 1, bits: 32 | 64 = 32, pixelBytes?: number) {
  const { header, dataBytes } = floatTiffHeader(width, height, samples, bits);
  const handle = await open(file, 'w');
  try {
    await handle.write(header, 0, header.length, 0);
    await handle.truncate(header.length + (pixelBytes ?? dataBytes));
  } finally {
    await handle.close();
  }
}

/** Longest gap between 5 ms interval ticks while `work` runs: how long the event loop was held. */
async function maxEventLoopGap<T>(work: () => Promise<T>): Promise<{ result: T; gapMs: number }> {
  let last = performance.now();
  let gapMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    gapMs = Math.max(gapMs, now - last);
    last = now;
  }, 5);
  try {
    const result = await work();
    gapMs = Math.max(gapMs, performance.now() - last);
    return { result, gapMs };
  } finally {
    clearInterval(timer);
  }
}

const rssMb = () => process.memoryUsage().rss / 1e6;
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'convscope-tiff-large-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('large floating-point TIFFs (read by hand in the main process)', () => {
  it('a header claiming more than the input limit is refused before anything is allocated (64-bit too)', async () => {
    for (const bits of [32, 64] as const) {
      const file = join(tmp, `claims-800mp-${bits}.tif`);
      await sparseFloatTiff(file, 40000, 20000, 1, bits, 1024 * 1024); // 1 MB of real pixel bytes
      const reason = 'too large: 40000×20000 is 800 megapixels (limit 500 megapixels)';
      for (const attempt of [() => decodePhoto(file, { maxSide: 512 }), () => renderThumbnail(file, 160), () => readFloatTiff(file)]) {
        const error = await attempt().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PhotoError);
        expect([(error as PhotoError).code, (error as PhotoError).reason]).toEqual(['too-large', reason]);
      }
      expect(await probePhoto(file)).toMatchObject({ status: 'error', code: 'too-large', reason });
    }
  });

  it('probes from the header only: a 120-megapixel file answers at once, without reading its 480 MB', async () => {
    const file = join(tmp, 'probe-120mp.tif');
    await sparseFloatTiff(file, 12000, 10000);
    const before = rssMb();
    const started = performance.now();
    const { result: entry, gapMs } = await maxEventLoopGap(() => probePhoto(file));
    const elapsed = performance.now() - started;
    expect(entry).toMatchObject({ status: 'ok', format: 'tiff', width: 12000, height: 10000 });
    expect(entry.notes.join(' | ')).toMatch(/32-bit floating-point samples converted to 8-bit/);
    expect(entry.notes.join(' | ')).toMatch(/120 megapixels: opened downscaled/);
    // The old probe read the file, allocated it again and decoded 120 MP twice: 1.3 GB and ~10 s.
    expect(elapsed).toBeLessThan(1500);
    expect(gapMs).toBeLessThan(500);
    expect(rssMb() - before).toBeLessThan(100);
  });

  it('probe still reports a float TIFF whose pixel data is cut off, from the header', async () => {
    const file = join(tmp, 'cut.tif');
    await sparseFloatTiff(file, 300, 200, 3, 32, 300 * 100 * 3 * 4);
    expect(await probePhoto(file)).toMatchObject({ status: 'error', code: 'truncated', reason: 'truncated or corrupt TIFF data' });
  });

  it('picks a stride that keeps the decode within the decoded-pixel cap and about twice maxSide', () => {
    expect(floatTiffStride(6000, 4000)).toBe(1);
    expect(floatTiffStride(8000, 8000)).toBe(1); // exactly 64 MP
    expect(floatTiffStride(12000, 10000)).toBe(2);
    expect(floatTiffStride(25000, 20000)).toBe(3); // 500 MP, the largest photo that opens
    expect(floatTiffStride(6000, 4000, 160)).toBe(18);
    expect(floatTiffStride(300, 200, 160)).toBe(1);
    for (const [w, h] of [
      [12000, 10000],
      [25000, 20000],
      [100000, 5000],
      [8001, 8000],
    ]) {
      const stride = floatTiffStride(w, h);
      expect(Math.ceil(w / stride) * Math.ceil(h / stride)).toBeLessThanOrEqual(MAX_DECODED_PIXELS);
    }
  });

  it('reads one sample from the middle of each stride×stride block', async () => {
    // 2000×1000 RGB; red = x / 2000, green = y / 1000, blue = 1 - red.
    const width = 2000;
    const height = 1000;
    const { header } = floatTiffHeader(width, height, 3, 32);
    const pixels = Buffer.alloc(width * height * 3 * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const at = (y * width + x) * 12;
        pixels.writeFloatLE(x / width, at);
        pixels.writeFloatLE(y / height, at + 4);
        pixels.writeFloatLE(1 - x / width, at + 8);
      }
    }
    const file = join(tmp, 'gradient.tif');
    await writeFile(file, Buffer.concat([header, pixels]));
    const decoded = await readFloatTiff(file, { maxSide: 100 });
    expect([decoded.stride, decoded.width, decoded.height, decoded.sourceWidth, decoded.sourceHeight]).toEqual([10, 200, 100, 2000, 1000]);
    const byte = (value: number) => Math.round(Math.fround(value) * 255);
    for (const [x, y] of [
      [0, 0],
      [199, 99],
      [57, 31],
    ]) {
      const at = (y * 200 + x) * 3;
      expect(Array.from(decoded.rgb.subarray(at, at + 3))).toEqual([byte((x * 10 + 5) / width), byte((y * 10 + 5) / height), byte(1 - (x * 10 + 5) / width)]);
    }
    // Through decodePhoto: the original size in info, the caller's size in pixels.
    const { image, info } = await decodePhoto(file, { maxSide: 100 });
    expect([info.width, info.height, image.width, image.height]).toEqual([2000, 1000, 100, 50]);
    expect(info.notes).toContain('32-bit floating-point samples (0–1) converted to 8-bit');
  });

  it('reads big-endian files the same as little-endian ones', async () => {
    const values = [0, 0.25, 0.5, 1, 0.75, 0.125];
    const read = async (big: boolean, bits: 32 | 64) => {
      const { header } = floatTiffHeader(2, 1, 3, bits, big);
      const pixels = Buffer.alloc(values.length * (bits / 8));
      values.forEach((v, i) =>
        bits === 64 ? (big ? pixels.writeDoubleBE(v, i * 8) : pixels.writeDoubleLE(v, i * 8)) : big ? pixels.writeFloatBE(v, i * 4) : pixels.writeFloatLE(v, i * 4),
      );
      const file = join(tmp, `endian-${big}-${bits}.tif`);
      await writeFile(file, Buffer.concat([header, pixels]));
      return Array.from((await readFloatTiff(file)).rgb);
    };
    const expected = values.map((v) => Math.round(v * 255));
    for (const bits of [32, 64] as const) {
      expect(await read(false, bits)).toEqual(expected);
      expect(await read(true, bits)).toEqual(expected);
    }
  });

  it('a thumbnail of a 120-megapixel float TIFF reads a strided sample, quickly, with the loop free', async () => {
    const file = join(tmp, 'thumb-120mp.tif');
    await sparseFloatTiff(file, 12000, 10000);
    const { result: jpeg, gapMs } = await maxEventLoopGap(() => renderThumbnail(file, 160));
    const sharp = (await import('sharp')).default;
    const meta = await sharp(jpeg).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 160, 133]);
    expect(gapMs).toBeLessThan(500);
  });

  it('a full-resolution decode (36 MP, as the 144 MB file of the review) keeps the event loop ticking', async () => {
    const file = join(tmp, 'full-36mp.tif');
    await sparseFloatTiff(file, 6000, 6000);
    const { result, gapMs } = await maxEventLoopGap(() => decodePhoto(file, { maxSide: 4096 }));
    expect([result.image.width, result.image.height, result.info.width, result.info.height]).toEqual([4096, 4096, 6000, 6000]);
    expect(result.image.data.every((value) => value === 0)).toBe(true);
    // The old reader held the loop for the whole decode (3.9 s measured in review).
    expect(gapMs).toBeLessThan(500);
    // Neither the file (144 MB) nor the full-size samples are held: 36 MP of RGB (108 MB) plus sharp's resize.
    expect(peakRssMb()).toBeLessThan(700);
  });
});
