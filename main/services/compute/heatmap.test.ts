// The studio's heatmap service: the grey map it sends recolours to exactly the heatmap the host
// colours for exports (so the studio can switch colormaps without recomputing), and input-space
// methods name no layer.
import { copyFileSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { explainSpec, type ExplainSpecInput, type HeatmapResult } from '../../../preload/contract';
import { initRuntime } from '../../engine/runtime';
import { colormapLut } from '../../explain/colormaps';
import { photo } from '../../testing/paths';
import type { JobContext } from './context';
import { explainPhoto, heatmapRgba } from './heatmap';
import { ANALYSIS_MAX_SIDE, computeServices } from './index';

const context: JobContext = { jobId: 'test', signal: new AbortController().signal, emit: () => {}, progress: () => {} };

beforeAll(() => initRuntime());

describe('heatmap service', () => {
  it('sends a grey map that recolours to the coloured heatmap, for any colormap and threshold', async () => {
    const spec: ExplainSpecInput = { path: photo('everyday/chelsea.png'), model: 'mobilenet_v2', method: 'gradcam', colormap: 'viridis', threshold: 0.3 };
    const result = (await computeServices.heatmap({ spec }, context)) as HeatmapResult;
    expect(result).toMatchObject({ layer: 'out_relu', classAgnostic: false, width: 451, height: 300 });
    const greyPng = Buffer.from(result.mapPng.split(',')[1], 'base64');
    expect((await sharp(greyPng).metadata()).channels).toBe(1);
    const grey = await sharp(greyPng).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    // The host's own colouring of the same map at the same size (what overlays and exports use).
    const parsed = explainSpec.parse(spec);
    const explained = await explainPhoto(parsed, context, ANALYSIS_MAX_SIDE);
    const colour = heatmapRgba(explained, parsed, grey.info.width, grey.info.height);
    expect(colour.length).toBe(grey.info.width * grey.info.height * 4);
    const lut = colormapLut('viridis');
    let transparent = 0;
    for (let i = 0; i < grey.info.width * grey.info.height; i++) {
      const value = grey.data[i];
      const alpha = colour[i * 4 + 3];
      if (alpha === 0) {
        transparent++;
        expect(value / 255).toBeLessThan(0.3 + 1 / 255);
        continue;
      }
      for (let c = 0; c < 3; c++) expect(Math.abs(colour[i * 4 + c] - lut[value * 3 + c])).toBeLessThanOrEqual(1);
    }
    expect(transparent).toBeGreaterThan(0);
  });

  it('names no layer for input-space methods and marks Eigen-CAM class-agnostic', async () => {
    const base = { path: photo('everyday/coffee.png'), model: 'mobilenet_v2' };
    const saliency = (await computeServices.heatmap({ spec: { ...base, method: 'guided-backprop' } }, context)) as HeatmapResult;
    expect(saliency.layer).toBeNull();
    const eigen = (await computeServices.heatmap({ spec: { ...base, method: 'eigencam' } }, context)) as HeatmapResult;
    expect(eigen).toMatchObject({ layer: 'out_relu', classAgnostic: true });
  });

  it('exports the map the heatmap just computed without computing it again, and recomputes when the map would change', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'convscope-kept-map-'));
    const path = join(folder, 'chelsea.png');
    copyFileSync(photo('everyday/chelsea.png'), path);
    let steps = 0;
    const counting: JobContext = { ...context, progress: () => void (steps += 1) };
    const spec: ExplainSpecInput = { path, model: 'mobilenet_v2', method: 'scorecam', scorecamChannels: 8 };
    await computeServices.heatmap({ spec }, counting);
    expect(steps).toBeGreaterThan(0); // Score-CAM reports each batch of channels
    steps = 0;
    // Colour, opacity and threshold do not change the map: the export draws the one just made.
    const exported = await computeServices.exportOverlay({ spec: explainSpec.parse({ ...spec, colormap: 'inferno', alpha: 0.2, threshold: 0.1 }), outFile: join(folder, 'a.png'), overwrite: false }, counting);
    expect(exported.files).toEqual([join(folder, 'a.png')]);
    expect(steps).toBe(0);
    // Another class, another channel count, or the photo changed on disk: computed again.
    for (const change of [{ spec: { ...spec, classIndex: 3 } }, { spec: { ...spec, scorecamChannels: 9 } }]) {
      await computeServices.heatmap(change, counting);
      expect(steps).toBeGreaterThan(0);
      steps = 0;
    }
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    await computeServices.heatmap({ spec }, counting);
    expect(steps).toBeGreaterThan(0);
    rmSync(folder, { recursive: true, force: true });
  });

  it('warns when a panorama is squeezed into the square input', async () => {
    const spec: ExplainSpecInput = { path: photo('awkward/panorama-8000x300.jpg'), model: 'mobilenet_v2', method: 'gradcam' };
    const result = (await computeServices.heatmap({ spec }, context)) as HeatmapResult;
    const note = result.notes.join(' ');
    // The photo's own size (as the caption shows it), not the 2048-px analysis copy's 2048×77.
    expect(note).toMatch(/the 8000×300 photo was squeezed into the model's 224×224 input \(aspect 26\.7:1\)/);
    expect(note).not.toMatch(/crop it\b/);
    expect(note).toMatch(/crop the part you care about in an image editor/);
  });
});
