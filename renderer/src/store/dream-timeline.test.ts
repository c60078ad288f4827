// The dream timeline in the studio's store, against a scripted host: the frame counter, what
// happens to a dream when another photo is picked, which dreams can be exported (as the compute
// process says: 'dream-kept', 'dream-released'), and loading a dream's settings back into the fields.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { create } from 'zustand';
import { DREAM_DEFAULTS, KEPT_DREAMS, type DreamResult, type DreamSpec } from '../../../preload/contract';
import { createDreamSlice, dreamSettingsOf, frameCounter, holdsDreamSettings, isFeatureVisualisation, type DreamFrame } from './dream';
import { createExportSlice } from './export';
import { createExplainSlice } from './explain';
import { createLibrarySlice } from './library';
import { createModelSlice } from './model';
import { createUiSlice } from './ui';
import type { StudioState } from './types';

vi.mock('../lib/dataUrl', () => ({ loadImage: async (url: string) => ({ src: url }) }));

interface Call {
  method: string;
  request: Record<string, unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

let calls: Call[] = [];

function fakeApi() {
  return {
    call: (method: string, request: Record<string, unknown>) =>
      new Promise((resolve, reject) => {
        calls.push({ method, request, resolve, reject });
        if (method === 'job:cancel') resolve({ cancelled: true });
      }),
    onEvent: () => () => {},
    photoUrl: (path: string) => path,
  };
}

function newStudio() {
  // The slices as the studio builds them, without persistence (no localStorage in node).
  return create<StudioState>()((...args) => ({
    ...createLibrarySlice(...(args as Parameters<typeof createLibrarySlice>)),
    ...createModelSlice(...(args as Parameters<typeof createModelSlice>)),
    ...createExplainSlice(...(args as Parameters<typeof createExplainSlice>)),
    ...createDreamSlice(...(args as Parameters<typeof createDreamSlice>)),
    ...createExportSlice(...(args as Parameters<typeof createExportSlice>)),
    ...createUiSlice(...(args as Parameters<typeof createUiSlice>)),
  }));
}

type Studio = ReturnType<typeof newStudio>;

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function lastCall(method: string): Call {
  const call = calls.filter((candidate) => candidate.method === method).at(-1);
  if (!call) throw new Error(`no ${method} call`);
  return call;
}

/** Starts a dream on the selected photo and sends `frames` of it (progress says `total`). */
async function startDream(studio: Studio, frames: number, total: number): Promise<Call> {
  void studio.getState().runDream();
  await flush();
  const call = lastCall('dream:run');
  const jobId = call.request.jobId as string;
  for (let index = 0; index < frames; index++) {
    studio.getState().acceptFrame({ type: 'dream-frame', jobId, index, octave: 0, step: index, objective: index, width: 8, height: 6, image: `frame-${index}` });
    studio.getState().updateJob({ type: 'progress', jobId, done: index + 1, total, message: '' });
  }
  await flush();
  return call;
}

function resultOf(call: Call, frames: number): DreamResult {
  const spec = { ...DREAM_DEFAULTS, ...(call.request.spec as DreamSpec) } as DreamSpec;
  return { frames, width: 8, height: 6, spec, notes: [] };
}

/** What the compute process says about a job's frames; the studio keeps no rule of its own. */
function computeSays(type: 'dream-kept' | 'dream-released', jobId: unknown): void {
  studio.getState().computeDreamHeld({ type, jobId: jobId as string });
}

/** The host finishes the dream: the compute process keeps it, then the call answers. */
async function finish(call: Call, frames: number): Promise<void> {
  computeSays('dream-kept', call.request.jobId);
  call.resolve(resultOf(call, frames));
  await flush();
  await flush();
}

/** The host answers a cancel; `kept`: the compute process kept the frames made until then. */
async function cancel(call: Call, kept: boolean): Promise<void> {
  if (kept) computeSays('dream-kept', call.request.jobId);
  call.reject({ code: 'cancelled', message: 'cancelled' });
  await flush();
  await flush();
}

let studio: Studio;

beforeEach(() => {
  calls = [];
  (globalThis as unknown as { window: unknown }).window = { convscope: fakeApi() };
  studio = newStudio();
  studio.setState({ selectedPath: '/photos/chelsea.png', modelId: 'inception_v3', dreamParams: { ...studio.getState().dreamParams, layersText: 'mixed3:1, mixed5:1' } });
});

afterEach(() => {
  delete (globalThis as unknown as { window?: unknown }).window;
});

describe('frame counter', () => {
  it('counts to the frames the running dream will make, not to the frames so far', () => {
    expect(frameCounter(7, 8, 30, true)).toBe('8/30');
    expect(frameCounter(2, 8, 30, true)).toBe('3/30');
    expect(frameCounter(7, 8, 0, true)).toBe('8/8'); // before the first progress event
    expect(frameCounter(29, 30, 30, false)).toBe('30/30');
    expect(frameCounter(4, 8, 30, false)).toBe('5/8'); // cancelled after 8
  });
});

describe('a cancelled dream', () => {
  it('can still be exported: its frames so far, under its job id', async () => {
    const call = await startDream(studio, 3, 30);
    await cancel(call, true);
    const state = studio.getState();
    expect(state.dreamStatus).toBe('cancelled');
    expect(state.frames).toHaveLength(3);
    expect(state.exportableDreamJob).toBe(call.request.jobId);
    studio.setState({ outDir: '/out', dreamExportKind: 'frame', frameIndex: 1 });
    void studio.getState().exportDream();
    await flush();
    expect(lastCall('export:dream').request).toMatchObject({ dreamJobId: call.request.jobId, what: 'frame', frame: 1 });
  });

  it('cancelled before its first frame (the compute process keeps nothing), there is nothing to export', async () => {
    const call = await startDream(studio, 0, 30);
    await cancel(call, false);
    expect(studio.getState().exportableDreamJob).toBeNull();
  });
});

describe('picking another photo', () => {
  it('while a dream runs, asks first; "keep dreaming" keeps the dream and the photo', async () => {
    const call = await startDream(studio, 2, 30);
    studio.getState().selectPhoto('/photos/coffee.png');
    await flush();
    const confirm = studio.getState().confirm!;
    expect(confirm).not.toBeNull();
    expect(confirm.message).toMatch(/The dream of chelsea\.png is still running \(2 of 30 frames\)\. Opening coffee\.png stops it/);
    expect(confirm.cancelLabel).toBe('Keep dreaming');
    studio.getState().answerConfirm(false);
    await flush();
    const state = studio.getState();
    expect(state.selectedPath).toBe('/photos/chelsea.png');
    expect(state.dreamStatus).toBe('running');
    expect(state.frames).toHaveLength(2);
    expect(calls.some((candidate) => candidate.method === 'job:cancel')).toBe(false);
    await finish(call, 2);
    expect(studio.getState().dreamStatus).toBe('done');
  });

  it('stopping it keeps its frames with its photo, exportable, and shows them on coming back', async () => {
    const call = await startDream(studio, 2, 30);
    studio.getState().selectPhoto('/photos/coffee.png');
    await flush();
    studio.getState().answerConfirm(true);
    await flush();
    expect(studio.getState().selectedPath).toBe('/photos/coffee.png');
    expect(lastCall('job:cancel').request.jobId).toBe(call.request.jobId);
    expect(studio.getState().frames).toHaveLength(0);
    await cancel(call, true); // the host answers the cancel
    studio.getState().selectPhoto('/photos/chelsea.png');
    const state = studio.getState();
    expect(state.frames).toHaveLength(2);
    expect(state.dreamStatus).toBe('cancelled');
    expect(state.exportableDreamJob).toBe(call.request.jobId);
  });

  it('a finished dream is kept for its photo (and says so), and comes back with it', async () => {
    const call = await startDream(studio, 4, 4);
    await finish(call, 4);
    studio.getState().setFrameIndex(1);
    studio.getState().selectPhoto('/photos/coffee.png');
    expect(studio.getState().confirm).toBeNull();
    expect(studio.getState().frames).toHaveLength(0);
    expect(studio.getState().dreamStatus).toBe('idle');
    expect(studio.getState().toasts.at(-1)?.message).toBe('The dream of chelsea.png is kept: pick that photo again to see it.');
    studio.getState().selectPhoto('/photos/chelsea.png');
    const state = studio.getState();
    expect(state.dreamStatus).toBe('done');
    expect(state.frames.map((frame: DreamFrame) => frame.index)).toEqual([0, 1, 2, 3]);
    expect(state.frameIndex).toBe(1);
    expect(state.exportableDreamJob).toBe(call.request.jobId);
  });

  it('keeps the dreams of KEPT_DREAMS photos (the shown one and the latest others); the oldest is forgotten', async () => {
    const photos = Array.from({ length: KEPT_DREAMS + 1 }, (_, index) => `/photos/${index}.png`);
    for (const photo of photos) {
      studio.getState().selectPhoto(photo);
      await finish(await startDream(studio, 1, 1), 1);
    }
    expect(studio.getState().keptDreams.map((dream) => dream.photo)).toEqual(photos.slice(1, -1));
    for (const photo of photos.slice(1)) {
      studio.getState().selectPhoto(photo);
      expect(studio.getState().dreamStatus, photo).toBe('done');
      expect(studio.getState().frames, photo).toHaveLength(1);
    }
    studio.getState().selectPhoto(photos[0]!);
    expect(studio.getState().dreamStatus).toBe('idle');
    expect(studio.getState().frames).toHaveLength(0);
  });

  it('a dream the compute process releases still shows but is no longer exportable; other jobs change nothing', async () => {
    const first = await startDream(studio, 2, 2);
    await finish(first, 2);
    studio.getState().selectPhoto('/photos/coffee.png');
    const second = await startDream(studio, 1, 1);
    await finish(second, 1);
    // Another tab's dream, on the same compute process, pushed out a dream of its own.
    computeSays('dream-released', 'job-of-another-tab');
    expect(studio.getState().exportableDreamJob).toBe(second.request.jobId);
    expect(studio.getState().keptDreams[0]!.exportableDreamJob).toBe(first.request.jobId);
    // …and then this tab's dream of chelsea, kept for its photo.
    computeSays('dream-released', first.request.jobId);
    expect(studio.getState().exportableDreamJob).toBe(second.request.jobId);
    studio.getState().selectPhoto('/photos/chelsea.png');
    expect(studio.getState().dreamStatus).toBe('done');
    expect(studio.getState().frames).toHaveLength(2);
    expect(studio.getState().exportableDreamJob).toBeNull();
    // The shown dream, released while shown.
    studio.getState().selectPhoto('/photos/coffee.png');
    computeSays('dream-released', second.request.jobId);
    expect(studio.getState().frames).toHaveLength(1);
    expect(studio.getState().exportableDreamJob).toBeNull();
  });

  it('after a compute restart, no kept dream claims to be exportable', async () => {
    const call = await startDream(studio, 1, 1);
    await finish(call, 1);
    studio.getState().selectPhoto('/photos/coffee.png');
    studio.getState().forgetComputeDreams();
    studio.getState().selectPhoto('/photos/chelsea.png');
    expect(studio.getState().frames).toHaveLength(1);
    expect(studio.getState().exportableDreamJob).toBeNull();
  });
});

describe('loading a dream’s settings', () => {
  it('puts the spec the dream ran with back into the fields; then they hold it', async () => {
    const call = await startDream(studio, 1, 1);
    await finish(call, 1);
    const spec = studio.getState().dreamResult!.spec;
    expect(holdsDreamSettings(studio.getState().dreamParams, studio.getState().dreamGuide, spec)).toBe(true);
    studio.getState().setDreamParam('seed', 99);
    studio.getState().setDreamParam('layersText', 'mixed4:2');
    expect(holdsDreamSettings(studio.getState().dreamParams, studio.getState().dreamGuide, spec)).toBe(false);
    studio.getState().loadDreamSettings();
    expect(studio.getState().dreamParams).toMatchObject({ seed: spec.seed, layersText: 'mixed3:1, mixed5:1', octaves: spec.octaves });
    expect(holdsDreamSettings(studio.getState().dreamParams, studio.getState().dreamGuide, spec)).toBe(true);
    expect(dreamSettingsOf({ ...spec, channel: { layer: 'mixed4', index: 12 }, guide: '/g.jpg' })).toMatchObject({ params: { channelLayer: 'mixed4', channelIndex: 12 }, guide: '/g.jpg' });
  });
});

describe('feature visualisation on the canvas', () => {
  it('is recognised by its timeline label, only once it has frames', () => {
    const frame = { index: 0 } as DreamFrame;
    expect(isFeatureVisualisation({ dreamLabel: 'channel 5 of layer block_12_add', frames: [frame] })).toBe(true);
    expect(isFeatureVisualisation({ dreamLabel: 'channel 5 of layer block_12_add', frames: [] })).toBe(false);
    expect(isFeatureVisualisation({ dreamLabel: 'Deep Dream', frames: [frame] })).toBe(false);
  });
});
