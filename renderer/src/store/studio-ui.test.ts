import { describe, expect, it } from 'vitest';
import type { FolderListing } from '../../../preload/contract';
import { colourGreyPixels } from '../canvas/recolour';
import { colormapLut } from '../lib/colormaps';
import { folderName } from '../lib/text';
import { dreamLayersError, dreamSideLabel } from './dream';
import { heatmapKeyOf, methodOptionsSpec, DEFAULT_METHOD_OPTIONS, type ExplainRequestSpec } from './explain';
import { batchFolderOf } from './export';

describe('heatmap key', () => {
  const spec: ExplainRequestSpec = { path: '/p/a.jpg', model: 'm', method: 'gradcam', colormap: 'jet', alpha: 0.5, threshold: 0 };
  it('ignores what the client applies itself: alpha, colormap, threshold', () => {
    expect(heatmapKeyOf({ ...spec, colormap: 'viridis', threshold: 0.4, alpha: 0.1 })).toBe(heatmapKeyOf(spec));
    expect(heatmapKeyOf({ ...spec, layer: 'mixed5' })).not.toBe(heatmapKeyOf(spec));
  });
  it('sends only the option the method reads', () => {
    const options = { ...DEFAULT_METHOD_OPTIONS, samples: 10 };
    expect(methodOptionsSpec('gradcam', options)).toEqual({});
    expect(methodOptionsSpec('smoothgrad', options)).toEqual({ samples: 10 });
    expect(methodOptionsSpec('scorecam', options)).toEqual({ scorecamChannels: 128 });
    expect(methodOptionsSpec('integrated-gradients', options)).toEqual({ steps: 64 });
  });
});

describe('client recolouring', () => {
  it('maps grey v to LUT[v] and hides values below the threshold', () => {
    const grey = new Uint8ClampedArray([0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255]);
    const out = new Uint8ClampedArray(grey.length);
    const lut = colormapLut('viridis');
    colourGreyPixels(grey, lut, 0.5, out);
    expect(out[3]).toBe(0);
    expect(out[7]).toBe(255);
    expect([...out.slice(4, 7)]).toEqual([...lut.slice(128 * 3, 128 * 3 + 3)]);
    expect([...out.slice(8, 11)]).toEqual([...lut.slice(255 * 3)]);
  });
});

describe('batch folder', () => {
  const listing = (root: string): FolderListing => ({ root, photos: [], skipped: [] });
  const folders = [listing('/p/a'), listing('/p/b/')];
  it('defaults to the folder of the selected photo, keeps an open choice, falls back when it closes', () => {
    expect(batchFolderOf({ folders, batchRoot: null, selectedPath: '/p/b/x.jpg' })?.root).toBe('/p/b/');
    expect(batchFolderOf({ folders, batchRoot: '/p/a', selectedPath: '/p/b/x.jpg' })?.root).toBe('/p/a');
    expect(batchFolderOf({ folders, batchRoot: '/p/gone', selectedPath: '/p/b/x.jpg' })?.root).toBe('/p/b/');
    expect(batchFolderOf({ folders, batchRoot: null, selectedPath: null })?.root).toBe('/p/a');
    expect(batchFolderOf({ folders: [], batchRoot: null, selectedPath: null })).toBeNull();
    expect(folderName('/p/b/')).toBe('b');
  });
});

describe('dream labels and layers', () => {
  it('names unknown layers once the model is listed', () => {
    const names = new Set(['mixed3', 'mixed5']);
    expect(dreamLayersError('mixed3:1, mixed5', names, 'InceptionV3')).toBeNull();
    expect(dreamLayersError('mixed3:1, mixd5', names, 'InceptionV3')).toBe('layer "mixd5" does not exist in InceptionV3');
    expect(dreamLayersError('mixd5', null, 'InceptionV3')).toBeNull();
    expect(dreamLayersError('mixed3:x', names, 'InceptionV3')).toMatch(/mixed3/);
  });
  it('labels the dream side of a swipe compare with the timeline frame number', () => {
    expect(dreamSideLabel('Deep Dream', 4)).toBe('dream frame 5');
    expect(dreamSideLabel('channel 5 of layer x', 0)).toBe('channel 5 of layer x · frame 1');
  });
});
