import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photo } from '../testing/paths';
import { decodePhoto } from './decode';
import { readFloatTiff } from './tiff-float';

/** A minimal little-endian, uncompressed, chunky float32 TIFF with one strip (written by hand). */
function floatTiff(width: number, height: number, samples: number, values: number[]): Buffer {
  const entries: [number, number, number, number][] = []; // tag, type, count, value-or-offset
  const ifdAt = 8;
  const entryCount = 11;
  const extraAt = ifdAt + 2 + entryCount * 12 + 4;
  const bitsAt = extraAt; // samples × SHORT 32
  const formatAt = bitsAt + samples * 2; // samples × SHORT 3
  const dataAt = formatAt + samples * 2;
  const inline = samples <= 2;
  entries.push([256, 4, 1, width], [257, 4, 1, height]);
  entries.push([258, 3, samples, inline ? 32 : bitsAt], [259, 3, 1, 1], [262, 3, 1, samples >= 3 ? 2 : 1]);
  entries.push([273, 4, 1, dataAt], [277, 3, 1, samples], [278, 4, 1, height], [279, 4, 1, values.length * 4]);
  entries.push([284, 3, 1, 1], [339, 3, samples, inline ? 3 : formatAt]);
  const out = Buffer.alloc(dataAt + values.length * 4);
  out.write('II', 0, 'latin1');
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(ifdAt, 4);
  out.writeUInt16LE(entryCount, ifdAt);
  entries.forEach(([tag, type, count, value], i) => {
    const at = ifdAt + 2 + i * 12;
    out.writeUInt16LE(tag, at);
    out.writeUInt16LE(type, at + 2);
    out.writeUInt32LE(count, at + 4);
    if (type === 3 && count === 1) out.writeUInt16LE(value, at + 8);
    else out.writeUInt32LE(value, at + 8);
  });
  for (let s = 0; s < samples; s++) {
    out.writeUInt16LE(32, bitsAt + s * 2);
    out.writeUInt16LE(3, formatAt + s * 2);
  }
  values.forEach((v, i) => out.writeFloatLE(v, dataAt + i * 4));
  return out;
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'convscope-tiff-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('floating-point TIFF', () => {
  it('scales 0..1 RGB samples to 0..255', async () => {
    const file = join(tmp, 'unit.tif');
    await writeFile(file, floatTiff(2, 1, 3, [1, 0, 0, 0.5, 0.25, 1]));
    const { image, info } = await decodePhoto(file);
    expect([info.format, image.width, image.height]).toEqual(['tiff', 2, 1]);
    expect(Array.from(image.data)).toEqual([255, 0, 0, 128, 64, 255]);
    expect(info.notes.join()).toMatch(/32-bit floating-point samples \(0–1\)/);
  });

  it('treats 0..1 greyscale the same way (libvips alone would show it black)', async () => {
    const file = join(tmp, 'grey.tif');
    await writeFile(file, floatTiff(3, 1, 1, [0, 0.5, 1]));
    const { image, info } = await decodePhoto(file);
    expect(Array.from(image.data)).toEqual([0, 0, 0, 128, 128, 128, 255, 255, 255]);
    expect(info.notes).toContain('greyscale shown as RGB');
  });

  it('stretches other ranges and shows greyscale as RGB', async () => {
    const file = join(tmp, 'range.tif');
    await writeFile(file, floatTiff(3, 1, 1, [-10, 0, 10]));
    const decoded = await readFloatTiff(file);
    expect(Array.from(decoded.rgb)).toEqual([0, 0, 0, 128, 128, 128, 255, 255, 255]);
    expect(decoded.notes.join()).toMatch(/stretched/);
  });

  it('reads the first page of the real 64-bit planar file, pixel values included', async () => {
    const decoded = await readFloatTiff(photo('awkward/multipage_rgb.tif'));
    expect([decoded.width, decoded.height, decoded.pages]).toEqual([10, 10, 2]);
    // First red sample of the file: bytes d8 9b 19 17 87 4e bf 3f at offset 0x11e (float64 ≈ 0.1223).
    const first = Buffer.from('d89b1917874ebf3f', 'hex').readDoubleLE(0);
    expect(decoded.rgb[0]).toBe(Math.round(first * 255));
  });

  it('refuses non-float TIFFs (left to libvips)', async () => {
    await expect(readFloatTiff(photo('awkward/chessboard_GRAY_U16.tif'))).rejects.toThrow(/not a floating-point TIFF/);
  });
});
