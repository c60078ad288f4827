// What `convscope scan` reports per file: a real (small, shrink-on-load) decode, so a file that looks
// fine in its header but is cut off is reported as an error. Uncompressed float TIFFs are the exception:
// their header alone proves the pixel bytes are all there, and decoding them is work done in JavaScript
// in the main process, so they are probed from the header only.
import { basename } from 'node:path';
import { stat } from 'node:fs/promises';
import { decodeOpened } from './decode';
import { toPhotoError } from './errors';
import { openPhoto } from './open';
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
    const opened = await openPhoto(file, { maxSide: PROBE_SIDE });
    if (!opened.checkedFromHeader) await decodeOpened(opened, { maxSide: PROBE_SIDE });
    // The original's notes: the probe's own downscale is not news to the user.
    const { info } = opened;
    entry.format = info.format;
    entry.width = info.width;
    entry.height = info.height;
    entry.notes = [...info.notes];
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
