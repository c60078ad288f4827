import { describe, expect, it } from 'vitest';
import type { PhotoEntry } from '../../../preload/contract';
import { octaveStarts, parseDreamLayers, type DreamFrame } from './dream';
import { defaultOutDir } from './export';
import { visiblePhotos } from './library';

const photo = (relPath: string, mtimeMs: number): PhotoEntry => ({ path: `/p/${relPath}`, relPath, name: relPath.split('/').pop()!, bytes: 1, mtimeMs });

describe('parseDreamLayers', () => {
  it('reads names with optional weights', () => {
    expect(parseDreamLayers('mixed3:1, mixed5:1.5')).toEqual({ layers: [{ name: 'mixed3', weight: 1 }, { name: 'mixed5', weight: 1.5 }], error: null });
    expect(parseDreamLayers('mixed4').layers).toEqual([{ name: 'mixed4', weight: 1 }]);
    expect(parseDreamLayers('a: -2\nb:0.5').layers).toEqual([{ name: 'a', weight: -2 }, { name: 'b', weight: 0.5 }]);
  });
  it('names what is wrong', () => {
    expect(parseDreamLayers('mixed3:x').error).toMatch(/mixed3/);
    expect(parseDreamLayers('mixed3:500').error).toMatch(/-100 and 100/);
    expect(parseDreamLayers(' , ').error).toMatch(/at least one layer/);
  });
});

describe('octaveStarts', () => {
  it('marks the first frame and every octave change', () => {
    const frames = [0, 0, 0, 1, 1, 1, 2].map((octave, index) => ({ octave, step: index % 3 }) as DreamFrame);
    expect(octaveStarts(frames)).toEqual([0, 3, 6]);
  });
});

describe('visiblePhotos', () => {
  const photos = [photo('b10.jpg', 3), photo('b2.jpg', 1), photo('sub/A.png', 2)];
  it('sorts by name naturally and by date', () => {
    expect(visiblePhotos(photos, '', 'name', 'asc').map((p) => p.relPath)).toEqual(['b2.jpg', 'b10.jpg', 'sub/A.png']);
    expect(visiblePhotos(photos, '', 'date', 'desc').map((p) => p.relPath)).toEqual(['b10.jpg', 'sub/A.png', 'b2.jpg']);
  });
  it('filters case-insensitively without changing the input', () => {
    expect(visiblePhotos(photos, 'a.P', 'name', 'asc').map((p) => p.relPath)).toEqual(['sub/A.png']);
    expect(photos[0]!.relPath).toBe('b10.jpg');
  });
});

describe('defaultOutDir', () => {
  it('puts exports in a subfolder of the opened folder, with its separator', () => {
    expect(defaultOutDir('/photos/trip/')).toBe('/photos/trip/convscope-exports');
    expect(defaultOutDir('C:\\Photos')).toBe('C:\\Photos\\convscope-exports');
    expect(defaultOutDir(undefined)).toBe('');
  });
});
