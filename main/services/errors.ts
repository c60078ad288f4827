// Turns whatever a service threw into the contract's error shape, so users see a reason, not a stack.
import { ApiError, type ApiErrorShape } from '../../preload/contract';
import { PhotoError } from '../image/types';
import { EngineError } from '../engine/types';

export function toApiError(error: unknown): ApiErrorShape {
  if (error instanceof ApiError) return { code: error.code, message: error.message };
  if (error instanceof PhotoError) return { code: 'photo', message: error.message };
  if (error instanceof EngineError) return { code: 'engine', message: error.message };
  if (error instanceof Error) {
    if (error.name === 'AbortError') return { code: 'cancelled', message: 'cancelled' };
    if (error.name === 'ExistsError') return { code: 'exists', message: error.message };
    if (error.name === 'InputOverwriteError') return { code: 'not-allowed', message: error.message };
    if (error.name === 'ModelDownloadError') return { code: (error as Error & { code: string }).code === 'cancelled' ? 'cancelled' : 'engine', message: error.message };
    if (error.name === 'FolderError') return { code: 'invalid-request', message: error.message };
    if (error.name === 'ZodError') return { code: 'invalid-request', message: error.message };
    return { code: 'internal', message: error.message };
  }
  return { code: 'internal', message: String(error) };
}

export function abortError(): Error {
  const error = new Error('cancelled');
  error.name = 'AbortError';
  return error;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError();
}
