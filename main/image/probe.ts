// What `convscope scan` reports per file: a real (small, shrink-on-load) decode, so a file that looks
// fine in its header but is cut off is reported as an error.
import { basename } from 'node:path';
import { stat } from 'node:fs/promises';
import { decodePhoto } from './decode';
import { toPhotoError } from './errors';
import { MAX_DECODED_MEGAPIXELS, MAX_DECODED_PIXELS, megapixels } from './limits';

export interface ScanEntry {
  path: string;
  name: string;
  format: string | null;
  width: number | null;
  /** Upright size. */
  height: number | null;
  bytes: number;
  status: 'ok' | 'error';
  reason?: string;
  code?: string;
  notes: string[];
}

const PROBE_SIDE = 64;

export async function probePhoto(file: string): Promise<ScanEntry> {
  const entry: ScanEntry = { path: file, name: basename(file), format: null, width: null, height: null, bytes: 0, status: 'ok', notes: [] };
  try {
    entry.bytes = (await stat(file)).size;
    const { info } = await decodePhoto(file, { maxSide: PROBE_SIDE });
    entry.format = info.format;
    entry.width = info.width;
    entry.height = info.height;
    // The probe's own downscale is not news to the user.
    entry.notes = info.notes.filter((note) => !note.startsWith('downscaled from'));
    if (info.width * info.height > MAX_DECODED_PIXELS) {
      entry.notes.push(`${megapixels(info.width, info.height)} megapixels: opened downscaled to at most ${MAX_DECODED_MEGAPIXELS} megapixels`);
    }
  } catch (error) {
    const photoError = await toPhotoError(file, error);
    entry.status = 'error';
    entry.code = photoError.code;
    entry.reason = photoError.reason;
  }
  return entry;
}
