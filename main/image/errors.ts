// Turns libvips/sharp and file-system failures into PhotoErrors with a code and a plain reason.
import { open } from 'node:fs/promises';
import { MAX_INPUT_MEGAPIXELS, megapixels } from './limits';
import { PhotoError } from './types';

const TRUNCATION = /premature end|truncated|unexpected end|out of data|end of (file|stream)|corrupt jpeg|invalid sos|huffman|not enough data|short read|read error|corrupt|unable to parse/i;

/** First bytes of a file (empty buffer when unreadable). */
export async function readHead(file: string, bytes = 64): Promise<Buffer> {
  try {
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(bytes);
      const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    return Buffer.alloc(0);
  }
}

/** What a file that libvips cannot identify actually holds, as far as its first bytes tell. */
export function describeUnknownContents(head: Buffer): { code: 'not-an-image' | 'unsupported-format'; reason: string } {
  const ascii = head.toString('latin1');
  if (ascii.startsWith('%PDF')) return { code: 'unsupported-format', reason: 'unsupported format (PDF document)' };
  if (ascii.startsWith('BM')) return { code: 'unsupported-format', reason: 'unsupported format (BMP)' };
  if (ascii.startsWith('8BPS')) return { code: 'unsupported-format', reason: 'unsupported format (Photoshop PSD)' };
  if (/^....ftyp(heic|heix|hevc|heim|heis|mif1|msf1)/s.test(ascii)) {
    return { code: 'unsupported-format', reason: 'unsupported format (HEIC; convert it to JPEG)' };
  }
  if (ascii.startsWith('\u0000\u0000\u0000\u000cjP') || ascii.startsWith('\u00ff\u000a')) {
    return { code: 'unsupported-format', reason: 'unsupported format (JPEG 2000 / JPEG XL)' };
  }
  if (head.length > 0 && isText(head)) return { code: 'not-an-image', reason: 'not an image (contents are text)' };
  return { code: 'not-an-image', reason: 'not an image (contents not recognised)' };
}

function isText(bytes: Buffer): boolean {
  for (const byte of bytes) {
    if (byte === 0) return false;
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) return false;
  }
  return true;
}

function formatLabel(format: string | undefined): string {
  switch (format) {
    case 'jpeg':
      return 'JPEG';
    case 'png':
      return 'PNG';
    case 'webp':
      return 'WebP';
    case 'gif':
      return 'GIF';
    case 'tiff':
      return 'TIFF';
    case 'avif':
      return 'AVIF';
    case 'heif':
      return 'AVIF/HEIF';
    default:
      return 'image';
  }
}

/** The format a file's first bytes announce (sharp's names), for messages about unreadable files. */
export function sniffFormat(head: Buffer): string | undefined {
  const ascii = head.toString('latin1');
  if (head[0] === 0xff && head[1] === 0xd8) return 'jpeg';
  if (ascii.startsWith('\u0089PNG')) return 'png';
  if (ascii.startsWith('GIF8')) return 'gif';
  if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') return 'webp';
  if (ascii.startsWith('II*\u0000') || ascii.startsWith('MM\u0000*')) return 'tiff';
  if (ascii.slice(4, 8) === 'ftyp') return 'heif';
  return undefined;
}

/** The refusal of a photo above MAX_INPUT_MEGAPIXELS (decided from its header, nothing decoded). */
export function tooLargeError(file: string, width: number, height: number): PhotoError {
  return new PhotoError(
    file,
    'too-large',
    `too large: ${width}×${height} is ${megapixels(width, height)} megapixels (limit ${MAX_INPUT_MEGAPIXELS} megapixels)`,
  );
}

/** Maps anything thrown while reading a photo to a PhotoError (PhotoErrors pass through). */
export async function toPhotoError(file: string, error: unknown, format?: string): Promise<PhotoError> {
  if (error instanceof PhotoError) return error;
  const fsCode = (error as NodeJS.ErrnoException | undefined)?.code;
  if (fsCode === 'ENOENT') return new PhotoError(file, 'not-found', 'file not found');
  if (fsCode === 'EACCES' || fsCode === 'EPERM') return new PhotoError(file, 'unreadable', 'permission denied');
  if (fsCode === 'EISDIR') return new PhotoError(file, 'unreadable', 'is a folder, not a file');
  const message = error instanceof Error ? error.message : String(error);
  if (/input file is missing/i.test(message)) return new PhotoError(file, 'not-found', 'file not found');
  if (/unsupported image format/i.test(message)) {
    const { code, reason } = describeUnknownContents(await readHead(file));
    return new PhotoError(file, code, reason);
  }
  if (/^timeout: /i.test(message)) return new PhotoError(file, 'unreadable', 'took too long to decode (gave up)');
  if (/pixel limit/i.test(message)) return new PhotoError(file, 'too-large', 'too large (exceeds the pixel limit)');
  if (/samples out of range/i.test(message)) {
    return new PhotoError(file, 'unsupported-format', 'unsupported TIFF (sample type or bit depth not supported)');
  }
  if (/unsupported (codec|feature)|no decoder|compression format has not been built/i.test(message)) {
    const variant = formatLabel(format ?? sniffFormat(await readHead(file, 16)));
    return new PhotoError(file, 'unsupported-format', `unsupported ${variant} variant (${firstLine(message)})`);
  }
  const knownFormat = format ?? sniffFormat(await readHead(file, 16));
  if (TRUNCATION.test(message)) {
    return new PhotoError(file, 'truncated', `truncated or corrupt ${formatLabel(knownFormat)} data`);
  }
  return new PhotoError(file, 'unreadable', `unreadable ${formatLabel(knownFormat)} data (${firstLine(message)})`);
}

function firstLine(message: string): string {
  const line = message.split('\n').find((part) => part.trim() !== '') ?? message;
  return line.trim().slice(0, 160);
}
