// The one error type the catalogue throws; `code` lets the UI pick the wording and whether "Retry" makes sense.

export type ModelDownloadErrorCode =
  /** DNS failure, connection refused, network unreachable: nothing was reached. */
  | 'offline'
  /** The connection dropped or stalled after it was made; a retry resumes. */
  | 'network'
  /** The server answered with a non-success status. */
  | 'http'
  /** A file's size or sha256 is not what was promised. */
  | 'integrity'
  /** The caller's AbortSignal fired. */
  | 'cancelled'
  /** model.json is not a tfjs model (not JSON, no weightsManifest, unsafe weight paths). */
  | 'bad-model'
  /** The cache folder could not be written (permissions, disk full). */
  | 'io';

export class ModelDownloadError extends Error {
  constructor(
    readonly code: ModelDownloadErrorCode,
    message: string,
    /** The file the error is about, relative to the model folder (e.g. "group1-shard2of4.bin"). */
    readonly file?: string,
    /** The HTTP status for code 'http'. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ModelDownloadError';
  }
}
