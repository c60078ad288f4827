// The CLI's link to the compute process: the same services the studio uses, run as jobs.
import { randomUUID } from 'node:crypto';
import type { HostEvent } from '../../preload/contract';
import { ComputeHost } from '../host/compute-host';
import type { ComputeMethod, ComputeParams, ComputeResult } from '../host/protocol';
import { spawnNodeCompute } from '../host/spawn-node';

export class CliSession {
  private readonly listeners = new Set<(event: HostEvent) => void>();
  readonly compute = new ComputeHost(() => spawnNodeCompute(), (event) => {
    for (const listener of this.listeners) listener(event);
  });
  private current: string | null = null;
  /** The id of the most recent job (a dream's frames stay in the compute process under it). */
  lastJobId = '';

  constructor() {
    // Ctrl-C cancels the running job (its files are written atomically, so nothing half-written stays).
    process.once('SIGINT', () => {
      if (this.current) this.compute.cancel(this.current);
      else this.close();
    });
  }

  async run<M extends ComputeMethod>(method: M, params: ComputeParams<M>, onEvent?: (event: HostEvent) => void): Promise<ComputeResult<M>> {
    const jobId = randomUUID();
    const listener = (event: HostEvent): void => {
      if ('jobId' in event && event.jobId !== jobId) return;
      onEvent?.(event);
    };
    this.listeners.add(listener);
    this.current = jobId;
    this.lastJobId = jobId;
    try {
      return await this.compute.call(method, params, jobId);
    } finally {
      this.current = null;
      this.listeners.delete(listener);
    }
  }

  close(): void {
    this.compute.stop();
  }
}
