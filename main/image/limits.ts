// Size policy for photos (see decode.ts): anything up to MAX_INPUT_MEGAPIXELS opens; a decode never
// produces more than MAX_DECODED_MEGAPIXELS — larger photos are shrunk while streaming (libvips reads
// them line by line, so memory stays bounded) and get a note saying so.

/** Photos larger than this are refused with 'too-large' (header check, nothing decoded). */
export const MAX_INPUT_MEGAPIXELS = 500;
/** Upper bound on a decoded RgbImage (64 MP = 192 MB of RGB); bigger photos are downscaled to fit. */
export const MAX_DECODED_MEGAPIXELS = 64;

/** A decode still running after this long is abandoned (pathological files must not stall a job). */
export const DECODE_TIMEOUT_SECONDS = 120;

export const MAX_INPUT_PIXELS = MAX_INPUT_MEGAPIXELS * 1_000_000;
export const MAX_DECODED_PIXELS = MAX_DECODED_MEGAPIXELS * 1_000_000;

/** Image file extensions the library lists (lower case, with the dot). */
export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.jpe', '.png', '.webp', '.avif', '.gif', '.tif', '.tiff', '.heic', '.heif']);

export function hasImageExtension(file: string): boolean {
  const dot = file.lastIndexOf('.');
  return dot > 0 && IMAGE_EXTENSIONS.has(file.slice(dot).toLowerCase());
}

export function megapixels(width: number, height: number): string {
  const mp = (width * height) / 1_000_000;
  return mp >= 10 ? mp.toFixed(0) : mp.toFixed(1);
}
