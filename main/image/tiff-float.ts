// Floating-point TIFFs come from scientific tools (tifffile, scikit-image). libvips refuses 64-bit ones
// ("samples out of range"), reads float RGB as linear scRGB and float grey as 0..255 (so 0..1 data shows
// black). This reads the first page of an UNCOMPRESSED float TIFF (32 or 64 bit, chunky or planar) and
// treats samples as display values: 0..1 → 0..255, any other range stretched min..max, with a note.
//
// It runs in the main process (thumbnails, the media route, photo:info), so it must never hold the event
// loop or memory hostage: the header is read on its own (probing decodes nothing), pixels are read from
// the file a block of rows at a time, the work yields to the event loop every few milliseconds, and a
// photo bigger than the decoded-pixel cap (or than a caller's `maxSide` needs) is read with a stride —
// one sample from the middle of every stride×stride block — so the output never exceeds
// MAX_DECODED_PIXELS and no full-resolution buffer is ever allocated.
import { open, type FileHandle } from 'node:fs/promises';
import { endianness } from 'node:os';
import { tooLargeError } from './errors';
import { DECODE_TIMEOUT_SECONDS, MAX_DECODED_PIXELS, MAX_INPUT_PIXELS } from './limits';
import { PhotoError } from './types';

const MAX_PAGES_COUNTED = 10_000;
/** Tag values (strip tables) larger than this are not a file we read by hand. */
const MAX_TAG_BYTES = 64 * 1024 * 1024;
/** Longer rows (absurd channel counts) are left to libvips. */
const MAX_ROW_BYTES = 64 * 1024 * 1024;
/** Bytes asked of the file per read while decoding (several rows at once). */
const READ_BLOCK_BYTES = 4 * 1024 * 1024;
/** Rows skipped by a stride are read along (one read for several rows) while the gap is below this. */
const READ_THROUGH_BYTES = 128 * 1024;
/** Longest run of pixel work between yields to the event loop. */
const SLICE_MS = 8;

export function isTiff(head: Buffer): boolean {
  const magic = head.toString('latin1', 0, 4);
  return magic === 'II*\u0000' || magic === 'MM\u0000*';
}

/** What the first IFD says, plus where the pixel bytes are: enough to decode without re-reading it. */
export interface FloatTiffHeader {
  file: string;
  width: number;
  height: number;
  pages: number;
  bits: 32 | 64;
  samples: number;
  /** 1 chunky (interleaved), 2 planar (one plane per channel). */
  planar: number;
  little: boolean;
  /** Pixel data: these byte ranges of the file, concatenated (each clamped to the file's end). */
  strips: { offset: number; length: number }[];
}

export interface FloatTiff {
  /** 8-bit RGB, row-major, `width`×`height` (smaller than the file's pixels when read with a stride). */
  rgb: Buffer;
  width: number;
  height: number;
  /** Size of the first page in the file. */
  sourceWidth: number;
  sourceHeight: number;
  /** 1 for a full read, else one sample per stride×stride block. */
  stride: number;
  pages: number;
  notes: string[];
}

export interface FloatTiffReadOptions {
  /** The caller shrinks the result to fit this: a stride keeps at least twice this many samples per side. */
  maxSide?: number;
}

interface Entry {
  type: number;
  count: number;
  /** File offset of the value bytes (inline or pointed to). */
  at: number;
}

const TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8 };

function truncated(file: string): PhotoError {
  return new PhotoError(file, 'truncated', 'truncated or corrupt TIFF data');
}

async function readAt(handle: FileHandle, at: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, at);
  if (bytesRead < length) throw new Error('TIFF structure points past the end of the file');
  return buffer;
}

/**
 * Reads the first IFD only: throws a plain Error when the file is not an uncompressed float TIFF (left to
 * libvips), a PhotoError when it is one that cannot be used (too many pixels, pixel data missing).
 */
export async function readFloatTiffHeader(file: string): Promise<FloatTiffHeader> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const head = await readAt(handle, 0, 8).catch(() => Buffer.alloc(0));
    if (!isTiff(head)) throw new Error('not a TIFF');
    const little = head[0] === 0x49;
    const u16 = (buffer: Buffer, at: number) => (little ? buffer.readUInt16LE(at) : buffer.readUInt16BE(at));
    const u32 = (buffer: Buffer, at: number) => (little ? buffer.readUInt32LE(at) : buffer.readUInt32BE(at));

    const firstIfd = u32(head, 4);
    const entries = u16(await readAt(handle, firstIfd, 2), 0);
    const ifd = await readAt(handle, firstIfd + 2, entries * 12 + 4);
    const tags = new Map<number, Entry>();
    for (let i = 0; i < entries; i++) {
      const at = i * 12;
      const type = u16(ifd, at + 2);
      const count = u32(ifd, at + 4);
      const bytes = (TYPE_SIZES[type] ?? 1) * count;
      tags.set(u16(ifd, at), { type, count, at: bytes <= 4 ? firstIfd + 2 + at + 8 : u32(ifd, at + 8) });
    }
    const values = async (tag: number): Promise<number[]> => {
      const entry = tags.get(tag);
      if (!entry || entry.count === 0) return [];
      const width = TYPE_SIZES[entry.type] ?? 1;
      if (width * entry.count > MAX_TAG_BYTES) throw new Error('TIFF tag too large');
      const raw = await readAt(handle, entry.at, width * entry.count);
      return Array.from({ length: entry.count }, (_, i) => (width === 1 ? raw[i] : width === 2 ? u16(raw, i * 2) : u32(raw, i * 4)));
    };
    const one = async (tag: number, fallback: number) => (await values(tag))[0] ?? fallback;

    const width = await one(256, 0);
    const height = await one(257, 0);
    const bits = await one(258, 1);
    const compression = await one(259, 1);
    const samples = await one(277, 1);
    const planar = await one(284, 1);
    const sampleFormat = await one(339, 1);
    if (sampleFormat !== 3 || (bits !== 32 && bits !== 64)) throw new Error('not a floating-point TIFF');
    if (compression !== 1 || tags.has(322)) throw new Error('compressed or tiled float TIFF');
    if (width <= 0 || height <= 0 || samples <= 0) throw new Error('bad TIFF size');
    if (width * height > MAX_INPUT_PIXELS) throw tooLargeError(file, width, height);
    if (width * samples * (bits / 8) > MAX_ROW_BYTES) throw new Error('TIFF rows too long to read by hand');

    const offsets = await values(273);
    const counts = await values(279);
    const needed = width * height * samples * (bits / 8);
    const strips: FloatTiffHeader['strips'] = [];
    let available = 0;
    for (let i = 0; i < offsets.length && available < needed; i++) {
      if (!counts[i]) throw new Error('TIFF strip without a byte count');
      const length = Math.min(counts[i], size - offsets[i]);
      if (length <= 0) throw truncated(file);
      strips.push({ offset: offsets[i], length });
      available += length;
    }
    if (available < needed) throw truncated(file);

    let pages = 0;
    const seen = new Set<number>();
    for (let at = firstIfd; at !== 0 && pages < MAX_PAGES_COUNTED; ) {
      if (seen.has(at) || at + 2 > size) break;
      seen.add(at);
      pages += 1;
      const count = u16(await readAt(handle, at, 2), 0);
      if (at + 2 + count * 12 + 4 > size) break;
      at = u32(await readAt(handle, at + 2 + count * 12, 4), 0);
    }
    return { file, width, height, pages, bits, samples, planar, little, strips };
  } finally {
    await handle.close();
  }
}

/**
 * Sampling step for a `width`×`height` photo: the smallest that keeps the output within
 * MAX_DECODED_PIXELS and, when `maxSide` is given, at least twice `maxSide` samples on the long side.
 */
export function floatTiffStride(width: number, height: number, maxSide = Infinity): number {
  let stride = Math.max(1, Math.floor(Math.max(width, height) / (2 * maxSide)));
  while (Math.ceil(width / stride) * Math.ceil(height / stride) > MAX_DECODED_PIXELS) stride += 1;
  return stride;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function readFloatTiff(file: string, options: FloatTiffReadOptions = {}): Promise<FloatTiff> {
  return decodeFloatTiff(await readFloatTiffHeader(file), options);
}

export async function decodeFloatTiff(header: FloatTiffHeader, options: FloatTiffReadOptions = {}): Promise<FloatTiff> {
  const { file, width, height, bits, samples, planar, little, pages } = header;
  if (width * height > MAX_INPUT_PIXELS) throw tooLargeError(file, width, height);
  const stride = floatTiffStride(width, height, options.maxSide);
  const outWidth = Math.ceil(width / stride);
  const outHeight = Math.ceil(height / stride);
  const colourChannels = samples >= 3 ? 3 : 1;
  const sampleBytes = bits / 8;
  const separate = planar === 2;
  // Planar data stores each channel as its own plane; chunky interleaves them.
  const rowBytes = width * (separate ? 1 : samples) * sampleBytes;
  const pitch = separate ? 1 : samples;
  const planes = separate ? colourChannels : 1;
  const swap = little !== (endianness() === 'LE');
  // Source column of each output column: the middle of its block.
  const columns = new Uint32Array(outWidth);
  for (let x = 0; x < outWidth; x++) columns[x] = Math.min(width - 1, x * stride + (stride >> 1)) * pitch;
  const sourceRow = (y: number) => Math.min(height - 1, y * stride + (stride >> 1));
  // Output rows per read: several, reading the skipped rows along, unless the gaps are large.
  const rowsPerRead = (stride - 1) * rowBytes <= READ_THROUGH_BYTES ? Math.max(1, Math.floor(READ_BLOCK_BYTES / (stride * rowBytes))) : 1;

  const starts: number[] = [];
  let total = 0;
  for (const strip of header.strips) {
    starts.push(total);
    total += strip.length;
  }
  const handle = await open(file, 'r');
  const deadline = performance.now() + DECODE_TIMEOUT_SECONDS * 1000;
  let sliceStart = performance.now();

  /** Fills `target` with the concatenated strip bytes from `virtual` on. */
  const readVirtual = async (virtual: number, target: Buffer) => {
    let strip = 0;
    for (let lo = 0, hi = starts.length - 1; lo <= hi; ) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] <= virtual) {
        strip = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    for (let filled = 0; filled < target.length; strip += 1) {
      if (strip >= header.strips.length) throw truncated(file);
      const inStrip = virtual + filled - starts[strip];
      const length = Math.min(header.strips[strip].length - inStrip, target.length - filled);
      const { bytesRead } = await handle.read(target, filled, length, header.strips[strip].offset + inStrip);
      if (bytesRead < length) throw truncated(file);
      filled += length;
    }
  };

  /** Calls `visit(outY, planeRows, base)` for every output row; sample (x, c) is planeRows[c][columns[x] + base[c]]. */
  const eachRow = async (visit: (y: number, rows: (Float32Array | Float64Array)[], base: number[]) => void) => {
    const buffers = Array.from({ length: planes }, () => Buffer.alloc(((rowsPerRead - 1) * stride + 1) * rowBytes));
    const base = Array.from({ length: colourChannels }, (_, c) => (separate ? 0 : c));
    for (let y = 0; y < outHeight; y += rowsPerRead) {
      const first = sourceRow(y);
      const count = Math.min(rowsPerRead, outHeight - y);
      const spanned = sourceRow(y + count - 1) - first + 1;
      for (let plane = 0; plane < planes; plane++) {
        const target = buffers[plane].subarray(0, spanned * rowBytes);
        await readVirtual((plane * height + first) * rowBytes, target);
        if (swap) (bits === 64 ? target.swap64() : target.swap32());
      }
      for (let row = 0; row < count; row++) {
        const at = (sourceRow(y + row) - first) * rowBytes;
        const views = buffers.map((buffer) =>
          bits === 64 ? new Float64Array(buffer.buffer, buffer.byteOffset + at, rowBytes / 8) : new Float32Array(buffer.buffer, buffer.byteOffset + at, rowBytes / 4),
        );
        visit(y + row, Array.from({ length: colourChannels }, (_, c) => views[separate ? c : 0]), base);
        if (performance.now() - sliceStart > SLICE_MS) {
          if (performance.now() > deadline) throw new Error('timeout: float TIFF decode took too long');
          await yieldToEventLoop();
          sliceStart = performance.now();
        }
      }
    }
  };

  try {
    let min = Infinity;
    let max = -Infinity;
    await eachRow((_, rows, base) => {
      for (let c = 0; c < colourChannels; c++) {
        const values = rows[c];
        const offset = base[c];
        for (let x = 0; x < outWidth; x++) {
          const value = values[columns[x] + offset];
          if (Number.isFinite(value)) {
            if (value < min) min = value;
            if (value > max) max = value;
          }
        }
      }
    });
    const unitRange = min >= 0 && max <= 1;
    const low = unitRange ? 0 : min;
    const span = unitRange ? 1 : max - min || 1;
    const rgb = Buffer.alloc(outWidth * outHeight * 3);
    await eachRow((y, rows, base) => {
      for (let c = 0; c < 3; c++) {
        const channel = colourChannels === 3 ? c : 0;
        const values = rows[channel];
        const offset = base[channel];
        for (let x = 0, at = y * outWidth * 3 + c; x < outWidth; x++, at += 3) {
          const value = values[columns[x] + offset];
          rgb[at] = Number.isFinite(value) ? Math.round(Math.min(1, Math.max(0, (value - low) / span)) * 255) : 0;
        }
      }
    });
    const notes = [floatNote(bits, unitRange ? 'unit' : { min, max })];
    if (colourChannels === 1) notes.push('greyscale shown as RGB');
    return { rgb, width: outWidth, height: outHeight, sourceWidth: width, sourceHeight: height, stride, pages, notes };
  } finally {
    await handle.close();
  }
}

/** The note about sample values: 0..1, a stretched range, or (header only, values not read yet) neither. */
export function floatNote(bits: number, range?: 'unit' | { min: number; max: number }): string {
  if (range === 'unit') return `${bits}-bit floating-point samples (0–1) converted to 8-bit`;
  if (range) return `${bits}-bit floating-point samples (${range.min.toPrecision(4)} to ${range.max.toPrecision(4)}) stretched to 8-bit`;
  return `${bits}-bit floating-point samples converted to 8-bit`;
}
