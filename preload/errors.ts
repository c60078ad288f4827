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
  /** 'exists': every file that would be replaced (the message names at most 50 of them). */
  paths?: string[];
}

export class ApiError extends Error implements ApiErrorShape {
  readonly paths?: string[];
  constructor(
    readonly code: ErrorCode,
    message: string,
    paths?: readonly string[],
  ) {
    super(message);
    this.name = 'ApiError';
    if (paths) this.paths = [...paths];
  }
}

/** The envelope both transports carry, since Electron's invoke keeps only an error's message. */
export type Envelope<T> = { ok: true; result: T } | { ok: false; error: ApiErrorShape };

