// The compute process keeps one running job per id: a second call under a running job's id is
// refused, so it can neither take over nor lose the first job's cancel.
import { afterAll, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../preload/contract';
import { photo } from '../testing/paths';
import { ComputeHost } from './compute-host';
import { spawnNodeCompute } from './spawn-node';

const events: HostEvent[] = [];
const compute = new ComputeHost(() => spawnNodeCompute(), (event) => events.push(event));

afterAll(() => compute.stop());

describe('compute process job ids', () => {
  it('refuses a duplicate running job id and still cancels the first job', async () => {
    const spec = { path: photo('everyday/rocket.jpg'), model: 'mobilenet_v2', octaves: 1, steps: 300, maxSize: 96 };
    const dream = compute.call('dream', { spec, previews: false }, 'same-id');
    const outcome = dream.then(
      () => 'finished',
      (error: { code?: string }) => error.code,
    );
    while (!events.some((event) => event.type === 'dream-frame' && event.jobId === 'same-id')) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await expect(compute.call('models:summary', { model: 'mobilenet_v2' }, 'same-id')).rejects.toMatchObject({
      code: 'invalid-request',
      message: 'job id "same-id" is already in use by a running job; give each job its own id',
    });
    expect(compute.cancel('same-id')).toBe(true);
    expect(await outcome).toBe('cancelled');
    // The id is free again once its job has ended.
    await expect(compute.call('models:summary', { model: 'mobilenet_v2' }, 'same-id')).resolves.toMatchObject({ id: 'mobilenet_v2' });
  });
});
