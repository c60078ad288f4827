/** An upright (EXIF applied), 8-bit, 3-channel RGB image in row-major HWC order. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface PhotoInfo {
  path: string;
  /** sharp's format name: jpeg, png, webp, gif, tiff, heif (avif), ... */
  format: string;
  /** Upright size of the original file (what the user sees). */
  width: number;
  height: number;
  /** Things the user should know: "first page of 3 used", "CMYK converted to RGB", "downscaled from …". */
  notes: string[];
}

export type PhotoErrorCode =
  | 'not-found'
  | 'empty-file'
  | 'not-an-image'
  | 'unsupported-format'
  | 'truncated'
  | 'too-large'
  | 'unreadable';

/** A photo that cannot be used. The message always names the file and the reason. */
export class PhotoError extends Error {
  constructor(
    readonly file: string,
    readonly code: PhotoErrorCode,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'PhotoError';
  }
}
