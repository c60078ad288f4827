// Cancellation, the same everywhere: long work checks its AbortSignal between steps and throws an
// AbortError, which the hosts report as 'cancelled'.

export class AbortError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'AbortError';
  }
}

export function throwIfAborted(signal: AbortSignal | undefined, message?: string): void {
  if (signal?.aborted) throw new AbortError(message);
}

/** Lets queued messages (a cancel, a progress send) run between heavy synchronous chunks. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
