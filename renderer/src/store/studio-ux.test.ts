// The studio's small rules behind the new-user trial's fixes: one heatmap opacity, a channel that
// hides the heatmap, what "the selection" is, which batch summary is current, wheel zoom, the
// smooth channel overlay, side panel widths.
import { describe, expect, it } from 'vitest';
import type { FolderListing, HeatmapResult } from '../../../preload/contract';
import { smoothSize, upsampleGrey } from '../canvas/channelOverlay';
import { wheelZoomFactor } from '../canvas/geometry';
import { alphaOfHeatmapOpacity, heatmapOpacityOf, selectChannelState } from './explain';
import { batchSelectionOf, exportedWhere, selectionButtonLabel, shownBatchOf, type BatchRecord } from './export';
import { selectedPhotoProblem } from './library';
import { clampSideWidth } from './ui';

describe('heatmap opacity', () => {
  it('is one setting shown one way: opacity = 1 − alpha (the photo weight on the wire), both ways round', () => {
    expect(heatmapOpacityOf(0.5)).toBe(0.5);
    expect(heatmapOpacityOf(0.2)).toBe(0.8);
    expect(alphaOfHeatmapOpacity(0.8)).toBe(0.2);
    for (const opacity of [0, 0.05, 0.35, 0.9, 1]) expect(heatmapOpacityOf(alphaOfHeatmapOpacity(opacity))).toBe(opacity);
    expect(alphaOfHeatmapOpacity(1.5)).toBe(0);
  });
});

describe('channel overlay and heatmap', () => {
  const visible = { photo: true, heatmap: true, channel: false, dream: true };
  const heatmap = {} as HeatmapResult;
  it('showing a channel hides a shown heatmap; hiding the channel brings it back', () => {
    const shown = selectChannelState({ layerVisible: visible, heatmapHiddenByChannel: false, heatmap }, 7);
    expect(shown).toMatchObject({ selectedChannel: 7, heatmapHiddenByChannel: true, layerVisible: { heatmap: false, channel: true } });
    const other = selectChannelState({ ...shown, heatmap }, 9);
    expect(other).toMatchObject({ selectedChannel: 9, heatmapHiddenByChannel: true, layerVisible: { heatmap: false } });
    const gone = selectChannelState({ ...other, heatmap }, null);
    expect(gone).toMatchObject({ selectedChannel: null, heatmapHiddenByChannel: false, layerVisible: { heatmap: true } });
  });
  it('leaves a heatmap the user hid alone, and does nothing without a heatmap', () => {
    const hidden = { ...visible, heatmap: false };
    expect(selectChannelState({ layerVisible: hidden, heatmapHiddenByChannel: false, heatmap }, 1).heatmapHiddenByChannel).toBe(false);
    expect(selectChannelState({ layerVisible: hidden, heatmapHiddenByChannel: false, heatmap }, null).layerVisible.heatmap).toBe(false);
    expect(selectChannelState({ layerVisible: visible, heatmapHiddenByChannel: false, heatmap: null }, 1).layerVisible.heatmap).toBe(true);
  });
  it('smooths a channel bilinearly to the photo shape, at most 1024 px on its long side', () => {
    expect(smoothSize(17, 17, 451, 300)).toEqual({ width: 451, height: 300 });
    expect(smoothSize(8, 8, 4000, 3000)).toEqual({ width: 1024, height: 768 });
    expect(smoothSize(8, 8, 0, 0)).toEqual({ width: 8, height: 8 });
    // Two cells 0 | 255 → four pixels with half-pixel centres: 0, 64, 191, 255 (not 0, 0, 255, 255).
    const cells = new Uint8ClampedArray([0, 0, 0, 255, 255, 255, 255, 255]);
    const smooth = upsampleGrey(cells, 2, 1, 4, 1);
    expect([0, 1, 2, 3].map((i) => smooth[i * 4])).toEqual([0, 64, 191, 255]);
    expect(smooth[3]).toBe(255);
  });
});

describe('batch selection and summary', () => {
  it('counts the photo picked with a plain click as the selection when nothing is ticked', () => {
    expect(batchSelectionOf({ multiSelection: [], selectedPath: '/p/a.jpg' })).toEqual(['/p/a.jpg']);
    expect(batchSelectionOf({ multiSelection: ['/p/b.jpg', '/p/c.jpg'], selectedPath: '/p/a.jpg' })).toEqual(['/p/b.jpg', '/p/c.jpg']);
    expect(batchSelectionOf({ multiSelection: [], selectedPath: null })).toEqual([]);
    expect(selectionButtonLabel({ multiSelection: [], selectedPath: '/p/a.jpg' })).toBe('…for this photo (1)');
    expect(selectionButtonLabel({ multiSelection: ['/p/b.jpg', '/p/c.jpg'], selectedPath: null })).toBe('…for the 2 selected photos');
    expect(selectionButtonLabel({ multiSelection: [], selectedPath: null })).toBe('…for the selection (0)');
  });
  it('shows the last batch summary only while the batch section is about that folder', () => {
    const listing = (root: string): FolderListing => ({ root, photos: [], skipped: [] });
    const batch = { scope: 'folder', root: '/p/awkward', outDir: '/out', photos: 3, result: { done: 1, skipped: 0, failed: [], summaryFile: '' } } as BatchRecord;
    const both = [listing('/p/awkward'), listing('/p/everyday')];
    expect(shownBatchOf({ lastBatch: batch, folders: both, batchRoot: null, selectedPath: '/p/awkward/x.jpg' })).toBe(batch);
    expect(shownBatchOf({ lastBatch: batch, folders: both, batchRoot: null, selectedPath: '/p/everyday/x.jpg' })).toBeNull();
    expect(shownBatchOf({ lastBatch: batch, folders: [listing('/p/everyday')], batchRoot: null, selectedPath: null })).toBeNull();
    expect(shownBatchOf({ lastBatch: null, folders: both, batchRoot: null, selectedPath: null })).toBeNull();
  });
  it('says where an export went', () => {
    expect(exportedWhere(['/photos/convscope-exports/chelsea-gradcam.png'])).toBe('chelsea-gradcam.png to /photos/convscope-exports');
    expect(exportedWhere(['/out/a/frame-0001.png', '/out/a/frame-0002.png'])).toBe('2 files to /out/a');
  });
});

describe('a photo that failed to open', () => {
  it('gives the reason the actions are disabled, without the full path', () => {
    expect(selectedPhotoProblem({ selectedPath: '/p/truncated.jpg', photoError: '/p/truncated.jpg: truncated or corrupt JPEG data' })).toBe(
      'truncated.jpg cannot be opened: truncated or corrupt JPEG data',
    );
    expect(selectedPhotoProblem({ selectedPath: '/my photos/bad.jpg', photoError: '/my photos/bad.jpg: not an image' })).toBe('bad.jpg cannot be opened: not an image');
    expect(selectedPhotoProblem({ selectedPath: '/p/odd.jpg', photoError: 'the decoder gave up' })).toBe('odd.jpg cannot be opened: the decoder gave up');
    expect(selectedPhotoProblem({ selectedPath: '/p/ok.jpg', photoError: null })).toBeNull();
    expect(selectedPhotoProblem({ selectedPath: null, photoError: 'x' })).toBeNull();
  });
});

describe('wheel zoom', () => {
  it('zooms 1.2× per mouse notch, by the size of the delta, both ways', () => {
    expect(wheelZoomFactor(-100)).toBeCloseTo(1.2, 6);
    expect(wheelZoomFactor(100)).toBeCloseTo(1 / 1.2, 6);
    // Five notches: 1.2⁵ ≈ 2.49 (it was 1.05⁵ ≈ 1.28).
    expect(Array.from({ length: 5 }, () => wheelZoomFactor(-100)).reduce((a, b) => a * b, 1)).toBeCloseTo(2.488, 2);
    // Half a notch (smooth-scrolling wheels) zooms half as much in log terms.
    expect(Math.log(wheelZoomFactor(-50))).toBeCloseTo(Math.log(1.2) / 2, 6);
    // Line-mode wheels (Firefox): 3 lines ≈ one notch.
    expect(wheelZoomFactor(-3, 1)).toBeCloseTo(Math.exp((99 * Math.log(1.2)) / 100), 6);
  });
  it('gives a trackpad pinch (ctrl+wheel, small deltas) a direct feel, and caps one event', () => {
    expect(wheelZoomFactor(-12, 0, true)).toBeCloseTo(1.2, 6);
    expect(wheelZoomFactor(-2, 0, true)).toBeGreaterThan(1.02);
    expect(wheelZoomFactor(-5000)).toBe(4);
    expect(wheelZoomFactor(5, 2)).toBe(0.25);
  });
});

describe('side panels', () => {
  it('clamps dragged widths', () => {
    expect(clampSideWidth('right', 100)).toBe(280);
    expect(clampSideWidth('right', 455.6)).toBe(456);
    expect(clampSideWidth('left', 9999)).toBe(520);
  });
});
