// The contract's error shape, in its own zod-free module so the sandboxed preload stays small.

export type ErrorCode =
  | 'invalid-request'
  | 'photo'
  | 'not-allowed'
  | 'exists'
  | 'cancelled'
  | 'engine'
  | 'compute-crashed'
  | 'internal';

/** What every failed call rejects with, on both hosts. */
export interface ApiErrorShape {
  code: ErrorCode;
  message: string;
}

export class ApiError extends Error implements ApiErrorShape {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The envelope both transports carry, since Electron's invoke keeps only an error's message. */
export type Envelope<T> = { ok: true; result: T } | { ok: false; error: ApiErrorShape };

