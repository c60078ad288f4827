// Photos for the studio, for both hosts (Electron's custom scheme and the browser host's route):
// only files inside folders the user opened, always upright, always in a format every browser draws.
import { PhotoError } from '../image/types';
import type { FolderGuard } from '../library/guard';
import type { ThumbnailCache } from '../library/thumbnails';

/** The photo layer is drawn from this size at most; exports use the original file. */
export const DISPLAY_SIZE = 4096;
const THUMBNAIL_SIZES = [96, 128, 160, 192, 256, 320, 512];

export interface MediaResponse {
  status: number;
  contentType: string;
  body: Buffer | string;
}

export async function photoResponse(
  guard: FolderGuard,
  thumbnails: ThumbnailCache,
  requestedPath: string | null,
  thumbnailSize: string | null,
): Promise<MediaResponse> {
  if (!requestedPath) return text(400, 'missing path');
  const file = await guard.resolve(requestedPath);
  if (!file) return text(403, 'not inside a folder you opened');
  const size = thumbnailSize ? Number(thumbnailSize) : DISPLAY_SIZE;
  if (thumbnailSize && !THUMBNAIL_SIZES.includes(size)) return text(400, `thumbnail size must be one of ${THUMBNAIL_SIZES.join(', ')}`);
  try {
    return { status: 200, contentType: 'image/jpeg', body: await thumbnails.get(file, size) };
  } catch (error) {
    if (error instanceof PhotoError) return text(422, error.message);
    return text(500, error instanceof Error ? error.message : String(error));
  }
}

function text(status: number, body: string): MediaResponse {
  return { status, contentType: 'text/plain; charset=utf-8', body };
}
