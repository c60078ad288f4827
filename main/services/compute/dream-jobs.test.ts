// Which dreams the compute process holds for export, and that it says so: every studio (two browser
// tabs share one compute process) learns it from 'dream-kept' / 'dream-released', not from a copy
// of the rule.
import { beforeAll, describe, expect, it } from 'vitest';
import { KEPT_DREAMS, type HostEvent } from '../../../preload/contract';
import { initRuntime } from '../../engine/runtime';
import { photo } from '../../testing/paths';
import type { JobContext } from './context';
import { getDream, runDreamJob } from './dream-jobs';

const events: HostEvent[] = [];
const held = (): string[] => events.filter((event) => event.type === 'dream-kept' || event.type === 'dream-released').map((event) => `${event.type} ${'jobId' in event ? event.jobId : ''}`);

function context(jobId: string, signal = new AbortController().signal): JobContext {
  return { jobId, signal, emit: (event) => events.push(event), progress: () => {} };
}

const smallDream = (jobId: string, signal?: AbortSignal) =>
  runDreamJob({ spec: { path: photo('everyday/chelsea.png'), model: 'mobilenet_v2', octaves: 1, steps: 1, maxSize: 48 }, previews: false }, context(jobId, signal));

beforeAll(() => initRuntime());

describe('kept dreams', () => {
  it('says which dream it keeps, and releases the oldest once more than KEPT_DREAMS are kept', async () => {
    events.length = 0;
    const jobs = Array.from({ length: KEPT_DREAMS + 1 }, (_, index) => `kept-${index}`);
    for (const job of jobs.slice(0, -1)) await smallDream(job);
    expect(held()).toEqual(jobs.slice(0, -1).map((job) => `dream-kept ${job}`));
    await smallDream(jobs.at(-1)!);
    expect(held().slice(-2)).toEqual([`dream-kept ${jobs.at(-1)}`, `dream-released ${jobs[0]}`]);
    expect(getDream(jobs[0]!)).toBeUndefined();
    for (const job of jobs.slice(1)) expect(getDream(job)).toBeDefined();
  }, 60_000);

  it('a new dream under a kept id replaces it without releasing the id', async () => {
    await smallDream('same-id');
    events.length = 0;
    await smallDream('same-id');
    expect(held()).toEqual(['dream-kept same-id']);
    expect(getDream('same-id')).toBeDefined();
  }, 60_000);

  it('a dream cancelled after a frame is kept (its frames so far can be exported)', async () => {
    events.length = 0;
    const controller = new AbortController();
    const job = context('cancelled-late', controller.signal);
    const spec = { path: photo('everyday/chelsea.png'), model: 'mobilenet_v2', octaves: 1, steps: 3, maxSize: 48 };
    await expect(runDreamJob({ spec, previews: false }, { ...job, progress: () => controller.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(held()[0]).toBe('dream-kept cancelled-late'); // (then it releases the oldest of the earlier tests')
    expect(getDream('cancelled-late')).toMatchObject({ cancelled: true });
    expect(getDream('cancelled-late')!.frames.count).toBe(1);
  }, 60_000);

  it('a dream cancelled before its first frame is not kept and releases nothing', async () => {
    events.length = 0;
    const controller = new AbortController();
    controller.abort();
    await expect(smallDream('cancelled-early', controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(held()).toEqual([]);
    expect(getDream('cancelled-early')).toBeUndefined();
  }, 60_000);
});
