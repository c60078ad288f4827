// Crash recovery: the compute process dies mid-dream; the job fails clearly, the next one works.
import { afterAll, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../preload/contract';
import { photo } from '../testing/paths';
import { ComputeHost } from './compute-host';
import { spawnNodeCompute } from './spawn-node';

const events: HostEvent[] = [];
const compute = new ComputeHost(() => spawnNodeCompute(), (event) => events.push(event));

afterAll(() => compute.stop());

describe('compute host', () => {
  it('reports its runtime, restarts after being killed during a dream, and runs the next job', async () => {
    const runtime = await compute.call('runtime', {}, 'runtime');
    expect(['wasm', 'cpu', 'tensorflow', 'tensorflow-gpu']).toContain(runtime.backend);

    const spec = { path: photo('everyday/rocket.jpg'), model: 'mobilenet_v2', octaves: 1, steps: 50, maxSize: 96 };
    const dream = compute.call('dream', { spec, previews: false }, 'doomed');
    let settled: unknown = null;
    dream.then((value) => (settled = { value }), (error: unknown) => (settled = { error }));
    await new Promise<void>((resolve) => {
      const waitForFrame = setInterval(() => {
        if (settled || events.some((event) => event.type === 'dream-frame' && event.jobId === 'doomed')) {
          clearInterval(waitForFrame);
          resolve();
        }
      }, 20);
    });
    expect(settled, 'the dream ended before it could be killed').toBeNull();
    const killedPid = compute.pid!;
    process.kill(killedPid, 'SIGKILL');
    await expect(dream).rejects.toMatchObject({ code: 'compute-crashed', message: expect.stringContaining('killed by SIGKILL') });
    expect(events.some((event) => event.type === 'compute-restarted')).toBe(true);
    expect(compute.pid).not.toBe(killedPid);

    const classification = await compute.call('classify', { path: photo('everyday/chelsea.png'), model: 'mobilenet_v2', top: 3 }, 'after');
    expect(classification.top).toHaveLength(3);
  });

  it('cancels a running job', async () => {
    const spec = { path: photo('everyday/rocket.jpg'), model: 'mobilenet_v2', octaves: 1, steps: 200, maxSize: 96 };
    const job = compute.call('dream', { spec, previews: false }, 'to-cancel');
    setTimeout(() => compute.cancel('to-cancel'), 1500);
    await expect(job).rejects.toMatchObject({ code: 'cancelled' });
  });
});
