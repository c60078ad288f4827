import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photo } from '../testing/paths';
import { decodePhoto, fitSize, resizeRgb } from './decode';
import { encodeJpeg, encodePng } from './encode';
import { MAX_DECODED_PIXELS } from './limits';
import { PhotoError, type RgbImage } from './types';

function meanColour(img: RgbImage): [number, number, number] {
  const sums = [0, 0, 0];
  for (let i = 0; i < img.data.length; i += 3) for (let c = 0; c < 3; c++) sums[c] += img.data[i + c];
  const n = img.width * img.height;
  return [sums[0] / n, sums[1] / n, sums[2] / n];
}

function meanAbsDiff(a: RgbImage, b: RgbImage): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i] - b.data[i]);
  return sum / a.data.length;
}

async function expectPhotoError(promise: Promise<unknown>, code: string, reason?: RegExp): Promise<PhotoError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PhotoError);
  const photoError = error as PhotoError;
  expect(photoError.code).toBe(code);
  if (reason) expect(photoError.reason).toMatch(reason);
  expect(photoError.message).toContain(photoError.file);
  return photoError;
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'convscope-decode-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('decodePhoto: orientation', () => {
  it('turns exif-orientation-6.jpg upright: 451×300, the same picture as chelsea.png', async () => {
    const { image, info } = await decodePhoto(photo('awkward/exif-orientation-6.jpg'));
    expect([image.width, image.height]).toEqual([451, 300]);
    expect([info.width, info.height]).toEqual([451, 300]);
    expect(info.notes.join()).toMatch(/EXIF orientation 6/);
    const chelsea = (await decodePhoto(photo('everyday/chelsea.png'))).image;
    // Upright it matches the cat pixel for pixel (JPEG noise only); sideways it would not.
    expect(meanAbsDiff(image, chelsea)).toBeLessThan(4);
    const sideways = await sharp(photo('awkward/exif-orientation-6.jpg'), { autoOrient: false })
      .resize(451, 300, { fit: 'fill' })
      .raw()
      .toBuffer();
    expect(meanAbsDiff({ data: sideways, width: 451, height: 300 }, chelsea)).toBeGreaterThan(20);
  });

  it('keeps the ORIGINAL upright size in info when downscaling, and never enlarges', async () => {
    const { image, info } = await decodePhoto(photo('awkward/exif-orientation-6.jpg'), { maxSide: 100 });
    expect([image.width, image.height]).toEqual([100, 67]);
    expect([info.width, info.height]).toEqual([451, 300]);
    expect(info.notes).toContain('downscaled from 451×300 to 100×67');
    const small = await decodePhoto(photo('awkward/one-pixel.png'), { maxSide: 512 });
    expect([small.image.width, small.image.height]).toEqual([1, 1]);
    expect(small.info.notes.some((n) => n.startsWith('downscaled'))).toBe(false);
  });

  it('fits extreme aspect ratios inside maxSide with at least one pixel', async () => {
    const { image, info } = await decodePhoto(photo('awkward/panorama-8000x300.jpg'), { maxSide: 400 });
    expect([image.width, image.height]).toEqual([400, 15]);
    expect([info.width, info.height]).toEqual([8000, 300]);
    expect(fitSize(8000, 3, 64)).toEqual({ width: 64, height: 1 });
    const capped = fitSize(20000, 16000);
    expect(capped.width * capped.height).toBeLessThanOrEqual(MAX_DECODED_PIXELS);
  });
});

describe('decodePhoto: colour and layout', () => {
  it('converts CMYK to plausible RGB: the same picture as everyday/coffee.png', async () => {
    const { image, info } = await decodePhoto(photo('awkward/cmyk.jpg'));
    expect([image.width, image.height]).toEqual([600, 400]);
    expect(image.data.length).toBe(600 * 400 * 3);
    expect(info.notes).toContain('CMYK converted to RGB');
    // cmyk.jpg is coffee.png in CMYK; inverted or raw CMYK values would be ~100 away.
    const coffee = (await decodePhoto(photo('everyday/coffee.png'), { maxSide: 600 })).image;
    expect(meanAbsDiff(image, coffee)).toBeLessThan(12);
    const [r, , b] = meanColour(image);
    expect(r).toBeGreaterThan(b + 40);
  });

  it('reduces 16-bit greyscale to 8-bit RGB, stretching data that only uses 8 bits', async () => {
    const file = photo('awkward/chessboard_GRAY_U16.tif');
    const original = await sharp(file).toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer();
    const values16 = new Uint16Array(original.buffer, original.byteOffset, original.length / 2);
    const { image, info } = await decodePhoto(file);
    expect([image.width, image.height]).toEqual([200, 200]);
    expect(info.notes.join()).toMatch(/16-bit values only reach 255/);
    for (let i = 0; i < values16.length; i += 97) {
      const expected = values16[i]; // max is 255, so the stretch maps v → v
      for (let c = 0; c < 3; c++) expect(Math.abs(image.data[i * 3 + c] - expected)).toBeLessThanOrEqual(1);
    }
    expect(Math.max(...image.data)).toBe(255);
  });

  it('reduces full-range 16-bit RGB to the same 8-bit picture', async () => {
    const file = join(tmp, 'chelsea16.png');
    await sharp(photo('everyday/chelsea.png')).toColourspace('rgb16').png().toFile(file);
    expect((await sharp(file).metadata()).depth).toBe('ushort');
    const sixteen = await decodePhoto(file);
    const eight = await decodePhoto(photo('everyday/chelsea.png'));
    expect(meanAbsDiff(sixteen.image, eight.image)).toBeLessThan(0.6);
    expect(sixteen.info.notes).toContain('16-bit samples reduced to 8-bit');
  });

  it('expands greyscale and palette PNGs to 3 channels', async () => {
    const grey = await decodePhoto(photo('awkward/camera.png'));
    expect(grey.image.data.length).toBe(512 * 512 * 3);
    for (let i = 0; i < grey.image.data.length; i += 3 * 1013) {
      expect(grey.image.data[i]).toBe(grey.image.data[i + 1]);
      expect(grey.image.data[i]).toBe(grey.image.data[i + 2]);
    }
    const palette = await decodePhoto(photo('awkward/palette_color.png'));
    expect(palette.image.data.length).toBe(10 * 10 * 3);
    const direct = await sharp(photo('awkward/palette_color.png')).removeAlpha().raw().toBuffer();
    expect(Buffer.from(palette.image.data).equals(direct)).toBe(true);
  });

  it('drops the (fully opaque) alpha of logo.png without changing colours', async () => {
    const { image, info } = await decodePhoto(photo('awkward/logo.png'));
    expect(image.data.length).toBe(500 * 500 * 3);
    expect(info.notes).toContain('alpha channel flattened onto white');
    const rgb = await sharp(photo('awkward/logo.png')).removeAlpha().raw().toBuffer();
    expect(Buffer.from(image.data).equals(rgb)).toBe(true);
  });

  it('flattens transparent pixels onto white', async () => {
    const file = join(tmp, 'rgba.png');
    const pixels = Buffer.from([255, 0, 0, 0, 255, 0, 0, 128, 0, 0, 255, 255]);
    await sharp(pixels, { raw: { width: 3, height: 1, channels: 4 } }).png().toFile(file);
    const { image } = await decodePhoto(file);
    expect(Array.from(image.data.subarray(0, 3))).toEqual([255, 255, 255]);
    const half = Array.from(image.data.subarray(3, 6));
    expect(half[0]).toBe(255);
    expect(Math.abs(half[1] - 127)).toBeLessThanOrEqual(1);
    expect(Math.abs(half[2] - 127)).toBeLessThanOrEqual(1);
    expect(Array.from(image.data.subarray(6, 9))).toEqual([0, 0, 255]);
  });

  it('keeps pure red in channel 0', async () => {
    const file = join(tmp, 'red.png');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 255, g: 0, b: 0 } } }).png().toFile(file);
    const { image } = await decodePhoto(file);
    expect(Array.from(image.data.subarray(0, 6))).toEqual([255, 0, 0, 255, 0, 0]);
  });

  it('decodes AVIF and WebP', async () => {
    const avif = await decodePhoto(photo('awkward/astronaut.avif'));
    expect([avif.info.format, avif.image.width, avif.image.height]).toEqual(['avif', 512, 512]);
    const webp = await decodePhoto(photo('awkward/rocket.webp'));
    expect([webp.info.format, webp.image.width, webp.image.height]).toEqual(['webp', 640, 427]);
    const jpeg = await decodePhoto(photo('everyday/rocket.jpg'));
    expect(meanAbsDiff(webp.image, jpeg.image)).toBeLessThan(6);
  });
});

describe('decodePhoto: pages and frames', () => {
  it('uses the first frame of an animated GIF and says so', async () => {
    const { image, info } = await decodePhoto(photo('awkward/no_time_for_that_tiny.gif'));
    expect([image.width, image.height]).toEqual([14, 25]);
    expect(info.notes).toContain('first of 24 frames used');
  });

  it('uses the first page of the 64-bit float multi-page TIFF (which libvips refuses)', async () => {
    const { image, info } = await decodePhoto(photo('awkward/multipage_rgb.tif'));
    expect([info.format, image.width, image.height]).toEqual(['tiff', 10, 10]);
    expect(info.notes).toContain('first of 2 pages used');
    expect(info.notes.join()).toMatch(/64-bit floating-point/);
    // The file holds random values in 0..1: the decoded page must not be flat.
    expect(new Set(image.data).size).toBeGreaterThan(50);
  });

  it('uses the first page of an ordinary multi-page TIFF', async () => {
    const page = (r: number, g: number, b: number) =>
      sharp({ create: { width: 6, height: 4, channels: 3, background: { r, g, b } } }).png().toBuffer();
    const file = join(tmp, 'three-pages.tif');
    await sharp([await page(0, 0, 255), await page(0, 255, 0), await page(255, 0, 0)], { join: { animated: true } })
      .tiff({ compression: 'lzw' })
      .toFile(file);
    const { image, info } = await decodePhoto(file);
    expect([image.width, image.height]).toEqual([6, 4]);
    expect(info.notes).toContain('first of 3 pages used');
    expect(Array.from(image.data.subarray(0, 3))).toEqual([0, 0, 255]);
  });
});

describe('decodePhoto: file names', () => {
  it('opens non-ASCII file names', async () => {
    const { image, info } = await decodePhoto(photo('awkward/café crème – été.jpg'));
    expect([image.width, image.height]).toEqual([600, 400]);
    expect(info.path.endsWith('café crème – été.jpg')).toBe(true);
  });

  it('opens UPPERCASE-EXT.JPEG', async () => {
    const { image } = await decodePhoto(photo('awkward/UPPERCASE-EXT.JPEG'));
    expect([image.width, image.height]).toEqual([451, 300]);
  });
});

describe('decodePhoto: errors', () => {
  it('missing file', async () => {
    await expectPhotoError(decodePhoto(photo('awkward/no-such-photo.jpg')), 'not-found', /file not found/);
  });
  it('zero bytes', async () => {
    await expectPhotoError(decodePhoto(photo('awkward/zero-bytes.jpg')), 'empty-file', /^empty file \(0 bytes\)$/);
  });
  it('text with a .jpg name, and a .txt file', async () => {
    await expectPhotoError(decodePhoto(photo('awkward/not-an-image.jpg')), 'not-an-image', /contents are text/);
    await expectPhotoError(decodePhoto(photo('awkward/notes.txt')), 'not-an-image', /contents are text/);
  });
  it('truncated.jpg is rejected', async () => {
    await expectPhotoError(decodePhoto(photo('awkward/truncated.jpg')), 'truncated', /truncated or corrupt JPEG data/);
  });
  it('a JPEG cut in the middle of its picture data is rejected, at full size and shrunk on load', async () => {
    const whole = await readFile(photo('everyday/kde-Kite.jpg'));
    const file = join(tmp, 'cut.jpg');
    await writeFile(file, whole.subarray(0, Math.floor(whole.length * 0.7)));
    expect((await sharp(file).metadata()).width).toBe(2560); // the header alone looks fine
    await expectPhotoError(decodePhoto(file), 'truncated', /JPEG/);
    await expectPhotoError(decodePhoto(file, { maxSide: 64 }), 'truncated', /JPEG/);
  });
  it('a PNG cut short is rejected', async () => {
    const whole = await readFile(photo('everyday/coffee.png'));
    const file = join(tmp, 'cut.png');
    await writeFile(file, whole.subarray(0, Math.floor(whole.length * 0.5)));
    await expectPhotoError(decodePhoto(file), 'truncated', /PNG/);
  });
  it('a folder is not a photo', async () => {
    await expectPhotoError(decodePhoto(photo('awkward/nested')), 'unreadable', /folder/);
  });
  it('formats outside the photo set are refused as unsupported', async () => {
    const svg = join(tmp, 'drawing.svg');
    await writeFile(svg, '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    await expectPhotoError(decodePhoto(svg), 'unsupported-format', /SVG/);
    const bmp = join(tmp, 'old.bmp');
    await writeFile(bmp, Buffer.concat([Buffer.from('BM'), Buffer.alloc(60)]));
    await expectPhotoError(decodePhoto(bmp), 'unsupported-format', /BMP/);
  });
  it('rejects a bad maxSide', async () => {
    await expect(decodePhoto(photo('everyday/chelsea.png'), { maxSide: 0 })).rejects.toThrow(RangeError);
  });
});

describe('encode and resize', () => {
  it('round-trips RGB through PNG exactly and RGBA keeps alpha', async () => {
    const { image } = await decodePhoto(photo('everyday/chelsea.png'));
    const png = await encodePng(image);
    const back = await decodePhoto(await writeTemp('back.png', png));
    expect(meanAbsDiff(back.image, image)).toBe(0);
    const rgba = { data: new Uint8Array([255, 0, 0, 128]), width: 1, height: 1, channels: 4 as const };
    const meta = await sharp(await encodePng(rgba)).metadata();
    expect([meta.channels, meta.hasAlpha]).toEqual([4, true]);
  });

  it('encodes JPEG close to the original', async () => {
    const { image } = await decodePhoto(photo('everyday/chelsea.png'));
    const jpeg = await encodeJpeg(image, 95);
    expect(jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const back = await decodePhoto(await writeTemp('back.jpg', jpeg));
    expect(meanAbsDiff(back.image, image)).toBeLessThan(3);
  });

  it('refuses a buffer that does not match its size', async () => {
    await expect(encodePng({ data: new Uint8Array(5), width: 2, height: 2 })).rejects.toThrow(/expected 2×2×3/);
  });

  it('resizeRgb gives exactly the requested size and keeps a flat colour', async () => {
    const flat: RgbImage = { data: new Uint8Array(30 * 20 * 3).fill(0).map((_, i) => [200, 100, 50][i % 3]), width: 30, height: 20 };
    const out = await resizeRgb(flat, 7, 11);
    expect([out.width, out.height, out.data.length]).toEqual([7, 11, 7 * 11 * 3]);
    expect(meanColour(out).map(Math.round)).toEqual([200, 100, 50]);
  });
});

async function writeTemp(name: string, data: Buffer): Promise<string> {
  const file = join(tmp, name);
  await writeFile(file, data);
  return file;
}

