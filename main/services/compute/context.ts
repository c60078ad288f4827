import type { HostEvent } from '../../../preload/contract';

/** What every compute service gets besides its parameters. */
export interface JobContext {
  jobId: string;
  signal: AbortSignal;
  emit(event: HostEvent): void;
  progress(done: number, total: number, message: string): void;
}
