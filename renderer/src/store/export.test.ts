// The studio's "overwrite?" question names every file the host said would be replaced: the host's
// 'exists' error carries them all in `paths` (main/export/atomic.ts ExistsError, however many the
// message lists).
import { describe, expect, it } from 'vitest';
import { errorPaths } from '../lib/api';
import { overwriteQuestion } from './export';

describe('overwriteQuestion', () => {
  it('lists every existing file from the host’s exists error', () => {
    const files = ['/out/chelsea-gradcam.json', '/out/raw/chelsea-gradcam.npy', '/out/chelsea-gradcam.png'];
    const message = files.map((file) => `${file}: already exists (not overwritten)`).join('\n');
    const question = overwriteQuestion(message, files);
    for (const file of files) expect(question).toContain(`${file}: already exists`);
    expect(question.endsWith('\n\nReplace all 3 files?')).toBe(true);
    expect(overwriteQuestion('/out/a.png: already exists (not overwritten)', ['/out/a.png'])).toBe('/out/a.png: already exists (not overwritten)\n\nReplace this file?');
  });

  it('counts the files from the error’s paths, not from the lines of its message', () => {
    const paths = Array.from({ length: 60 }, (_, i) => `/out/a-${i}.png`);
    const error = { code: 'exists', message: `${paths.slice(0, 50).map((path) => `${path}: already exists (not overwritten)`).join('\n')}\n… and 10 more`, paths };
    expect(errorPaths(error)).toEqual(paths);
    expect(overwriteQuestion(error.message, errorPaths(error)).endsWith('Replace all 60 files?')).toBe(true);
    const otherSettings = { code: 'exists', message: '/out/a.png: exists, made with other settings (colormap jet → viridis); pass overwrite to replace', paths: ['/out/a.json', '/out/a.png'] };
    expect(overwriteQuestion(otherSettings.message, errorPaths(otherSettings)).endsWith('Replace all 2 files?')).toBe(true);
    expect(errorPaths({ code: 'exists', message: 'x' })).toEqual([]);
  });
});
