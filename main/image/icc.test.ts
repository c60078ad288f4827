import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { photo } from '../testing/paths';
import { isSrgbProfile, largestConversionChange } from './icc';
import { openPhoto } from './open';
import { renderThumbnail } from './thumbnail';

const SRGB_TAGGED = photo('everyday/kde-Kite.jpg'); // "sRGB IEC61966-2.1", the usual camera/editor profile
const ADOBE_RGB = photo('everyday/rocket.jpg'); // "Adobe RGB (1998)": its conversion matters

async function profileOf(file: string): Promise<Buffer> {
  const { icc } = await sharp(file).metadata();
  if (!icc) throw new Error(`${file} has no profile`);
  return icc;
}

async function pixels(file: string, skipSrgbProfile: boolean): Promise<Buffer> {
  const opened = await openPhoto(file, { skipSrgbProfile });
  return (await opened.pipeline()).resize(160, 160, { fit: 'inside' }).raw().toBuffer();
}

function differences(a: Buffer, b: Buffer): { max: number; mean: number } {
  expect(a.length).toBe(b.length);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    max = Math.max(max, d);
    sum += d;
  }
  return { max, mean: sum / a.length };
}

describe('embedded sRGB profiles', () => {
  it('recognises a profile that converts to sRGB within one level, and only such profiles', async () => {
    const srgb = await profileOf(SRGB_TAGGED);
    expect(await largestConversionChange(srgb)).toBeLessThanOrEqual(1);
    expect(await isSrgbProfile(srgb)).toBe(true);
    const adobe = await profileOf(ADOBE_RGB);
    expect(await largestConversionChange(adobe)).toBeGreaterThan(10);
    expect(await isSrgbProfile(adobe)).toBe(false);
    // A profile lcms cannot read is ignored by sharp (no conversion), so skipping it changes nothing either.
    expect(await largestConversionChange(Buffer.from('not a profile at all'))).toBe(0);
  });

  it('skipping the conversion of an sRGB profile gives the same pixels', async () => {
    const { max } = differences(await pixels(SRGB_TAGGED, true), await pixels(SRGB_TAGGED, false));
    expect(max).toBeLessThanOrEqual(1);
  });

  it('an Adobe RGB photo is still converted, in thumbnails too', async () => {
    const converted = await pixels(ADOBE_RGB, false);
    expect(differences(await pixels(ADOBE_RGB, true), converted).max).toBe(0);
    const unconverted = await sharp(ADOBE_RGB, { ignoreIcc: true }).resize(160, 160, { fit: 'inside' }).raw().toBuffer();
    expect(differences(unconverted, converted).mean).toBeGreaterThan(2);
    // The very thumbnail a full conversion gives.
    const reference = await (await (await openPhoto(ADOBE_RGB)).pipeline()).resize(160, 160, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 80 }).toBuffer();
    expect((await renderThumbnail(ADOBE_RGB, 160)).equals(reference)).toBe(true);
  });
});
