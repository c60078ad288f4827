// The studio's "overwrite?" question names every file the host said would be replaced (the host's
// 'exists' error has one line per file: main/export/atomic.ts ExistsError).
import { describe, expect, it } from 'vitest';
import { overwriteQuestion } from './export';

describe('overwriteQuestion', () => {
  it('lists every existing file from the host’s exists error', () => {
    const files = ['/out/chelsea-gradcam.json', '/out/raw/chelsea-gradcam.npy', '/out/chelsea-gradcam.png'];
    const message = files.map((file) => `${file}: already exists (not overwritten)`).join('\n');
    const question = overwriteQuestion(message);
    for (const file of files) expect(question).toContain(`${file}: already exists`);
    expect(question.endsWith('\n\nReplace all 3 files?')).toBe(true);
    expect(overwriteQuestion('/out/a.png: already exists (not overwritten)')).toBe('/out/a.png: already exists (not overwritten)\n\nReplace this file?');
  });
});
