import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RgbImage } from '../image/types';

export interface FrameStoreOptions {
  /** Frames kept in memory (the newest ones); older frames live on disk. Default 8. */
  maxInMemory?: number;
  /** Parent folder of the cache folder; default os.tmpdir(). */
  dir?: string;
}

const HEADER_BYTES = 8;

/**
 * Dream frames by index: the newest `maxInMemory` in RAM, the rest spilled to raw files
 * (8-byte header width,height as uint32 LE + RGB bytes) in a private cache folder.
 */
export class FrameStore {
  private readonly memory = new Map<number, RgbImage>();
  private readonly onDisk = new Set<number>();
  private readonly maxInMemory: number;
  private readonly parent: string;
  private folder: Promise<string> | undefined;
  private total = 0;
  private disposed = false;

  /** A string is an existing, dedicated cache folder (deleted by dispose()). */
  constructor(options: FrameStoreOptions | string = {}) {
    const settings = typeof options === 'string' ? {} : options;
    this.maxInMemory = Math.max(1, settings.maxInMemory ?? 8);
    this.parent = settings.dir ?? tmpdir();
    if (typeof options === 'string') this.folder = Promise.resolve(options);
  }

  get count(): number {
    return this.total;
  }

  /** The cache folder, once something was spilled (for tests and diagnostics). */
  async cacheDir(): Promise<string | undefined> {
    return this.folder;
  }

  /** Stores a frame (the store keeps the object; do not mutate it later). Returns its index. */
  async add(image: RgbImage): Promise<number> {
    if (this.disposed) throw new Error('FrameStore: add() after dispose()');
    const index = this.total++;
    this.memory.set(index, image);
    while (this.memory.size > this.maxInMemory) {
      const oldest = this.memory.keys().next().value as number;
      await this.spill(oldest, this.memory.get(oldest)!);
      this.memory.delete(oldest);
    }
    return index;
  }

  async get(index: number): Promise<RgbImage> {
    if (!Number.isInteger(index) || index < 0 || index >= this.total) {
      throw new RangeError(`FrameStore: frame ${index} does not exist (${this.total} frames).`);
    }
    const inMemory = this.memory.get(index);
    if (inMemory) return inMemory;
    const bytes = await readFile(join(await this.folder!, frameFile(index)));
    const width = bytes.readUInt32LE(0);
    const height = bytes.readUInt32LE(4);
    return { data: new Uint8Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES, width * height * 3), width, height };
  }

  /** Every frame in order, reading spilled ones one at a time. */
  async *frames(): AsyncGenerator<RgbImage> {
    for (let i = 0; i < this.total; i++) yield await this.get(i);
  }

  /** Forgets every frame and deletes the cache folder. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.memory.clear();
    this.onDisk.clear();
    const folder = this.folder;
    this.folder = undefined;
    if (folder) await rm(await folder, { recursive: true, force: true });
  }

  private async spill(index: number, image: RgbImage): Promise<void> {
    this.folder ??= mkdtemp(join(this.parent, 'convscope-frames-'));
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt32LE(image.width, 0);
    header.writeUInt32LE(image.height, 4);
    await writeFile(join(await this.folder, frameFile(index)), Buffer.concat([header, image.data]));
    this.onDisk.add(index);
  }
}

const frameFile = (index: number): string => `frame-${String(index).padStart(6, '0')}.raw`;
