// Turns whatever a service threw into the contract's error shape, so users see a reason, not a stack.
import { ApiError, type ApiErrorShape } from '../../preload/contract';
import { AbortError } from '../abort';
import { ModelDownloadError } from '../catalogue/errors';
import { DreamError } from '../dream/errors';
import { EngineError } from '../engine/types';
import { ExistsError } from '../export/atomic';
import { InputOverwriteError } from '../export/same-path';
import { ExplainError } from '../explain/types';
import { PhotoError } from '../image/types';
import { FolderError } from '../library/walk';

/** One running job per id: a second job under a running id would take over (and lose) its cancel. */
export function jobIdInUse(jobId: string): ApiError {
  return new ApiError('invalid-request', `job id "${jobId}" is already in use by a running job; give each job its own id`);
}

/** What a failed file-system call on a path means for the user (an output folder that is a file, …). */
const FILE_SYSTEM_REASONS: Record<string, string> = {
  EEXIST: 'a file is in the way where a folder is needed',
  ENOTDIR: 'part of this path is a file, not a folder',
  EISDIR: 'is a folder, not a file',
  ENOENT: 'does not exist',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'is on a read-only file system',
  ENOSPC: 'no space left on the device',
};

function fileSystemError(error: Error): ApiErrorShape | null {
  const { code, path } = error as NodeJS.ErrnoException;
  const reason = code ? FILE_SYSTEM_REASONS[code] : undefined;
  return reason && typeof path === 'string' ? { code: 'invalid-request', message: `${path}: ${reason}` } : null;
}

export function toApiError(error: unknown): ApiErrorShape {
  if (error instanceof ApiError) return { code: error.code, message: error.message, ...(error.paths ? { paths: [...error.paths] } : {}) };
  if (error instanceof PhotoError) return { code: 'photo', message: error.message };
  if (error instanceof AbortError || (error instanceof Error && error.name === 'AbortError')) return { code: 'cancelled', message: 'cancelled' };
  if (error instanceof ExistsError) return { code: 'exists', message: error.message, paths: [...error.paths] };
  if (error instanceof InputOverwriteError) return { code: 'not-allowed', message: error.message };
  if (error instanceof ModelDownloadError) return { code: error.code === 'cancelled' ? 'cancelled' : 'engine', message: error.message };
  // What the user asked for cannot be done (a layer, class, channel or size that does not fit).
  if (error instanceof EngineError || error instanceof ExplainError || error instanceof DreamError) return { code: 'engine', message: error.message };
  if (error instanceof FolderError || error instanceof RangeError) return { code: 'invalid-request', message: error.message };
  if (error instanceof Error) {
    if (error.name === 'ZodError') return { code: 'invalid-request', message: error.message };
    return fileSystemError(error) ?? { code: 'internal', message: error.message };
  }
  return { code: 'internal', message: String(error) };
}
