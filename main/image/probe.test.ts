import { describe, expect, it } from 'vitest';
import { photo } from '../testing/paths';
import { probePhoto } from './probe';

type Expected = { status: 'ok'; format: string; size: [number, number]; note?: RegExp } | { status: 'error'; code: string; reason: RegExp };

// Every awkward file with what a truthful scan must say about it.
const AWKWARD: Record<string, Expected> = {
  'truncated.jpg': { status: 'error', code: 'truncated', reason: /^truncated or corrupt JPEG data$/ },
  'zero-bytes.jpg': { status: 'error', code: 'empty-file', reason: /^empty file \(0 bytes\)$/ },
  'not-an-image.jpg': { status: 'error', code: 'not-an-image', reason: /contents are text/ },
  'notes.txt': { status: 'error', code: 'not-an-image', reason: /contents are text/ },
  'exif-orientation-6.jpg': { status: 'ok', format: 'jpeg', size: [451, 300], note: /EXIF orientation 6/ },
  'cmyk.jpg': { status: 'ok', format: 'jpeg', size: [600, 400], note: /CMYK/ },
  'camera.png': { status: 'ok', format: 'png', size: [512, 512], note: /greyscale/ },
  'chessboard_GRAY_U16.tif': { status: 'ok', format: 'tiff', size: [200, 200], note: /16-bit/ },
  'palette_color.png': { status: 'ok', format: 'png', size: [10, 10] },
  'logo.png': { status: 'ok', format: 'png', size: [500, 500], note: /alpha/ },
  'multipage_rgb.tif': { status: 'ok', format: 'tiff', size: [10, 10], note: /first of 2 pages/ },
  'no_time_for_that_tiny.gif': { status: 'ok', format: 'gif', size: [14, 25], note: /first of 24 frames/ },
  'astronaut.avif': { status: 'ok', format: 'avif', size: [512, 512] },
  'rocket.webp': { status: 'ok', format: 'webp', size: [640, 427] },
  'huge-20000x16000.png': { status: 'ok', format: 'png', size: [20000, 16000], note: /320 megapixels/ },
  'one-pixel.png': { status: 'ok', format: 'png', size: [1, 1] },
  'panorama-8000x300.jpg': { status: 'ok', format: 'jpeg', size: [8000, 300] },
  'UPPERCASE-EXT.JPEG': { status: 'ok', format: 'jpeg', size: [451, 300] },
  'café crème – été.jpg': { status: 'ok', format: 'jpeg', size: [600, 400] },
  '.hidden-file.jpg': { status: 'ok', format: 'jpeg', size: [640, 427] },
  'nested/deeper/small-rocket.jpg': { status: 'ok', format: 'jpeg', size: [400, 267] },
};

describe('probePhoto on every awkward file', () => {
  for (const [name, expected] of Object.entries(AWKWARD)) {
    it(name, async () => {
      const entry = await probePhoto(photo('awkward', name));
      expect(entry.path).toBe(photo('awkward', name));
      expect(entry.name).toBe(name.split('/').pop());
      expect(entry.status).toBe(expected.status);
      if (expected.status === 'ok') {
        expect(entry.format).toBe(expected.format);
        expect([entry.width, entry.height]).toEqual(expected.size);
        expect(entry.bytes).toBeGreaterThan(0);
        if (expected.note) expect(entry.notes.join(' | ')).toMatch(expected.note);
        expect(entry.notes.some((note) => note.startsWith('downscaled from'))).toBe(false);
      } else {
        expect(entry.code).toBe(expected.code);
        expect(entry.reason).toMatch(expected.reason);
        expect([entry.format, entry.width, entry.height]).toEqual([null, null, null]);
      }
    });
  }

  it('a missing file is an error entry, not an exception', async () => {
    const entry = await probePhoto(photo('awkward/gone.jpg'));
    expect([entry.status, entry.code, entry.bytes]).toEqual(['error', 'not-found', 0]);
  });
});
