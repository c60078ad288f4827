// Messages between main (ComputeHost) and the compute process. One shape for both directions.
import type { Envelope, HostEvent } from '../../preload/contract';

export type ToCompute =
  | { type: 'call'; id: number; jobId: string; method: string; params: unknown }
  | { type: 'cancel'; jobId: string }
  /** Clean up (temporary frame caches) and exit. */
  | { type: 'shutdown' };

export type FromCompute =
  | { type: 'ready' }
  | { type: 'result'; id: number; envelope: Envelope<unknown> }
  | { type: 'event'; event: HostEvent };
