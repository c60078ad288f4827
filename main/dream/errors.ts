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
