// Disk cache of JPEG thumbnails keyed by (real path, size, mtime, bytes): an edited photo gets a new key.
// Generation runs with bounded concurrency; identical requests in flight share one render.
import { createHash } from 'node:crypto';
import { mkdir, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { toPhotoError } from '../image/errors';
import { renderThumbnail } from '../image/thumbnail';
import type { PhotoError } from '../image/types';
import { createLimiter } from './limit';

/** Bump when thumbnails change look (quality, colour handling), to ignore older cache files. */
const CACHE_VERSION = 1;
export const MIN_THUMBNAIL_SIZE = 16;
export const MAX_THUMBNAIL_SIZE = 4096;
/** Bad files are remembered (same key: same path, size, mtime, bytes) so a scrolling grid does not retry them. */
const REMEMBERED_FAILURES = 1000;

export interface ThumbnailStats {
  hits: number;
  renders: number;
}

export class ThumbnailCache {
  readonly stats: ThumbnailStats = { hits: 0, renders: 0 };
  private readonly limit: <T>(task: () => Promise<T>) => Promise<T>;
  private readonly inFlight = new Map<string, Promise<Buffer>>();
  private readonly failures = new Map<string, PhotoError>();
  private ready: Promise<unknown> | null = null;

  constructor(
    readonly dir: string,
    concurrency = availableParallelism(),
  ) {
    this.limit = createLimiter(concurrency);
  }

  /** Upright JPEG fitting inside size×size. Rejects with PhotoError for missing or bad photos. */
  async get(file: string, size: number): Promise<Buffer> {
    if (!Number.isInteger(size) || size < MIN_THUMBNAIL_SIZE || size > MAX_THUMBNAIL_SIZE) {
      throw new RangeError(`thumbnail size must be an integer from ${MIN_THUMBNAIL_SIZE} to ${MAX_THUMBNAIL_SIZE} (got ${size})`);
    }
    let key: string;
    try {
      const real = await realpath(file);
      const info = await stat(real);
      key = createHash('sha256').update(JSON.stringify([CACHE_VERSION, real, size, info.mtimeMs, info.size])).digest('hex');
    } catch (error) {
      throw await toPhotoError(file, error);
    }
    const failure = this.failures.get(key);
    if (failure) throw failure;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const result = this.fetch(file, size, key).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, result);
    return result;
  }

  /** Where the thumbnail for a key lives. */
  pathFor(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.jpg`);
  }

  private async fetch(file: string, size: number, key: string): Promise<Buffer> {
    const target = this.pathFor(key);
    const cached = await readFile(target).catch(() => null);
    if (cached && cached.length > 0) {
      this.stats.hits += 1;
      return cached;
    }
    let jpeg: Buffer;
    try {
      jpeg = await this.limit(() => renderThumbnail(file, size));
    } catch (error) {
      const photoError = await toPhotoError(file, error);
      if (this.failures.size >= REMEMBERED_FAILURES) this.failures.delete(this.failures.keys().next().value!);
      this.failures.set(key, photoError);
      throw photoError;
    }
    this.stats.renders += 1;
    await this.store(target, jpeg).catch(() => undefined); // a full or read-only cache disk only costs speed
    return jpeg;
  }

  private async store(target: string, jpeg: Buffer): Promise<void> {
    this.ready ??= mkdir(this.dir, { recursive: true });
    await this.ready;
    await mkdir(join(target, '..'), { recursive: true });
    const temp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await writeFile(temp, jpeg);
      await rename(temp, target);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }
}
