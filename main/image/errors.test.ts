import { describe, expect, it } from 'vitest';
import { photo } from '../testing/paths';
import { describeUnknownContents, sniffFormat, toPhotoError } from './errors';
import { PhotoError } from './types';

describe('toPhotoError', () => {
  const file = photo('everyday/rocket.jpg');
  it('maps libvips messages to codes with plain reasons', async () => {
    const cases: [string, string, RegExp][] = [
      ['timeout: 78% complete\nVipsImage: killed for image "temp-13"', 'unreadable', /took too long/],
      ['Input image exceeds pixel limit', 'too-large', /pixel limit/],
      ['VipsJpeg: Premature end of JPEG file', 'truncated', /^truncated or corrupt JPEG data$/],
      ['heif: Unsupported feature: Unsupported codec (4.3000)', 'unsupported-format', /unsupported JPEG variant/],
      ['something new and odd', 'unreadable', /^unreadable JPEG data \(something new and odd\)$/],
    ];
    for (const [message, code, reason] of cases) {
      const error = await toPhotoError(file, new Error(message));
      expect([error.code, error.file]).toEqual([code, file]);
      expect(error.reason).toMatch(reason);
    }
  });

  it('passes PhotoErrors through and maps file-system codes', async () => {
    const original = new PhotoError(file, 'empty-file', 'empty file (0 bytes)');
    expect(await toPhotoError(file, original)).toBe(original);
    const denied = Object.assign(new Error('EACCES'), { code: 'EACCES' });
    expect((await toPhotoError(file, denied)).reason).toBe('permission denied');
  });

  it('names formats from their first bytes', () => {
    expect(sniffFormat(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffFormat(Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'))).toBe('png');
    expect(sniffFormat(Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1'))).toBe('webp');
    expect(sniffFormat(Buffer.from('hello'))).toBeUndefined();
    expect(describeUnknownContents(Buffer.from('\0\0\0\x18ftypheic', 'latin1')).reason).toMatch(/HEIC/);
    expect(describeUnknownContents(Buffer.from('%PDF-1.7')).code).toBe('unsupported-format');
    expect(describeUnknownContents(Buffer.from([1, 2, 0, 4]))).toEqual({ code: 'not-an-image', reason: 'not an image (contents not recognised)' });
  });
});
