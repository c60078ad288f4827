// One thumbnail: upright JPEG fitting inside size×size, shrunk while decoding where the format allows.
// An embedded profile that is sRGB to within a level is not converted (see icc.ts): same picture, less work.
import { toPhotoError } from './errors';
import { openPhoto } from './open';

export const THUMBNAIL_QUALITY = 80;

export async function renderThumbnail(file: string, size: number): Promise<Buffer> {
  const opened = await openPhoto(file, { maxSide: size, skipSrgbProfile: true });
  try {
    return await (await opened.pipeline())
      .resize(size, size, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: THUMBNAIL_QUALITY })
      .toBuffer();
  } catch (error) {
    throw await toPhotoError(file, error, opened.info.format);
  }
}
