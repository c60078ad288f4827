import { describe, expect, it } from 'vitest';
import { withoutFileName } from './text';
import { errorCode, errorMessage } from './api';
import { ApiError } from '../../../preload/contract';

describe('withoutFileName', () => {
  it('drops a leading path or name that the badge already shows', () => {
    expect(withoutFileName('/photos/awkward/truncated.jpg: premature end of JPEG', 'truncated.jpg')).toBe('premature end of JPEG');
    expect(withoutFileName('truncated.jpg: premature end', 'truncated.jpg')).toBe('premature end');
    // A folder with a space: only the whole path, when given, is recognised.
    expect(withoutFileName('/my photos/truncated.jpg: premature end', 'truncated.jpg')).toBe('/my photos/truncated.jpg: premature end');
    expect(withoutFileName('/my photos/truncated.jpg: premature end', 'truncated.jpg', '/my photos/truncated.jpg')).toBe('premature end');
    expect(withoutFileName('/my photos/truncated.jpg', 'truncated.jpg', '/my photos/truncated.jpg')).toBe('/my photos/truncated.jpg');
  });
  it('keeps messages that do not start with the file', () => {
    expect(withoutFileName('cannot read truncated.jpg', 'truncated.jpg')).toBe('cannot read truncated.jpg');
    expect(withoutFileName('a(b).jpg: bad', 'a(b).jpg')).toBe('bad');
  });
});

describe('errors from the host', () => {
  it('reads code and message from ApiError and from plain objects (contextBridge drops Error properties)', () => {
    expect(errorCode(new ApiError('exists', 'x: already exists'))).toBe('exists');
    expect(errorCode({ code: 'cancelled', message: 'cancelled' })).toBe('cancelled');
    expect(errorCode(new Error('plain'))).toBeNull();
    expect(errorMessage(new ApiError('photo', 'a.jpg: truncated'))).toBe('a.jpg: truncated');
  });
  it('strips the Electron invoke prefix', () => {
    expect(errorMessage(new Error("Error invoking remote method 'convscope:call': Error: boom"))).toBe('boom');
    expect(errorMessage(undefined)).toBe('Unknown error');
  });
});
