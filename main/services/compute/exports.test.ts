// Exports on real files: a file at an output path is kept or replaced only if Convscope wrote it
// (its sidecar says so), "exists" names every file that would be replaced, and dream exports check
// everything before they create a folder.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainSpec, type ExportResult } from '../../../preload/contract';
import { initRuntime } from '../../engine/runtime';
import { photo } from '../../testing/paths';
import { toApiError } from '../errors';
import type { JobContext } from './context';
import type { DreamExportParams } from './exports';
import { computeServices } from './index';

const context = (jobId = 'test'): JobContext => ({ jobId, signal: new AbortController().signal, emit: () => {}, progress: () => {} });
const base = mkdtempSync(join(tmpdir(), 'convscope-exports-'));
const USER_PHOTO = Buffer.from('the user’s own photo');
const USER_NOTES = '{"notes": "mine"}\n';

function folderWithChelsea(name: string): string {
  const folder = join(base, name);
  mkdirSync(folder);
  copyFileSync(photo('everyday/chelsea.png'), join(folder, 'chelsea.png'));
  return folder;
}

const overlay = (folder: string, overwrite: boolean, extra: { rawFile?: string; keepExisting?: boolean } = {}) =>
  computeServices.exportOverlay(
    { spec: explainSpec.parse({ path: join(folder, 'chelsea.png'), model: 'mobilenet_v2' }), outFile: join(folder, 'chelsea-gradcam.png'), overwrite, ...extra },
    context(),
  ) as Promise<ExportResult>;

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error, 'the export should have been refused').not.toBeNull();
  return toApiError(error);
}

beforeAll(() => initRuntime());
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('overlay export', () => {
  it('never replaces a photo or notes of the user at its output paths, even with overwrite', async () => {
    const folder = folderWithChelsea('foreign');
    writeFileSync(join(folder, 'chelsea-gradcam.png'), USER_PHOTO);
    writeFileSync(join(folder, 'chelsea-gradcam.json'), USER_NOTES);
    for (const overwrite of [false, true]) {
      const error = await failure(overlay(folder, overwrite));
      expect(error.code).toBe('not-allowed');
      expect(error.message).toMatch(/chelsea-gradcam\.json: exists and was not written by Convscope; not replaced — choose another name or folder/);
    }
    expect(readFileSync(join(folder, 'chelsea-gradcam.png'))).toEqual(USER_PHOTO);
    expect(readFileSync(join(folder, 'chelsea-gradcam.json'), 'utf8')).toBe(USER_NOTES);
    // A photo alone at the overlay path (no sidecar) is the user's too.
    rmSync(join(folder, 'chelsea-gradcam.json'));
    const alone = await failure(overlay(folder, true));
    expect(alone.message).toMatch(/chelsea-gradcam\.png: exists and was not written by Convscope/);
    expect(readFileSync(join(folder, 'chelsea-gradcam.png'))).toEqual(USER_PHOTO);
    expect(readdirSync(folder).sort()).toEqual(['chelsea-gradcam.png', 'chelsea.png']);
  });

  it('names every existing file in "exists" and replaces exactly those, its own, when told to', async () => {
    const folder = folderWithChelsea('own');
    const rawFile = join(folder, 'raw', 'chelsea-gradcam.npy');
    const first = await overlay(folder, false, { rawFile });
    expect(first.files).toEqual([join(folder, 'chelsea-gradcam.png'), rawFile]);
    const sidecar = JSON.parse(readFileSync(first.sidecar, 'utf8'));
    expect(sidecar.rawMap).toMatchObject({ file: 'chelsea-gradcam.npy', path: rawFile });
    const again = await failure(overlay(folder, false, { rawFile }));
    expect(again.code).toBe('exists');
    const named = again.message.split('\n');
    expect(named).toHaveLength(3);
    for (const file of [join(folder, 'chelsea-gradcam.png'), join(folder, 'chelsea-gradcam.json'), rawFile]) {
      expect(named).toContain(`${file}: already exists (not overwritten)`);
    }
    const replaced = await overlay(folder, true, { rawFile });
    expect(replaced.sidecar).toBe(first.sidecar);
    // A .npy the sidecar does not name is not Convscope's.
    const other = join(folder, 'raw', 'other.npy');
    writeFileSync(other, 'user data');
    const unclaimed = await failure(overlay(folder, true, { rawFile: other }));
    expect(unclaimed.message).toMatch(/other\.npy: exists and was not written by Convscope/);
    expect(readFileSync(other, 'utf8')).toBe('user data');
  });

  it('an overwrite without a raw map removes the raw map the earlier export had, so a later one is not refused', async () => {
    const folder = folderWithChelsea('overwrite-raw');
    const rawFile = join(folder, 'raw', 'chelsea-gradcam.npy');
    await overlay(folder, false, { rawFile });
    const replaced = await overlay(folder, true);
    expect(replaced.files).toEqual([join(folder, 'chelsea-gradcam.png')]);
    expect(existsSync(rawFile)).toBe(false);
    expect(JSON.parse(readFileSync(replaced.sidecar, 'utf8')).rawMap).toBeUndefined();
    const again = await overlay(folder, true, { rawFile });
    expect(again.files).toEqual([join(folder, 'chelsea-gradcam.png'), rawFile]);
    expect(readFileSync(rawFile).subarray(1, 6).toString()).toBe('NUMPY');
  });

  it('resumes only what was made with the same settings, compared on the resolved layer and class', async () => {
    const folder = folderWithChelsea('settings');
    const rawFile = join(folder, 'raw', 'chelsea-gradcam.npy');
    const withSpec = (spec: Record<string, unknown>, extra: { rawFile?: string; overwrite?: boolean } = {}) =>
      computeServices.exportOverlay(
        { spec: explainSpec.parse({ path: join(folder, 'chelsea.png'), model: 'mobilenet_v2', ...spec }), outFile: join(folder, 'chelsea-gradcam.png'), overwrite: extra.overwrite ?? false, keepExisting: true, rawFile: extra.rawFile },
        context(),
      ) as Promise<ExportResult>;
    const first = await withSpec({});
    expect(first.skipped).toBeUndefined();
    const overlayBytes = readFileSync(join(folder, 'chelsea-gradcam.png'));
    const sidecarText = readFileSync(first.sidecar, 'utf8');
    const { layer, class: top } = JSON.parse(sidecarText);
    // The defaults spelled out are the same settings: everything is there, nothing is written.
    expect(await withSpec({ layer, classIndex: top })).toEqual({ files: [join(folder, 'chelsea-gradcam.png')], sidecar: first.sidecar, skipped: true });
    // Another colormap, with a raw map to add: refused, nothing added, nothing rewritten.
    const other = await failure(withSpec({ colormap: 'viridis', threshold: 0.2 }, { rawFile }));
    expect(other.code).toBe('exists');
    expect(other.message).toBe(`${join(folder, 'chelsea-gradcam.png')}: exists, made with other settings (colormap jet → viridis, threshold 0 → 0.2); pass overwrite to replace`);
    expect(other.paths).toEqual([first.sidecar, join(folder, 'chelsea-gradcam.png')]);
    expect(existsSync(rawFile)).toBe(false);
    expect(readFileSync(first.sidecar, 'utf8')).toBe(sidecarText);
    expect(readFileSync(join(folder, 'chelsea-gradcam.png'))).toEqual(overlayBytes);
    expect((await failure(withSpec({ classIndex: top === 0 ? 1 : 0 }))).message).toMatch(new RegExp(`made with other settings \\(class ${top} → ${top === 0 ? 1 : 0}\\)`));
    expect((await failure(withSpec({ method: 'gradcam++' }))).message).toMatch(/made with other settings \(method gradcam → gradcam\+\+\)/);
    // With overwrite the new settings replace it all.
    const replaced = await withSpec({ colormap: 'viridis', threshold: 0.2 }, { rawFile, overwrite: true });
    expect(replaced.files).toEqual([join(folder, 'chelsea-gradcam.png'), rawFile]);
    expect(JSON.parse(readFileSync(replaced.sidecar, 'utf8')).parameters).toMatchObject({ colormap: 'viridis', threshold: 0.2 });
    // Resuming without asking for the raw map keeps it as part of the export (still claimed).
    rmSync(join(folder, 'chelsea-gradcam.png'));
    const resumed = await withSpec({ colormap: 'viridis', threshold: 0.2 });
    expect(resumed.files).toEqual([join(folder, 'chelsea-gradcam.png'), rawFile]);
    expect(JSON.parse(readFileSync(resumed.sidecar, 'utf8')).rawMap).toMatchObject({ path: rawFile });
  });

  it('resumes a cut-off export from its sidecar (written first) and keeps what is there', async () => {
    const folder = folderWithChelsea('resume');
    await overlay(folder, false);
    rmSync(join(folder, 'chelsea-gradcam.png')); // cut off after the sidecar
    await overlay(folder, false, { keepExisting: true });
    expect(readdirSync(folder).sort()).toEqual(['chelsea-gradcam.json', 'chelsea-gradcam.png', 'chelsea.png']);
  });
});

describe('dream export', () => {
  let dreamJob: string;
  let dreamPhoto: string;
  beforeAll(async () => {
    dreamJob = 'dream-for-export';
    const folder = folderWithChelsea('dreamed');
    dreamPhoto = join(folder, 'chelsea.png');
    await computeServices.dream({ spec: { path: dreamPhoto, model: 'mobilenet_v2', octaves: 1, steps: 2, maxSize: 48 }, previews: false }, context(dreamJob));
  });
  const exportDream = (outDir: string, what: DreamExportParams['what'], extra: Partial<DreamExportParams> = {}) =>
    computeServices.exportDream({ dreamJobId: dreamJob, outDir, what, overwrite: false, ...extra }, context()) as Promise<ExportResult>;

  it('checks the frame before creating the output folder', async () => {
    const outDir = join(base, 'dream-never', 'deep');
    const error = await failure(exportDream(outDir, 'frame', { frame: 99 }));
    expect(error).toMatchObject({ code: 'invalid-request', message: 'frame 99 does not exist (the dream has 2)' });
    expect(existsSync(join(base, 'dream-never'))).toBe(false);
  });

  it('writes parameters.json with the photo, and replaces only a frames folder of its own', async () => {
    const outDir = join(base, 'dream-out');
    const frames = await exportDream(outDir, 'frames');
    const record = JSON.parse(readFileSync(frames.sidecar, 'utf8'));
    expect(record).toMatchObject({ app: 'convscope', kind: 'deep-dream', photo: dreamPhoto, frames: 2, parameters: { model: 'mobilenet_v2', steps: 2 } });
    expect(record.width).toBeGreaterThan(0);
    expect(record.height).toBeGreaterThan(0);
    expect((await failure(exportDream(outDir, 'frames'))).code).toBe('exists');
    expect((await exportDream(outDir, 'frames', { overwrite: true })).files).toHaveLength(2);
    const folder = join(outDir, 'chelsea-dream-frames');
    writeFileSync(join(folder, 'my-notes.txt'), 'mine');
    const foreign = await failure(exportDream(outDir, 'frames', { overwrite: true }));
    expect(foreign.code).toBe('not-allowed');
    expect(foreign.message).toMatch(/chelsea-dream-frames: exists and was not written by Convscope/);
    expect(readFileSync(join(folder, 'my-notes.txt'), 'utf8')).toBe('mine');
    expect(readdirSync(outDir).sort()).toEqual(['chelsea-dream-frames']);
  });

  it('never replaces a user file at a frame or animation path', async () => {
    const outDir = join(base, 'dream-foreign');
    mkdirSync(outDir);
    writeFileSync(join(outDir, 'chelsea-dream-frame-0002.png'), USER_PHOTO);
    const frame = await failure(exportDream(outDir, 'frame', { overwrite: true }));
    expect(frame.message).toMatch(/chelsea-dream-frame-0002\.png: exists and was not written by Convscope/);
    writeFileSync(join(outDir, 'chelsea-dream-gif.json'), USER_NOTES);
    const animation = await failure(exportDream(outDir, 'gif', { overwrite: true }));
    expect(animation.message).toMatch(/chelsea-dream-gif\.json: exists and was not written by Convscope/);
    expect(readFileSync(join(outDir, 'chelsea-dream-frame-0002.png'))).toEqual(USER_PHOTO);
    expect(readFileSync(join(outDir, 'chelsea-dream-gif.json'), 'utf8')).toBe(USER_NOTES);
    expect(readdirSync(outDir).sort()).toEqual(['chelsea-dream-frame-0002.png', 'chelsea-dream-gif.json']);
  });

  it('writes a WebP and a GIF of one dream into one folder, each with its own sidecar, without asking', async () => {
    const outDir = join(base, 'dream-both');
    const webp = await exportDream(outDir, 'webp', { fps: 5 });
    const gif = await exportDream(outDir, 'gif', { fps: 5 });
    expect(webp.files).toEqual([join(outDir, 'chelsea-dream-webp.webp')]);
    expect(gif.files).toEqual([join(outDir, 'chelsea-dream-gif.gif')]);
    expect(webp.sidecar).toBe(join(outDir, 'chelsea-dream-webp.json'));
    expect(gif.sidecar).toBe(join(outDir, 'chelsea-dream-gif.json'));
    expect(readdirSync(outDir).sort()).toEqual(['chelsea-dream-gif.gif', 'chelsea-dream-gif.json', 'chelsea-dream-webp.json', 'chelsea-dream-webp.webp']);
    expect(JSON.parse(readFileSync(webp.sidecar, 'utf8')).animation).toEqual({ format: 'webp', fps: 5, file: 'chelsea-dream-webp.webp' });
    expect(JSON.parse(readFileSync(gif.sidecar, 'utf8')).animation).toEqual({ format: 'gif', fps: 5, file: 'chelsea-dream-gif.gif' });
    expect(readFileSync(gif.files[0]!).toString('ascii', 0, 3)).toBe('GIF');
  });
});

describe('a cancelled dream', () => {
  /** Dreams 1 octave × 6 steps and cancels once `after` frames are made (0: before the first). */
  async function cancelledDream(jobId: string, after: number) {
    const folder = folderWithChelsea(`cancelled-${jobId}`);
    const controller = new AbortController();
    if (after === 0) controller.abort();
    const cancelling: JobContext = { ...context(jobId), signal: controller.signal, progress: (done) => (done >= after ? controller.abort() : undefined) };
    const error = await failure(computeServices.dream({ spec: { path: join(folder, 'chelsea.png'), model: 'mobilenet_v2', octaves: 1, steps: 6, maxSize: 48 }, previews: false }, cancelling));
    return { error, outDir: join(folder, 'out') };
  }

  it('keeps its frames: the current frame, all frames and an animation export, saying it was cancelled', async () => {
    const { error, outDir } = await cancelledDream('dream-cancelled', 2);
    expect(error.code).toBe('cancelled');
    const exportCancelled = (what: DreamExportParams['what'], frame?: number) =>
      computeServices.exportDream({ dreamJobId: 'dream-cancelled', outDir, what, frame, overwrite: false }, context()) as Promise<ExportResult>;
    const frame = await exportCancelled('frame', 1);
    expect(frame.files).toEqual([join(outDir, 'chelsea-dream-frame-0002.png')]);
    const record = JSON.parse(readFileSync(frame.sidecar, 'utf8'));
    expect(record).toMatchObject({ kind: 'deep-dream', frames: 2, cancelled: true, frame: 1, notes: ['cancelled after 2 of 6 frames'] });
    const frames = await exportCancelled('frames');
    expect(frames.files).toHaveLength(2);
    expect(JSON.parse(readFileSync(frames.sidecar, 'utf8'))).toMatchObject({ frames: 2, cancelled: true });
    const webp = await exportCancelled('webp');
    expect(JSON.parse(readFileSync(webp.sidecar, 'utf8'))).toMatchObject({ frames: 2, cancelled: true, notes: ['cancelled after 2 of 6 frames'] });
    expect((await failure(exportCancelled('frame', 2))).message).toBe('frame 2 does not exist (the dream has 2)');
  });

  it('cancelled before its first frame, it leaves nothing to export', async () => {
    const { error, outDir } = await cancelledDream('dream-cancelled-early', 0);
    expect(error.code).toBe('cancelled');
    const gone = await failure(computeServices.exportDream({ dreamJobId: 'dream-cancelled-early', outDir, what: 'frame', overwrite: false }, context()));
    expect(gone.message).toMatch(/no longer available/);
  });
});
