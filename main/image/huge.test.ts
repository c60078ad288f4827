// Own file so the process's peak RSS (getrusage maxRSS) reflects only this decode.
import { describe, expect, it } from 'vitest';
import { photo } from '../testing/paths';
import { decodePhoto } from './decode';
import { MAX_DECODED_PIXELS } from './limits';
import { probePhoto } from './probe';

const HUGE = photo('awkward/huge-20000x16000.png');
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

describe('huge-20000x16000.png (320 megapixels)', () => {
  it('decodes downscaled to maxSide while streaming, keeping memory far below the full 960 MB', async () => {
    const { image, info } = await decodePhoto(HUGE, { maxSide: 1024 });
    expect([image.width, image.height]).toEqual([1024, 819]);
    expect([info.width, info.height]).toEqual([20000, 16000]);
    expect(info.notes).toContain('downscaled from 20000×16000 to 1024×819');
    // A full decode alone needs 960 MB; measured ≈ 200 MB outside vitest.
    expect(peakRssMb()).toBeLessThan(500);
  });

  it('without maxSide is capped at the decoded-pixel limit, never full size', async () => {
    const { image, info } = await decodePhoto(HUGE);
    expect(image.width * image.height).toBeLessThanOrEqual(MAX_DECODED_PIXELS);
    expect(image.width / image.height).toBeCloseTo(20000 / 16000, 2);
    expect(info.notes.some((note) => note.startsWith('downscaled from 20000×16000'))).toBe(true);
    // 64 MP of RGB is 192 MB; measured ≈ 350 MB outside vitest, a full decode ≈ 1 GB.
    expect(peakRssMb()).toBeLessThan(850);
  });

  it('probes as ok with a note about its size', async () => {
    const entry = await probePhoto(HUGE);
    expect(entry.status).toBe('ok');
    expect([entry.width, entry.height]).toEqual([20000, 16000]);
    expect(entry.notes.join()).toMatch(/320 megapixels/);
    expect(peakRssMb()).toBeLessThan(850);
  });
});
