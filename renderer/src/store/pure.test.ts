import { describe, expect, it } from 'vitest';
import type { PhotoEntry } from '../../../preload/contract';
import type { FolderListing, ModelSummary } from '../../../preload/contract';
import { containBox } from '../canvas/geometry';
import { bytesProgress } from '../lib/text';
import { dreamChannelError, octaveStarts, parseDreamLayers, visualiseLabel, type DreamFrame } from './dream';
import { templateError } from '../../../preload/contract';
import { defaultOutDir } from './export';
import { allPhotos, nextMultiSelection, rootOf, visiblePhotos, withListing } from './library';
import { withModel } from './model';

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

describe('nextMultiSelection', () => {
  const order = ['a', 'b', 'c', 'd', 'e'];
  it('toggles one photo in and out', () => {
    expect(nextMultiSelection(['a'], order, 'a', 'c', 'toggle')).toEqual(['a', 'c']);
    expect(nextMultiSelection(['a', 'c'], order, 'c', 'a', 'toggle')).toEqual(['c']);
  });
  it('ranges from the anchor in grid order, both directions', () => {
    expect(nextMultiSelection([], order, 'b', 'd', 'range')).toEqual(['b', 'c', 'd']);
    expect(nextMultiSelection(['e'], order, 'd', 'a', 'range')).toEqual(['a', 'b', 'c', 'd']);
  });
  it('without an anchor a range is just the clicked photo; a plain click clears', () => {
    expect(nextMultiSelection([], order, null, 'c', 'range')).toEqual(['c']);
    expect(nextMultiSelection(['a', 'b'], order, 'a', 'c', 'none')).toEqual([]);
  });
});

describe('several opened folders', () => {
  const listing = (root: string, names: string[]): FolderListing => ({
    root,
    photos: names.map((name) => ({ path: `${root}/${name}`, relPath: name, name, bytes: 1, mtimeMs: 0 })),
    skipped: [],
  });
  it('adds a new root and replaces a re-listed one in place', () => {
    const first = withListing([], listing('/p/a', ['1.jpg']));
    const both = withListing(first, listing('/p/b', ['2.jpg']));
    const relisted = withListing(both, listing('/p/a', ['1.jpg', '3.jpg']));
    expect(relisted.map((folder) => folder.root)).toEqual(['/p/a', '/p/b']);
    expect(allPhotos(relisted).map((photo) => photo.name)).toEqual(['1.jpg', '3.jpg', '2.jpg']);
  });
  it('finds the root of a photo, preferring the deepest and not matching name prefixes', () => {
    const folders = [listing('/p/a', []), listing('/p/a/sub', []), listing('/p/ab', [])];
    expect(rootOf(folders, '/p/a/sub/x.jpg')).toBe('/p/a/sub');
    expect(rootOf(folders, '/p/a/x.jpg')).toBe('/p/a');
    expect(rootOf(folders, '/p/abc/x.jpg')).toBeNull();
    expect(rootOf([listing('C:\\Photos', [])], 'C:\\Photos\\x.jpg')).toBe('C:\\Photos');
  });
});

describe('templateError', () => {
  it('accepts the documented placeholders and rejects unknown or name-less templates', () => {
    expect(templateError('{name}-{method}')).toBeNull();
    expect(templateError('{name}_{layer}_{class}')).toBeNull();
    expect(templateError('{name}-{colour}')).toMatch(/\{colour\}/);
    expect(templateError('{method}')).toMatch(/\{name\}/);
    expect(templateError('  ')).toMatch(/template/);
  });
});

describe('dream extras', () => {
  it('checks the channel objective fields together', () => {
    expect(dreamChannelError({ channelLayer: '', channelIndex: null })).toBeNull();
    expect(dreamChannelError({ channelLayer: 'mixed4', channelIndex: 12 })).toBeNull();
    expect(dreamChannelError({ channelLayer: 'mixed4', channelIndex: null })).toMatch(/mixed4/);
    expect(dreamChannelError({ channelLayer: '', channelIndex: 3 })).toMatch(/layer/);
  });
  it('labels a feature visualisation by channel and layer', () => {
    expect(visualiseLabel('mixed4', 97)).toBe('channel 97 of layer mixed4');
  });
  it('fits a square visualisation inside a wide photo without stretching it', () => {
    expect(containBox(224, 224, 400, 200)).toEqual({ x: 100, y: 0, width: 200, height: 200 });
    expect(containBox(451, 300, 451, 300)).toEqual({ x: 0, y: 0, width: 451, height: 300 });
  });
});

describe('models and downloads', () => {
  const model = (id: string, name: string): ModelSummary => ({ id, name, inputSize: [224, 224], labels: [], defaultCamLayer: 'x', defaultDreamLayers: [] });
  it('adds an opened model to the picker once', () => {
    const models = withModel([model('a', 'A')], model('b', 'B'));
    expect(withModel(models, model('b', 'B2')).map((entry) => entry.name)).toEqual(['A', 'B2']);
  });
  it('shows download progress in bytes', () => {
    expect(bytesProgress(3 * 1024 * 1024, 14 * 1024 * 1024)).toBe('3.0 MB of 14.0 MB');
    expect(bytesProgress(512, 0)).toBe('512 B');
  });
});
