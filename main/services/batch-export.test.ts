// Batch export on real folders: the user's photos are never taken for earlier results, a file that
// is not Convscope's fails that photo only, results made with other settings are not resumed, and
// every run leaves its summary.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainSpec, type ExportResult } from '../../preload/contract';
import { initRuntime } from '../engine/runtime';
import { listFolder } from '../library/scan';
import { photo } from '../testing/paths';
import { batchExport } from './batch-export';
import { computeServices } from './compute';
import type { OverlayExportParams } from './compute/exports';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'convscope-batch-')));
const spec = explainSpec.parse({ path: '/unused', model: 'mobilenet_v2' });
const exportOne = (params: OverlayExportParams) =>
  computeServices.exportOverlay(params, { jobId: 'batch-test', signal: new AbortController().signal, emit: () => {}, progress: () => {} }) as Promise<ExportResult>;

/** A small photo of the user's, with bytes to compare later. */
async function userPhoto(file: string, shade: number): Promise<Buffer> {
  const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: shade, g: 100, b: 50 } } }).png().toBuffer();
  writeFileSync(file, png);
  return png;
}

async function run(folder: string, outDir: string, overwrite: boolean, rawDir?: string) {
  const listing = await listFolder(folder);
  return batchExport({ photos: listing.photos, unreadable: listing.skipped, spec, outDir, rawDir, overwrite, exportOne });
}

beforeAll(() => initRuntime());
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('batch export', () => {
  it('explains a photo of the user that sits at another photo’s output path, and never replaces it', async () => {
    const folder = join(base, 'own');
    mkdirSync(folder);
    await userPhoto(join(folder, 'a.png'), 10);
    const mine = await userPhoto(join(folder, 'a-gradcam.png'), 200);
    const first = await run(folder, folder, false);
    expect(first.done).toEqual([join(folder, 'a-gradcam.png')]);
    expect(first.failed).toEqual([{ path: join(folder, 'a.png'), reason: `${join(folder, 'a-gradcam.png')}: is an original photo; exports never overwrite inputs` }]);
    expect(readFileSync(join(folder, 'a-gradcam.png'))).toEqual(mine);
    expect(existsSync(join(folder, 'a-gradcam.json'))).toBe(false);
    const second = await run(folder, folder, true);
    expect(second.failed.map(({ path }) => path)).toEqual([join(folder, 'a.png')]);
    expect(readFileSync(join(folder, 'a-gradcam.png'))).toEqual(mine);
    expect(readdirSync(folder).sort()).toEqual(['a-gradcam-gradcam.json', 'a-gradcam-gradcam.png', 'a-gradcam.png', 'a.png', 'summary.json']);
  });

  it('fails only the photo whose output path holds a file Convscope did not write, with or without overwrite', async () => {
    const folder = join(base, 'photos');
    const outDir = join(base, 'photos-out');
    mkdirSync(folder);
    mkdirSync(outDir);
    await userPhoto(join(folder, 'a.png'), 10);
    await userPhoto(join(folder, 'b.png'), 20);
    const theirs = await userPhoto(join(outDir, 'a-gradcam.png'), 250);
    writeFileSync(join(outDir, 'b-gradcam.json'), '{"notes": "mine"}\n');
    for (const overwrite of [false, true]) {
      const summary = await run(folder, outDir, overwrite);
      expect(summary.done).toEqual([]);
      expect(summary.failed).toEqual([
        { path: join(folder, 'a.png'), reason: `${join(outDir, 'a-gradcam.png')}: exists and was not written by Convscope; not replaced — choose another name or folder` },
        { path: join(folder, 'b.png'), reason: `${join(outDir, 'b-gradcam.json')}: exists and was not written by Convscope; not replaced — choose another name or folder` },
      ]);
    }
    expect(readFileSync(join(outDir, 'a-gradcam.png'))).toEqual(theirs);
    expect(readFileSync(join(outDir, 'b-gradcam.json'), 'utf8')).toBe('{"notes": "mine"}\n');
    expect(readdirSync(outDir).sort()).toEqual(['a-gradcam.png', 'b-gradcam.json', 'summary.json']);
  });

  it('resumes from sidecars: a missing overlay or raw map is added and the sidecar claims it', async () => {
    const folder = join(base, 'resume');
    const outDir = join(base, 'resume-out');
    mkdirSync(folder);
    copyFileSync(photo('everyday/chelsea.png'), join(folder, 'chelsea.png'));
    await userPhoto(join(folder, 'b.png'), 20);
    expect((await run(folder, outDir, false)).done).toHaveLength(2);
    rmSync(join(outDir, 'b-gradcam.png')); // cut off after its sidecar
    const rawDir = join(outDir, 'raw');
    const resumed = await run(folder, outDir, false, rawDir);
    expect(resumed.done).toHaveLength(2);
    expect(readdirSync(rawDir).sort()).toEqual(['b-gradcam.npy', 'chelsea-gradcam.npy']);
    expect(JSON.parse(readFileSync(join(outDir, 'chelsea-gradcam.json'), 'utf8')).rawMap.path).toBe(join(rawDir, 'chelsea-gradcam.npy'));
    const again = await run(folder, outDir, false, rawDir);
    expect([again.done.length, again.skipped.length, again.failed.length]).toEqual([0, 2, 0]);
  });

  it('resumes only results made with the same settings: another colormap fails those photos and keeps their files as they are', async () => {
    const folder = join(base, 'settings');
    const outDir = join(base, 'settings-out');
    mkdirSync(folder);
    await userPhoto(join(folder, 'a.png'), 10);
    await userPhoto(join(folder, 'b.png'), 90);
    expect((await run(folder, outDir, false)).done).toHaveLength(2);
    rmSync(join(outDir, 'b-gradcam.png')); // cut off after its sidecar: nothing of b's is kept, so b is simply made again
    const before = readFileSync(join(outDir, 'a-gradcam.png'));
    const sidecar = readFileSync(join(outDir, 'a-gradcam.json'), 'utf8');
    const listing = await listFolder(folder);
    const rawDir = join(outDir, 'raw');
    const viridis = await batchExport({ photos: listing.photos, spec: { ...spec, colormap: 'viridis' }, outDir, rawDir, overwrite: false, exportOne });
    expect(viridis.done).toEqual([join(folder, 'b.png')]);
    expect(viridis.failed).toEqual([
      { path: join(folder, 'a.png'), reason: `${join(outDir, 'a-gradcam.png')}: exists, made with other settings (colormap jet → viridis); pass overwrite to replace` },
    ]);
    expect(readFileSync(join(outDir, 'a-gradcam.png'))).toEqual(before);
    expect(readFileSync(join(outDir, 'a-gradcam.json'), 'utf8')).toBe(sidecar);
    expect(readdirSync(rawDir)).toEqual(['b-gradcam.npy']);
    const summary = JSON.parse(readFileSync(viridis.summaryFile, 'utf8'));
    expect(summary.failed).toEqual(viridis.failed);
    // The same settings as the first run: a is there already.
    const same = await run(folder, outDir, false);
    expect(same.skipped).toEqual([join(folder, 'a.png')]);
    const replaced = await batchExport({ photos: listing.photos, spec: { ...spec, colormap: 'viridis' }, outDir, rawDir, overwrite: true, exportOne });
    expect([replaced.done.length, replaced.failed.length]).toEqual([2, 0]);
    expect(JSON.parse(readFileSync(join(outDir, 'a-gradcam.json'), 'utf8')).parameters.colormap).toBe('viridis');
  });

  it('always leaves its summary, creating the output folder, even when every photo failed', async () => {
    const folder = join(base, 'all-failed');
    mkdirSync(folder);
    writeFileSync(join(folder, 'broken.jpg'), 'not a photo');
    const listing = await listFolder(folder);
    const outDir = join(base, 'all-failed-out', 'deep');
    const summary = await batchExport({ photos: listing.photos, unreadable: listing.skipped, spec, outDir, overwrite: false, exportOne });
    expect(summary.done).toEqual([]);
    expect(summary.failed.map(({ path }) => path)).toEqual([join(folder, 'broken.jpg')]);
    expect(summary.summaryFile).toBe(join(outDir, 'summary.json'));
    expect(JSON.parse(readFileSync(summary.summaryFile, 'utf8'))).toMatchObject({ app: 'convscope', done: [], failed: summary.failed });
    // An output folder that exists gets its summary too, and an earlier one of Convscope's is replaced.
    const same = await batchExport({ photos: listing.photos, spec, outDir, overwrite: false, exportOne });
    expect(same.summaryFile).toBe(join(outDir, 'summary.json'));
    expect(readdirSync(outDir)).toEqual(['summary.json']);
  });

  it('keeps a summary.json of the user’s and writes the run’s log beside it', async () => {
    const folder = join(base, 'user-summary');
    const outDir = join(base, 'user-summary-out');
    mkdirSync(folder);
    mkdirSync(outDir);
    await userPhoto(join(folder, 'a.png'), 10);
    writeFileSync(join(outDir, 'summary.json'), '{"my": "summary"}\n');
    const summary = await run(folder, outDir, true);
    expect(summary.summaryFile).toMatch(/[/\\]summary-\d{4}-\d\d-\d\dT[\d-]+Z\.json$/);
    expect(readFileSync(join(outDir, 'summary.json'), 'utf8')).toBe('{"my": "summary"}\n');
    expect(JSON.parse(readFileSync(summary.summaryFile, 'utf8'))).toMatchObject({ app: 'convscope', done: [join(folder, 'a.png')] });
  });
});
