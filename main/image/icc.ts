// Embedded ICC profiles that describe sRGB (most cameras and editors embed one): converting from such a
// profile to sRGB changes at most a level here and there, yet costs every photo a colour transform that
// lcms builds afresh each time — about 3–4 ms of a 20 ms thumbnail (vipsthumbnail does no conversion at
// all). Whether a profile is such a one is measured, not guessed from its name: a test image carrying the
// profile goes through the very conversion sharp applies to photos (embedded profile → sRGB, 8-bit,
// perceptual) and must come back within one level, for every level of every channel and a 32×32×32 cube
// of colours. (The common "sRGB IEC61966-2.1" profile moves 1% of those colours, all saturated, by
// exactly 1.) One test per distinct profile, cached by hash. Anything else keeps its conversion.
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { pngChunk, rgbPng, unfilteredRows } from './png-bytes';

const REMEMBERED_PROFILES = 64;
const verdicts = new Map<string, Promise<boolean>>();

const TEST_WIDTH = 256;
const CUBE = 32;
/** Rows 0–3: 0..255 in red, green, blue alone, then grey; then the cube, 256 colours a row. */
const TEST_HEIGHT = 4 + (CUBE * CUBE * CUBE) / TEST_WIDTH;

function testPixels(): Buffer {
  const pixels = Buffer.alloc(TEST_WIDTH * TEST_HEIGHT * 3);
  for (let level = 0; level < 256; level++) {
    for (let row = 0; row < 4; row++) {
      for (let channel = 0; channel < 3; channel++) {
        pixels[(row * TEST_WIDTH + level) * 3 + channel] = row === 3 || row === channel ? level : 0;
      }
    }
  }
  const step = (i: number) => Math.round((i * 255) / (CUBE - 1));
  let at = 4 * TEST_WIDTH * 3;
  for (let r = 0; r < CUBE; r++) {
    for (let g = 0; g < CUBE; g++) {
      for (let b = 0; b < CUBE; b++) {
        pixels[at++] = step(r);
        pixels[at++] = step(g);
        pixels[at++] = step(b);
      }
    }
  }
  return pixels;
}

/** An 8-bit RGB PNG of `pixels` with `icc` embedded (iCCP) but not applied. */
function pngWithProfile(pixels: Buffer, icc: Buffer): Buffer {
  const profile = pngChunk('iCCP', Buffer.concat([Buffer.from('icc\u0000\u0000', 'latin1'), deflateSync(icc)]));
  return rgbPng(TEST_WIDTH, TEST_HEIGHT, unfilteredRows(pixels, TEST_WIDTH, TEST_HEIGHT), [profile]);
}

/** Largest change of any 8-bit sample that converting from `icc` to sRGB makes to the test image. */
export async function largestConversionChange(icc: Buffer): Promise<number> {
  const pixels = testPixels();
  const out = await sharp(pngWithProfile(pixels, icc)).toColourspace('srgb').raw().toBuffer();
  if (out.length !== pixels.length) return 255;
  let largest = 0;
  for (let i = 0; i < out.length; i++) largest = Math.max(largest, Math.abs(out[i] - pixels[i]));
  return largest;
}

/**
 * True when converting 8-bit RGB pixels from `icc` to sRGB moves no sample by more than one level, so
 * a thumbnail can skip the conversion (sharp's `ignoreIcc`).
 */
export function isSrgbProfile(icc: Buffer): Promise<boolean> {
  const key = createHash('sha256').update(icc).digest('hex');
  let verdict = verdicts.get(key);
  if (!verdict) {
    verdict = largestConversionChange(icc).then((change) => change <= 1, () => false);
    if (verdicts.size >= REMEMBERED_PROFILES) verdicts.delete(verdicts.keys().next().value!);
    verdicts.set(key, verdict);
  }
  return verdict;
}
