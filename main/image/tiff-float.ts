// Floating-point TIFFs come from scientific tools (tifffile, scikit-image). libvips refuses 64-bit ones
// ("samples out of range"), reads float RGB as linear scRGB and float grey as 0..255 (so 0..1 data shows
// black). This reads the first page of an UNCOMPRESSED float TIFF (32 or 64 bit, chunky or planar) and
// treats samples as display values: 0..1 → 0..255, any other range stretched min..max, with a note.
import { readFile, stat } from 'node:fs/promises';

const MAX_FILE_BYTES = 512 * 1024 * 1024;
const MAX_PAGES_COUNTED = 10_000;

export function isTiff(head: Buffer): boolean {
  const magic = head.toString('latin1', 0, 4);
  return magic === 'II*\u0000' || magic === 'MM\u0000*';
}

export interface FloatTiff {
  /** 8-bit RGB, row-major. */
  rgb: Buffer;
  width: number;
  height: number;
  pages: number;
  notes: string[];
}

interface Entry {
  type: number;
  count: number;
  /** Offset of the value bytes (inline or pointed to). */
  at: number;
}

const TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8 };

export async function readFloatTiff(file: string): Promise<FloatTiff> {
  if ((await stat(file)).size > MAX_FILE_BYTES) throw new Error('float TIFF too large to read by hand');
  const buffer = await readFile(file);
  if (!isTiff(buffer)) throw new Error('not a TIFF');
  const little = buffer[0] === 0x49;
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const u16 = (at: number) => view.getUint16(at, little);
  const u32 = (at: number) => view.getUint32(at, little);

  const firstIfd = u32(4);
  let pages = 0;
  const seen = new Set<number>();
  for (let at = firstIfd; at !== 0 && pages < MAX_PAGES_COUNTED; at = u32(at + 2 + u16(at) * 12)) {
    if (seen.has(at) || at + 2 > buffer.length) break;
    seen.add(at);
    pages += 1;
  }

  const tags = new Map<number, Entry>();
  const entries = u16(firstIfd);
  for (let i = 0; i < entries; i++) {
    const at = firstIfd + 2 + i * 12;
    const type = u16(at + 2);
    const count = u32(at + 4);
    const size = (TYPE_SIZES[type] ?? 1) * count;
    tags.set(u16(at), { type, count, at: size <= 4 ? at + 8 : u32(at + 8) });
  }
  const values = (tag: number): number[] => {
    const entry = tags.get(tag);
    if (!entry) return [];
    const size = TYPE_SIZES[entry.type] ?? 1;
    return Array.from({ length: entry.count }, (_, i) => (size === 2 ? u16(entry.at + i * 2) : u32(entry.at + i * 4)));
  };
  const one = (tag: number, fallback: number) => values(tag)[0] ?? fallback;

  const width = one(256, 0);
  const height = one(257, 0);
  const bits = one(258, 1);
  const compression = one(259, 1);
  const samples = one(277, 1);
  const planar = one(284, 1);
  const sampleFormat = one(339, 1);
  if (sampleFormat !== 3 || (bits !== 32 && bits !== 64)) throw new Error('not a floating-point TIFF');
  if (compression !== 1 || tags.has(322)) throw new Error('compressed or tiled float TIFF');
  if (width <= 0 || height <= 0 || samples <= 0) throw new Error('bad TIFF size');

  const sampleBytes = bits / 8;
  const total = width * height * samples;
  const raw = Buffer.alloc(total * sampleBytes);
  const offsets = values(273);
  const counts = values(279);
  let filled = 0;
  for (let i = 0; i < offsets.length && filled < raw.length; i++) {
    const start = offsets[i];
    const end = Math.min(start + (counts[i] ?? 0), buffer.length);
    if (start >= end) throw new Error('truncated TIFF strip');
    filled += buffer.copy(raw, filled, start, end);
  }
  if (filled < raw.length) throw new Error('truncated TIFF data');
  const rawView = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const sample = (index: number) =>
    bits === 64 ? rawView.getFloat64(index * 8, little) : rawView.getFloat32(index * 4, little);
  // Planar (separate) data stores each channel as its own plane; chunky interleaves them.
  const indexOf = planar === 2 ? (pixel: number, channel: number) => channel * width * height + pixel : (pixel: number, channel: number) => pixel * samples + channel;

  const colourChannels = samples >= 3 ? 3 : 1;
  let min = Infinity;
  let max = -Infinity;
  for (let pixel = 0; pixel < width * height; pixel++) {
    for (let channel = 0; channel < colourChannels; channel++) {
      const value = sample(indexOf(pixel, channel));
      if (Number.isFinite(value)) {
        if (value < min) min = value;
        if (value > max) max = value;
      }
    }
  }
  const unitRange = min >= 0 && max <= 1;
  const low = unitRange ? 0 : min;
  const span = unitRange ? 1 : max - min || 1;
  const rgb = Buffer.alloc(width * height * 3);
  for (let pixel = 0; pixel < width * height; pixel++) {
    for (let channel = 0; channel < 3; channel++) {
      const value = sample(indexOf(pixel, colourChannels === 3 ? channel : 0));
      rgb[pixel * 3 + channel] = Number.isFinite(value) ? Math.round(Math.min(1, Math.max(0, (value - low) / span)) * 255) : 0;
    }
  }
  const notes = [
    unitRange
      ? `${bits}-bit floating-point samples (0–1) converted to 8-bit`
      : `${bits}-bit floating-point samples (${min.toPrecision(4)} to ${max.toPrecision(4)}) stretched to 8-bit`,
  ];
  if (colourChannels === 1) notes.push('greyscale shown as RGB');
  return { rgb, width, height, pages, notes };
}
