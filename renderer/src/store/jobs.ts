// Runs one host job: registers it for the status bar (progress, cancel) and turns failures into toasts.
import type { ErrorCode } from '../../../preload/contract';
import { api, errorCode, errorMessage, newJobId } from '../lib/api';
import type { JobKind, StudioState } from './types';

export interface JobOptions {
  /** Error codes the caller handles itself (rethrown instead of toasted). */
  passThrough?: ErrorCode[];
  /** Use this id instead of a fresh one (the caller needs it before the job starts). */
  jobId?: string;
  /** Failures the caller shows inline instead of in a toast. */
  onError?: (error: unknown) => boolean;
  /** Do not tell the user about a cancellation (the caller replaced the job). */
  quietCancel?: boolean | (() => boolean);
}

export async function withJob<T>(
  get: () => StudioState,
  kind: JobKind,
  label: string,
  run: (jobId: string) => Promise<T>,
  options: JobOptions = {},
): Promise<T | undefined> {
  const jobId = options.jobId ?? newJobId();
  get().startJob(jobId, kind, label);
  try {
    return await run(jobId);
  } catch (error) {
    const code = errorCode(error);
    if (code && options.passThrough?.includes(code)) throw error;
    if (code === 'cancelled') {
      const quiet = typeof options.quietCancel === 'function' ? options.quietCancel() : options.quietCancel;
      if (!quiet) get().toast('info', `${label}: cancelled`);
    } else if (!options.onError?.(error)) {
      get().toast('error', `${label}: ${errorMessage(error)}`);
    }
    return undefined;
  } finally {
    get().endJob(jobId);
  }
}

/** Asks the host to stop a job the studio no longer wants; nobody is told, whatever the answer. */
export function cancelQuietly(jobId: string): void {
  void api().call('job:cancel', { jobId }).catch(() => undefined);
}

/** State fields that hold the id of the one running job of their kind. */
export type JobSlot = 'classifyJob' | 'heatmapJob' | 'faithfulnessJob' | 'featureJob';

/**
 * Runs a job that replaces the one in `slot`: the old job is cancelled (quietly, unless `options`
 * say otherwise), the slot holds the new id while it runs and is cleared after unless a newer job took it.
 */
export async function withReplacingJob<T>(
  get: () => StudioState,
  set: (partial: Partial<StudioState>) => void,
  slot: JobSlot,
  kind: JobKind,
  label: string,
  run: (jobId: string) => Promise<T>,
  options: Omit<JobOptions, 'jobId'> = {},
): Promise<T | undefined> {
  const previous = get()[slot];
  if (previous) cancelQuietly(previous);
  const jobId = newJobId();
  set({ [slot]: jobId });
  const result = await withJob(get, kind, label, run, { quietCancel: () => get()[slot] !== jobId, ...options, jobId });
  if (get()[slot] === jobId) set({ [slot]: null });
  return result;
}
