// Downloads a tfjs model (model.json, its weight shards, labels) into <cacheDir>/<id>/ so that
// loadModelFromDir can open it. Work happens in <id>.partial/; the final folder appears only by an
// atomic rename after every file is verified, and an interrupted download resumes on the next call.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  RECORD_FILE,
  isCompleteModelDir,
  modelDir,
  partialDir,
  promote,
  withFolderLock,
  writeFileAtomic,
  type DownloadRecord,
} from './cache';
import { ModelDownloadError } from './errors';
import { cancelledError, fetchFile, type FileState } from './fetchFile';
import { groupBytes, parseModelJson, siblingUrl, type WeightGroup } from './manifest';
import { DownloadProgress, type ProgressListener } from './progress';

/** Anything with an id and a model.json URL; catalogue entries carry the rest. */
export interface DownloadSource {
  id: string;
  url: string;
  name?: string;
  inputSize?: [number, number];
  inputRange?: [number, number];
  labelsUrl?: string;
  labels?: readonly string[];
  sha256?: Record<string, string>;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  /** Bytes on disk so far, the total when known (null before model.json is read), the current file. */
  onProgress?: ProgressListener;
  /** Defaults to Node's global fetch (undici). */
  fetch?: typeof fetch;
  /** A response that sends nothing for this long fails with code 'network' (default 60 s). */
  stallTimeoutMs?: number;
}

const STATE_FILE = '.state.json';

interface PartialState {
  url: string;
  labelsUrl?: string;
  files: Record<string, FileState>;
}

async function readState(dir: string): Promise<PartialState | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')) as PartialState;
  } catch {
    return undefined;
  }
}

async function sizeOf(path: string): Promise<number | undefined> {
  return stat(path).then((s) => s.size, () => undefined);
}

const sha256Hex = (content: string | Uint8Array) => createHash('sha256').update(content).digest('hex');

function asIoError(error: unknown, where: string): unknown {
  if (error instanceof ModelDownloadError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string') {
    return new ModelDownloadError('io', `could not write the model cache at ${where}: ${(error as Error).message}`);
  }
  return error;
}

/**
 * Returns the folder of the complete model, downloading what is missing. A model already complete in
 * the cache returns at once without touching the network.
 */
export async function downloadModel(source: DownloadSource, cacheDir: string, options: DownloadOptions = {}): Promise<string> {
  const finalDir = modelDir(cacheDir, source.id);
  const signal = options.signal ?? new AbortController().signal;
  const job = withFolderLock(finalDir, () => downloadUnlocked(source, finalDir, signal, options));
  if (!options.signal) return job;
  // A caller queued behind another download of the same model can still cancel while it waits.
  job.catch(() => undefined);
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(cancelledError('model.json'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([job, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

async function downloadUnlocked(source: DownloadSource, finalDir: string, signal: AbortSignal, options: DownloadOptions): Promise<string> {
  if (await isCompleteModelDir(finalDir, source.url)) return finalDir;
  if (signal.aborted) throw cancelledError('model.json');
  const partial = partialDir(finalDir);
  try {
    await new PartialDownload(source, finalDir, partial, signal, options).run();
    return finalDir;
  } catch (error) {
    throw asIoError(error, partial);
  }
}

class PartialDownload {
  private state: PartialState = { url: '', files: {} };
  private readonly progress: DownloadProgress;
  private readonly what: string;

  constructor(
    private readonly source: DownloadSource,
    private readonly finalDir: string,
    private readonly dir: string,
    private readonly signal: AbortSignal,
    private readonly options: DownloadOptions,
  ) {
    this.progress = new DownloadProgress(options.onProgress);
    this.what = source.name ?? source.id;
  }

  async run(): Promise<void> {
    const { source } = this;
    const previous = await readState(this.dir);
    if (previous && previous.url === source.url && previous.labelsUrl === source.labelsUrl) {
      this.state = previous;
    } else {
      await rm(this.dir, { recursive: true, force: true });
      this.state = { url: source.url, labelsUrl: source.labelsUrl, files: {} };
    }
    await mkdir(this.dir, { recursive: true });
    await this.save();
    // Bytes kept from an earlier attempt count from the first event on.
    for (const [file, known] of Object.entries(this.state.files)) {
      const onDisk = await sizeOf(join(this.dir, file));
      if (onDisk !== undefined && (known.done ? onDisk === known.bytes : known.validator !== undefined)) {
        this.progress.credit(file, onDisk);
      }
    }

    this.progress.expect('model.json', null);
    if (source.labelsUrl) this.progress.expect('labels.txt', null);
    await this.fetch('model.json', source.url);
    const manifest = await this.readManifest();
    const shardFiles = manifest.flatMap((group) => group.paths);
    this.checkHashNames(shardFiles);
    this.progress.expectPools(manifest.map((group) => ({ files: group.paths, bytes: groupBytes(group) })));

    if (source.labelsUrl) await this.fetch('labels.txt', source.labelsUrl);
    for (const file of shardFiles) await this.fetch(file, siblingUrl(source.url, file));
    await this.checkGroupSizes(manifest);

    await this.finish(shardFiles);
    this.progress.complete(shardFiles.at(-1) ?? 'model.json');
  }

  private save(): Promise<void> {
    return writeFileAtomic(join(this.dir, STATE_FILE), JSON.stringify(this.state));
  }

  /** Downloads one file unless the partial folder already holds it verified. */
  private async fetch(file: string, url: string): Promise<void> {
    const dest = join(this.dir, file);
    const known = (this.state.files[file] ??= {});
    if (known.done && known.bytes !== undefined && (await sizeOf(dest)) === known.bytes) {
      this.progress.finish(file, known.bytes);
      return;
    }
    known.done = false;
    if (this.signal.aborted) throw cancelledError(file);
    await mkdir(dirname(dest), { recursive: true });
    const result = await fetchFile({
      url,
      dest,
      file,
      state: known,
      save: () => this.save(),
      fetch: this.options.fetch ?? globalThis.fetch,
      signal: this.signal,
      cancelled: () => this.signal.aborted,
      stallTimeoutMs: this.options.stallTimeoutMs ?? 60_000,
      onStart: (bytes, total) => this.progress.start(file, bytes, total),
      onBytes: (bytes) => this.progress.add(file, bytes),
    });
    const expected = this.source.sha256?.[file]?.toLowerCase();
    if (expected && expected !== result.sha256) {
      await this.forget(file);
      throw new ModelDownloadError(
        'integrity',
        `${this.what}: ${file} does not match its published sha256 (expected ${expected}, got ${result.sha256})`,
        file,
      );
    }
    Object.assign(known, { done: true, bytes: result.bytes, sha256: result.sha256 });
    await this.save();
    this.progress.finish(file, result.bytes);
  }

  /** Drops a file so that the next attempt fetches it from scratch. */
  private async forget(file: string): Promise<void> {
    await rm(join(this.dir, file), { force: true });
    delete this.state.files[file];
    await this.save();
  }

  private async readManifest(): Promise<WeightGroup[]> {
    try {
      return parseModelJson(await readFile(join(this.dir, 'model.json')), this.what);
    } catch (error) {
      // Often an HTML page from a proxy or captive portal: fetch it again next time.
      await this.forget('model.json');
      throw error;
    }
  }

  private checkHashNames(shardFiles: string[]): void {
    const files = new Set(['model.json', ...shardFiles, ...(this.source.labelsUrl ? ['labels.txt'] : [])]);
    const unknown = Object.keys(this.source.sha256 ?? {}).filter((file) => !files.has(file));
    if (unknown.length > 0) {
      throw new ModelDownloadError(
        'integrity',
        `${this.what}: the catalogue has a sha256 for ${unknown.join(', ')}, which model.json does not list`,
        unknown[0],
      );
    }
  }

  /** Shards shorter than their weights need mean a truncated or mismatched upload. */
  private async checkGroupSizes(manifest: WeightGroup[]): Promise<void> {
    for (const group of manifest) {
      const needed = groupBytes(group);
      const got = group.paths.reduce((sum, file) => sum + (this.state.files[file]?.bytes ?? 0), 0);
      if (needed !== null && got < needed) {
        for (const file of group.paths) await this.forget(file);
        throw new ModelDownloadError(
          'integrity',
          `${this.what}: ${group.paths.join(', ')} hold ${got} bytes but model.json describes ${needed}`,
          group.paths.at(-1),
        );
      }
    }
  }

  /** Writes metadata.json, labels.txt and the record, then moves the folder into place. */
  private async finish(shardFiles: string[]): Promise<void> {
    const { source } = this;
    if (this.signal.aborted) throw cancelledError('metadata.json');
    const generated: Record<string, string> = {};
    const metadata: Record<string, unknown> = { name: source.name ?? source.id };
    if (source.inputSize) metadata.inputSize = source.inputSize;
    if (source.inputRange) metadata.inputRange = source.inputRange;
    metadata.source = source.url;
    generated['metadata.json'] = `${JSON.stringify(metadata, null, 2)}\n`;
    if (!source.labelsUrl && source.labels) generated['labels.txt'] = `${source.labels.join('\n')}\n`;
    for (const [file, content] of Object.entries(generated)) await writeFileAtomic(join(this.dir, file), content);

    const files: DownloadRecord['files'] = {};
    for (const file of ['model.json', ...(source.labelsUrl ? ['labels.txt'] : []), ...shardFiles]) {
      const { bytes, sha256 } = this.state.files[file];
      files[file] = { bytes: bytes!, sha256: sha256! };
    }
    for (const [file, content] of Object.entries(generated)) {
      files[file] = { bytes: Buffer.byteLength(content), sha256: sha256Hex(content) };
    }
    const record: DownloadRecord = { id: source.id, url: source.url, completedAt: new Date().toISOString(), files };
    await rm(join(this.dir, STATE_FILE), { force: true });
    await writeFileAtomic(join(this.dir, RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
    await promote(this.dir, this.finalDir);
  }
}
