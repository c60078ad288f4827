// Opens a photo: checks the file, reads its header, and builds the one sharp pipeline that turns it into
// upright, 8-bit, 3-channel sRGB. decode.ts, thumbnail.ts and probe.ts all start here.
import { stat } from 'node:fs/promises';
import sharp, { type Metadata, type Sharp, type SharpOptions } from 'sharp';
import { toPhotoError, readHead, tooLargeError } from './errors';
import { isSrgbProfile } from './icc';
import { DECODE_TIMEOUT_SECONDS, MAX_INPUT_PIXELS } from './limits';
import { decodeFloatTiff, floatNote, isTiff, readFloatTiffHeader, type FloatTiff, type FloatTiffHeader } from './tiff-float';
import { PhotoError, type PhotoInfo } from './types';

/** Transparent areas are composited onto white (how photos with alpha usually appear on a page). */
export const FLATTEN_BACKGROUND = { r: 255, g: 255, b: 255 };

const SUPPORTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif']);
/** 16-bit data whose maximum stays below this was clearly not scaled to 16 bits (8- or 12-bit data). */
const SIXTEEN_BIT_STRETCH_BELOW = 4096;

export interface OpenOptions {
  /** The caller shrinks the photo to fit this; a reader that cannot shrink while decoding reads fewer pixels. */
  maxSide?: number;
  /**
   * Previews: skip converting from an embedded profile that is sRGB to within one level (icc.ts) — the
   * same picture, without a colour transform per photo. Full decodes keep the exact conversion.
   */
  skipSrgbProfile?: boolean;
}

export interface OpenedPhoto {
  /** Format, ORIGINAL upright size, notes. */
  info: PhotoInfo;
  /** Bytes on disk. */
  bytes: number;
  /**
   * A fresh pipeline giving upright 8-bit sRGB with 3 channels; add resize/output. Full resolution, except
   * float TIFFs (decoded by hand in tiff-float.ts): at most MAX_DECODED_PIXELS and, with `maxSide`, about
   * twice that on the long side. Resolving it may make info.notes more precise (what the pixels showed).
   */
  pipeline(): Promise<Sharp>;
  /** The header alone proved every pixel byte present, so a probe needs no decode (uncompressed float TIFF). */
  checkedFromHeader: boolean;
}

/** libvips options every read uses: fail on truncated or corrupt data, first page only, upright. */
function readOptions(ignoreIcc = false): SharpOptions {
  return { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS, autoOrient: true, page: 0, pages: 1, ignoreIcc };
}

export async function openPhoto(file: string, options: OpenOptions = {}): Promise<OpenedPhoto> {
  let bytes: number;
  try {
    const stats = await stat(file);
    if (stats.isDirectory()) throw new PhotoError(file, 'unreadable', 'is a folder, not a file');
    if (!stats.isFile()) throw new PhotoError(file, 'unreadable', 'not a regular file');
    bytes = stats.size;
  } catch (error) {
    throw await toPhotoError(file, error);
  }
  if (bytes === 0) throw new PhotoError(file, 'empty-file', 'empty file (0 bytes)');

  let meta: Metadata;
  try {
    meta = await sharp(file, { failOn: 'error', limitInputPixels: false }).metadata();
  } catch (error) {
    const photoError = await toPhotoError(file, error);
    if (photoError.code === 'unsupported-format' && isTiff(await readHead(file, 8))) {
      const own = await openFloatTiff(file, bytes, options);
      if (own) return own;
    }
    throw photoError;
  }
  if (meta.format === 'tiff' && (meta.depth === 'float' || meta.depth === 'double')) {
    // libvips reads float RGB as linear scRGB and float grey as 0..255: our reader treats both alike.
    const own = await openFloatTiff(file, bytes, options);
    if (own) return own;
  }
  return openWithSharp(file, bytes, meta, options);
}

async function openWithSharp(file: string, bytes: number, meta: Metadata, options: OpenOptions): Promise<OpenedPhoto> {
  const format = meta.format ?? 'unknown';
  if (!SUPPORTED_FORMATS.has(format)) {
    throw new PhotoError(file, 'unsupported-format', `unsupported format (${format.toUpperCase()})`);
  }
  if (format === 'heif' && meta.compression && meta.compression !== 'av1') {
    throw new PhotoError(file, 'unsupported-format', 'unsupported format (HEIC; convert it to JPEG)');
  }
  const storedWidth = meta.width ?? 0;
  const storedHeight = meta.height ?? 0;
  const orientation = meta.orientation ?? 1;
  const width = meta.autoOrient?.width ?? (orientation >= 5 ? storedHeight : storedWidth);
  const height = meta.autoOrient?.height ?? (orientation >= 5 ? storedWidth : storedHeight);
  if (width * height > MAX_INPUT_PIXELS) throw tooLargeError(file, width, height);

  const notes: string[] = [];
  const pages = meta.pages ?? 1;
  if (pages > 1) notes.push(`first of ${pages} ${format === 'tiff' ? 'pages' : 'frames'} used`);
  if (orientation > 1) notes.push(`turned upright (EXIF orientation ${orientation})`);
  if (meta.space === 'cmyk') notes.push('CMYK converted to RGB');
  if (meta.space === 'b-w' || meta.space === 'grey16' || meta.channels === 1 || meta.channels === 2) {
    notes.push('greyscale shown as RGB');
  }

  let stretch = 1;
  if (meta.depth === 'ushort') {
    try {
      const stats = await sharp(file, readOptions()).stats();
      const max = Math.max(...stats.channels.slice(0, meta.hasAlpha ? -1 : undefined).map((channel) => channel.max));
      if (max > 0 && max < SIXTEEN_BIT_STRETCH_BELOW) {
        stretch = 65535 / max;
        notes.push(`16-bit values only reach ${max} of 65535: scaled so ${max} becomes white`);
      } else {
        notes.push('16-bit samples reduced to 8-bit');
      }
    } catch (error) {
      throw await toPhotoError(file, error, format);
    }
  }
  if (meta.hasAlpha) notes.push('alpha channel flattened onto white');

  const ignoreIcc =
    options.skipSrgbProfile === true && meta.icc !== undefined && meta.space === 'srgb' && meta.depth === 'uchar' && (await isSrgbProfile(meta.icc));
  const channels = meta.channels ?? 3;
  const pipeline = async (): Promise<Sharp> => {
    let image = sharp(file, readOptions(ignoreIcc));
    if (stretch !== 1) {
      // Alpha must keep its scale; only colour channels are stretched.
      const gains = Array.from({ length: channels }, (_, i) => (meta.hasAlpha && i === channels - 1 ? 1 : stretch));
      image = image.linear(gains, new Array(channels).fill(0));
    }
    if (meta.hasAlpha) image = image.flatten({ background: FLATTEN_BACKGROUND });
    return image.toColourspace('srgb').removeAlpha().timeout({ seconds: DECODE_TIMEOUT_SECONDS });
  };
  // libvips calls every HEIF container "heif"; an AV1-coded one is what users know as AVIF.
  const shown = format === 'heif' && meta.compression === 'av1' ? 'avif' : format;
  return { info: { path: file, format: shown, width, height, notes }, bytes, pipeline, checkedFromHeader: false };
}

/**
 * Floating-point TIFFs (scientific data; libvips refuses 64-bit ones): the first page, read by
 * tiff-float.ts. Opening reads the header only; the pixels are read (bounded, in slices that let the event
 * loop run) when the pipeline is asked for. Null when that reader cannot handle the file (compressed, tiled, ...).
 */
async function openFloatTiff(file: string, bytes: number, options: OpenOptions): Promise<OpenedPhoto | null> {
  let header: FloatTiffHeader;
  try {
    header = await readFloatTiffHeader(file);
  } catch (error) {
    if (error instanceof PhotoError) throw error;
    return null;
  }
  const { width, height, pages } = header;
  const pageNotes = pages > 1 ? [`first of ${pages} pages used`] : [];
  const notes = [...pageNotes, floatNote(header.bits)];
  if (header.samples < 3) notes.push('greyscale shown as RGB');
  const info: PhotoInfo = { path: file, format: 'tiff', width, height, notes };
  let decoded: Promise<FloatTiff> | undefined;
  const pipeline = async (): Promise<Sharp> => {
    decoded ??= decodeFloatTiff(header, { maxSide: options.maxSide });
    const { rgb, width: rgbWidth, height: rgbHeight, notes: found } = await decoded;
    notes.splice(0, notes.length, ...pageNotes, ...found);
    return sharp(rgb, { raw: { width: rgbWidth, height: rgbHeight, channels: 3 } }).timeout({ seconds: DECODE_TIMEOUT_SECONDS });
  };
  return { info, bytes, pipeline, checkedFromHeader: true };
}
