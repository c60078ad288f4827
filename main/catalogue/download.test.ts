import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listCatalogue, type CatalogueEntry } from './catalogue';
import { downloadModel, type DownloadOptions, type DownloadSource } from './download';
import { ModelDownloadError } from './errors';
import { isModelCached } from './cache';
import { buildFixtureModel, SHARDS, type FixtureModel } from './testing/fixtureModel';
import { closedPort, startModelServer, type ModelServer } from './testing/modelServer';
import { loadModelFromDir } from '../engine/loadDir';
import { LOGITS } from '../engine/types';

let fixture: FixtureModel;
let server: ModelServer;
let cacheDir: string;

const LABELS = Array.from({ length: 10 }, (_, i) => `class ${i}`);
const totalBytes = () => [...fixture.files.values()].reduce((sum, b) => sum + b.byteLength, 0);
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function source(overrides: Partial<DownloadSource> = {}): DownloadSource {
  return { id: 'tiny', url: server.modelUrl, name: 'Tiny net', inputSize: [16, 16], inputRange: [0, 1], labels: LABELS, ...overrides };
}

interface ProgressEvent {
  done: number;
  total: number | null;
  file: string;
}

function recorder(): { events: ProgressEvent[]; onProgress: NonNullable<DownloadOptions['onProgress']> } {
  const events: ProgressEvent[] = [];
  return { events, onProgress: (done, total, file) => events.push({ done, total, file }) };
}

/** The error a promise rejects with (fails the test when it resolves). */
async function failure(promise: Promise<unknown>): Promise<ModelDownloadError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ModelDownloadError);
    return error as ModelDownloadError;
  }
  throw new Error('expected the download to fail');
}

function expectMonotonic(events: ProgressEvent[]) {
  for (let i = 1; i < events.length; i++) expect(events[i].done).toBeGreaterThanOrEqual(events[i - 1].done);
  for (const e of events) if (e.total !== null) expect(e.done).toBeLessThanOrEqual(e.total);
}

async function expectSameFilesAsFixture(dir: string) {
  for (const [name, bytes] of fixture.files) expect(sha(await readFile(join(dir, name))), name).toBe(sha(bytes));
}

const finalDir = () => join(cacheDir, 'tiny');
const requestsSince = (start: number) => server.requests.slice(start);

beforeAll(async () => {
  await tf.setBackend('cpu');
  fixture = await buildFixtureModel();
});

afterAll(() => fixture.model.dispose());

beforeEach(async () => {
  server = await startModelServer(fixture.files);
  cacheDir = await mkdtemp(join(tmpdir(), 'convscope-catalogue-'));
});

afterEach(async () => {
  await server.close();
  await rm(cacheDir, { recursive: true, force: true });
});

describe('downloadModel', () => {
  it('downloads model.json and both shards with byte progress ending at the total', async () => {
    const { events, onProgress } = recorder();
    const dir = await downloadModel(source(), cacheDir, { onProgress });

    expect(dir).toBe(finalDir());
    await expectSameFilesAsFixture(dir);
    expect((await readdir(dir)).sort()).toEqual(['download.json', 'labels.txt', 'metadata.json', 'model.json', ...SHARDS].sort());
    expect(existsSync(`${dir}.partial`)).toBe(false);
    expect(JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8'))).toMatchObject({
      name: 'Tiny net',
      inputSize: [16, 16],
      inputRange: [0, 1],
    });
    expect((await readFile(join(dir, 'labels.txt'), 'utf8')).trim().split('\n')).toEqual(LABELS);

    expectMonotonic(events);
    const last = events.at(-1)!;
    expect(last.done).toBe(totalBytes());
    expect(last.total).toBe(totalBytes());
    // The total is exact from the moment model.json is read (weights sizes come from the manifest).
    const shardEvents = events.filter((e) => e.file === SHARDS[0] || e.file === SHARDS[1]);
    expect(shardEvents.length).toBeGreaterThan(4); // streamed, not one event per file
    for (const e of shardEvents) expect(e.total).toBe(totalBytes());
    // Nothing but the three files was requested, each once.
    expect(server.requests.map((r) => r.path.split('/').at(-1))).toEqual(['model.json', ...SHARDS]);
  });

  it('serves a complete cached model without any request', async () => {
    await downloadModel(source(), cacheDir);
    const before = server.requests.length;
    const { events, onProgress } = recorder();
    const dir = await downloadModel(source(), cacheDir, { onProgress, fetch: () => Promise.reject(new Error('no network allowed')) });
    expect(dir).toBe(finalDir());
    expect(server.requests.length).toBe(before);
    expect(events).toEqual([]);
    const listing = await listCatalogue(cacheDir, [source() as CatalogueEntry, { ...(source() as CatalogueEntry), id: 'other' }]);
    expect(listing.map((e) => [e.id, e.cached])).toEqual([
      ['tiny', true],
      ['other', false],
    ]);
  });

  it('re-downloads when a cached file was damaged on disk', async () => {
    await downloadModel(source(), cacheDir);
    await rm(join(finalDir(), SHARDS[1]));
    expect(await isModelCached(cacheDir, source())).toBe(false);
    const dir = await downloadModel(source(), cacheDir);
    await expectSameFilesAsFixture(dir);
  });

  it('fails cleanly when the connection drops mid-shard, then resumes with Range', async () => {
    const shard = fixture.files.get(SHARDS[1])!;
    server.behaviour.drop.set(SHARDS[1], { afterBytes: 4096, times: 1 });
    const first = recorder();
    const error = await failure(downloadModel(source(), cacheDir, { onProgress: first.onProgress }));
    expect(error.code).toBe('network');
    expect(error.file).toBe(SHARDS[1]);
    expect(error.message).toContain(SHARDS[1]);
    expect(existsSync(finalDir())).toBe(false);
    expect(await isModelCached(cacheDir, source())).toBe(false);
    expectMonotonic(first.events);

    const start = server.requests.length;
    const second = recorder();
    const dir = await downloadModel(source(), cacheDir, { onProgress: second.onProgress });
    await expectSameFilesAsFixture(dir);
    const retry = requestsSince(start);
    // model.json and shard 1 were already complete: only the rest of shard 2 is fetched.
    expect(retry.map((r) => r.path.split('/').at(-1))).toEqual([SHARDS[1]]);
    const range = /^bytes=(\d+)-$/.exec(String(retry[0].headers.range));
    expect(range).not.toBeNull();
    expect(Number(range![1])).toBeGreaterThanOrEqual(4096);
    expect(Number(range![1])).toBeLessThan(shard.byteLength);
    expect(retry[0].headers['if-range']).toBeTruthy();
    // The retry's progress starts where the bytes on disk are, not at zero.
    expect(second.events[0].done).toBeGreaterThan(totalBytes() - shard.byteLength);
    expectMonotonic(second.events);
    expect(second.events.at(-1)).toMatchObject({ done: totalBytes(), total: totalBytes() });
  });

  it('restarts the file when the server ignores Range', async () => {
    server.behaviour.ranges = false;
    server.behaviour.drop.set(SHARDS[0], { afterBytes: 2048, times: 1 });
    expect((await failure(downloadModel(source(), cacheDir))).code).toBe('network');
    const { events, onProgress } = recorder();
    const dir = await downloadModel(source(), cacheDir, { onProgress });
    await expectSameFilesAsFixture(dir);
    expectMonotonic(events);
    expect(events.at(-1)).toMatchObject({ done: totalBytes(), total: totalBytes() });
  });

  it('restarts the file when the server offers no validator to resume against', async () => {
    server.behaviour.etags = false;
    server.behaviour.drop.set(SHARDS[1], { afterBytes: 2048, times: 1 });
    expect((await failure(downloadModel(source(), cacheDir))).code).toBe('network');
    const start = server.requests.length;
    await expectSameFilesAsFixture(await downloadModel(source(), cacheDir));
    expect(requestsSince(start)[0].headers.range).toBeUndefined();
  });

  it('reports HTTP 500 with the status and the file, and leaves no final folder', async () => {
    server.behaviour.status.set(SHARDS[0], 500);
    const error = await failure(downloadModel(source(), cacheDir));
    expect(error.code).toBe('http');
    expect(error.status).toBe(500);
    expect(error.message).toContain('500');
    expect(error.message).toContain(SHARDS[0]);
    expect(existsSync(finalDir())).toBe(false);

    server.behaviour.status.clear();
    await expectSameFilesAsFixture(await downloadModel(source(), cacheDir));
  });

  it('reports 404 for a missing model.json', async () => {
    const error = await failure(downloadModel(source({ url: `${server.origin}/nothing/model.json` }), cacheDir));
    expect(error.code).toBe('http');
    expect(error.status).toBe(404);
    expect(error.file).toBe('model.json');
  });

  it('rejects a file whose sha256 differs, naming it; the right hashes pass', async () => {
    const wrong = { [SHARDS[0]]: '0'.repeat(64) };
    const error = await failure(downloadModel(source({ sha256: wrong }), cacheDir));
    expect(error.code).toBe('integrity');
    expect(error.file).toBe(SHARDS[0]);
    expect(error.message).toContain(SHARDS[0]);
    expect(existsSync(finalDir())).toBe(false);

    const right = Object.fromEntries([...fixture.files].map(([name, bytes]) => [name, sha(bytes)]));
    await expectSameFilesAsFixture(await downloadModel(source({ sha256: right }), cacheDir));
  });

  it('rejects shards shorter than the weights model.json describes', async () => {
    const shard = fixture.files.get(SHARDS[1])!;
    server.behaviour.truncate.set(SHARDS[1], shard.byteLength - 100);
    const error = await failure(downloadModel(source(), cacheDir));
    expect(error.code).toBe('integrity');
    expect(error.message).toContain(SHARDS[1]);
    expect(existsSync(finalDir())).toBe(false);
  });

  it('cancels on the abort signal, leaves no final folder, and a later call completes', async () => {
    server.behaviour.chunkDelayMs = 5;
    const controller = new AbortController();
    const error = await failure(
      downloadModel(source(), cacheDir, {
        signal: controller.signal,
        onProgress: (_done, _total, file) => {
          if (file === SHARDS[1]) controller.abort();
        },
      }),
    );
    expect(error.code).toBe('cancelled');
    expect(existsSync(finalDir())).toBe(false);

    server.behaviour.chunkDelayMs = 0;
    await expectSameFilesAsFixture(await downloadModel(source(), cacheDir));
  });

  it('does not touch the network when the signal is already aborted', async () => {
    const error = await failure(downloadModel(source(), cacheDir, { signal: AbortSignal.abort() }));
    expect(error.code).toBe('cancelled');
    expect(server.requests).toEqual([]);
  });

  it('fails with "network" when a response stalls', async () => {
    server.behaviour.stall.set(SHARDS[0], 1500);
    const error = await failure(downloadModel(source(), cacheDir, { stallTimeoutMs: 300 }));
    expect(error.code).toBe('network');
    expect(error.message).toMatch(/stalled/);
    expect(existsSync(finalDir())).toBe(false);
  });

  it('says "offline" when nothing listens on the port', async () => {
    const port = await closedPort();
    const error = await failure(downloadModel(source({ url: `http://127.0.0.1:${port}/m/model.json` }), cacheDir));
    expect(error.code).toBe('offline');
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toMatch(/offline; the bundled models still work/);
    expect(existsSync(finalDir())).toBe(false);
  });

  it('says "offline" when the host name does not resolve', async () => {
    // What undici throws for a DNS failure: TypeError("fetch failed") caused by getaddrinfo ENOTFOUND.
    const dnsFailure: typeof fetch = async () => {
      const cause = Object.assign(new Error('getaddrinfo ENOTFOUND storage.googleapis.com'), { code: 'ENOTFOUND' });
      throw new TypeError('fetch failed', { cause });
    };
    const url = 'https://storage.googleapis.com/tfjs-models/savedmodel/mobilenet_v2_1.0_224/model.json';
    const error = await failure(downloadModel(source({ url }), cacheDir, { fetch: dnsFailure }));
    expect(error.code).toBe('offline');
    expect(error.message).toBe(
      'could not reach storage.googleapis.com (name lookup failed): you appear to be offline; the bundled models still work',
    );
  });

  it('rejects a model.json that is not a tfjs model and fetches it again next time', async () => {
    const good = fixture.files.get('model.json')!;
    const files = new Map(fixture.files);
    files.set('model.json', Buffer.from('<html>captive portal</html>'));
    const portal = await startModelServer(files);
    try {
      const error = await failure(downloadModel(source({ url: portal.modelUrl }), cacheDir));
      expect(error.code).toBe('bad-model');
      files.set('model.json', good);
      await expectSameFilesAsFixture(await downloadModel(source({ url: portal.modelUrl }), cacheDir));
      expect(portal.requests.filter((r) => r.path.endsWith('model.json'))).toHaveLength(2);
    } finally {
      await portal.close();
    }
  });

  it('refuses weight paths that would leave the model folder', async () => {
    const json = JSON.parse(fixture.files.get('model.json')!.toString());
    json.weightsManifest[0].paths = ['../../escape.bin', SHARDS[1]];
    const files = new Map(fixture.files);
    files.set('model.json', Buffer.from(JSON.stringify(json)));
    const evil = await startModelServer(files);
    try {
      const error = await failure(downloadModel(source({ url: evil.modelUrl }), cacheDir));
      expect(error.code).toBe('bad-model');
      expect(error.message).toContain('../../escape.bin');
    } finally {
      await evil.close();
    }
  });

  it('carries the model URL query string to the shards (TF Hub "?tfjs-format=file")', async () => {
    await downloadModel(source({ url: `${server.modelUrl}?tfjs-format=file` }), cacheDir);
    expect(server.requests.map((r) => r.search)).toEqual(['?tfjs-format=file', '?tfjs-format=file', '?tfjs-format=file']);
  });

  it('runs concurrent calls for one model one after the other, downloading once', async () => {
    server.behaviour.chunkDelayMs = 2;
    const [a, b] = await Promise.all([downloadModel(source(), cacheDir), downloadModel(source(), cacheDir)]);
    expect(a).toBe(b);
    expect(server.requests).toHaveLength(3);
  });

  it('replaces a cached model when the catalogue URL changes', async () => {
    await downloadModel(source(), cacheDir);
    const mirror = await startModelServer(fixture.files, '/mirror/');
    try {
      const moved = source({ url: mirror.modelUrl });
      expect(await isModelCached(cacheDir, moved)).toBe(false);
      await expectSameFilesAsFixture(await downloadModel(moved, cacheDir));
      expect(mirror.requests).toHaveLength(3);
      expect(JSON.parse(await readFile(join(finalDir(), 'download.json'), 'utf8')).url).toBe(mirror.modelUrl);
      expect((await readdir(cacheDir)).sort()).toEqual(['tiny']);
    } finally {
      await mirror.close();
    }
  });
});

describe('the downloaded folder', () => {
  it('loads with tfjs and with the engine, predicting what the original model predicts', async () => {
    const dir = await downloadModel(source(), cacheDir);
    const before = tf.memory().numTensors;

    const modelJson = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    const shards = await Promise.all(SHARDS.map((name) => readFile(join(dir, name))));
    const weightData = new Uint8Array(Buffer.concat(shards)).buffer;
    const loaded = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData }),
    );
    const engineModel = await loadModelFromDir(dir);

    const input = tf.randomUniform([2, ...fixture.inputShape], 0, 1, 'float32', 42) as tf.Tensor4D;
    const expected = fixture.model.predict(input) as tf.Tensor;
    const fromTfjs = loaded.predict(input) as tf.Tensor;
    const fromEngine = engineModel.run(input, [LOGITS])[LOGITS];
    const want = Array.from(await expected.data());
    expect(want.some((v) => Math.abs(v) > 1e-3)).toBe(true);
    expect(Array.from(await fromTfjs.data())).toEqual(want);
    const got = Array.from(await fromEngine.data());
    expect(got).toHaveLength(want.length);
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 4));

    expect(engineModel.name).toBe('Tiny net');
    expect(engineModel.labels).toEqual(LABELS);
    expect(engineModel.inputSize).toEqual([16, 16]);
    expect(engineModel.inputRange).toEqual([0, 1]);

    tf.dispose([input, expected, fromTfjs, fromEngine]);
    loaded.dispose();
    engineModel.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
