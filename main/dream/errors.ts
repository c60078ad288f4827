/** Thrown when a dream is cancelled through its AbortSignal. */
export class AbortError extends Error {
  constructor(message = 'dream cancelled') {
    super(message);
    this.name = 'AbortError';
  }
}

export type DreamErrorCode = 'too-small' | 'bad-channel' | 'not-finite' | 'bad-spec';

/** A dream that cannot run as asked; the message names the layer / size and the reason. */
export class DreamError extends Error {
  constructor(
    readonly code: DreamErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DreamError';
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError();
}

/** Lets cancellation messages and IPC run between heavy synchronous chunks. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
