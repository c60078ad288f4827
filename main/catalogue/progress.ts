// Byte progress over several files whose sizes become known one by one. Reported `done` never goes
// back (a file restarted from zero holds the bar until it catches up) and never exceeds `total`.

export type ProgressListener = (doneBytes: number, totalBytes: number | null, file: string) => void;

export class DownloadProgress {
  private readonly counted = new Map<string, number>();
  private readonly known = new Map<string, number | null>();
  /** Sizes known for a set of files together (a weight group's shards). */
  private readonly pooled: { files: string[]; bytes: number | null }[] = [];
  private readonly finished = new Set<string>();
  private reported = 0;
  private poolsKnown = false;

  constructor(private readonly listener?: ProgressListener) {}

  /** A file whose size is not known yet (null) or known (its byte count). */
  expect(file: string, bytes: number | null): void {
    this.known.set(file, bytes);
  }

  /**
   * The weight groups: files whose sizes together are `bytes` (null: unknowable until all are fetched).
   * Until this is called the total is unknown.
   */
  expectPools(pools: { files: string[]; bytes: number | null }[]): void {
    this.pooled.push(...pools.map((p) => ({ ...p })));
    this.poolsKnown = true;
  }

  /** A file already complete from an earlier attempt, counted silently so the first event includes it. */
  credit(file: string, bytes: number): void {
    this.counted.set(file, bytes);
  }

  /** The file's bytes already on disk; replaces what was counted for it before. */
  start(file: string, bytesOnDisk: number, fileTotal: number | null): void {
    this.counted.set(file, bytesOnDisk);
    if (fileTotal !== null && this.known.has(file)) this.known.set(file, fileTotal);
    this.emit(file);
  }

  add(file: string, bytes: number): void {
    this.counted.set(file, (this.counted.get(file) ?? 0) + bytes);
    this.emit(file);
  }

  /** A file is complete at this size (fixes the total when its size was unknown). */
  finish(file: string, bytes: number): void {
    this.counted.set(file, bytes);
    if (this.known.has(file)) this.known.set(file, bytes);
    for (const pool of this.pooled) {
      if (pool.bytes === null && pool.files.every((f) => this.finished.has(f) || f === file)) {
        pool.bytes = pool.files.reduce((sum, f) => sum + (this.counted.get(f) ?? 0), 0);
      }
    }
    this.finished.add(file);
    this.emit(file);
  }

  private done(): number {
    let sum = 0;
    for (const bytes of this.counted.values()) sum += bytes;
    return sum;
  }

  total(): number | null {
    if (!this.poolsKnown) return null;
    let sum = 0;
    for (const bytes of this.known.values()) {
      if (bytes === null) return null;
      sum += bytes;
    }
    for (const pool of this.pooled) {
      if (pool.bytes === null) return null;
      sum += pool.bytes;
    }
    return sum;
  }

  emit(file: string): void {
    const total = this.total();
    let done = Math.max(this.reported, this.done());
    if (total !== null) done = Math.min(done, total);
    this.reported = done;
    this.listener?.(done, total, file);
  }

  /** The closing event: everything is on disk, so total = done. */
  complete(file: string): void {
    const done = Math.max(this.reported, this.done());
    this.reported = done;
    this.listener?.(done, done, file);
  }
}
