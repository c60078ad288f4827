import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodePhoto } from './decode';
import { PhotoError } from './types';

// A PNG header claiming 40000×20000 (800 MP): refused from the header, nothing is decoded.
function pngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(Buffer.alloc(64))), pngChunk('IEND', Buffer.alloc(0))]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
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
