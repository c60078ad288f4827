import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodePhoto } from './decode';
import { rgbPng } from './png-bytes';
import { PhotoError } from './types';

// A PNG header claiming 40000×20000 (800 MP): refused from the header, nothing is decoded.
function pngHeader(width: number, height: number): Buffer {
  return rgbPng(width, height, deflateSync(Buffer.alloc(64)));
}

describe('pixel limit', () => {
  it('refuses photos above the input limit with too-large, naming megapixels and the limit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'convscope-limit-'));
    try {
      const file = join(dir, 'enormous.png');
      await writeFile(file, pngHeader(40000, 20000));
      const error = await decodePhoto(file, { maxSide: 512 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PhotoError);
      expect((error as PhotoError).code).toBe('too-large');
      expect((error as PhotoError).reason).toBe('too large: 40000×20000 is 800 megapixels (limit 500 megapixels)');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
