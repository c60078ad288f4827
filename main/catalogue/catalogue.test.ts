import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, listCatalogue } from './catalogue';
import { modelDir } from './cache';
import { ModelDownloadError } from './errors';
import { IMAGENET_LABELS, IMAGENET_LABELS_WITH_BACKGROUND } from './imagenet';
import { checkWeightPath, groupBytes, parseModelJson, siblingUrl } from './manifest';
import { DownloadProgress } from './progress';

describe('CATALOGUE', () => {
  it('lists MobileNetV2 and InceptionV3 with https model.json URLs and distinct plain ids', () => {
    expect(CATALOGUE.map((e) => e.id)).toEqual(['imagenet-mobilenet-v2', 'imagenet-inception-v3']);
    for (const entry of CATALOGUE) {
      const url = new URL(entry.url);
      expect(url.protocol).toBe('https:');
      expect(url.pathname.endsWith('/model.json')).toBe(true);
      expect(() => modelDir('/cache', entry.id)).not.toThrow();
      expect(['inception_v3', 'mobilenet_v2']).not.toContain(entry.id); // bundled ids
      expect(entry.inputRange).toEqual([0, 1]);
      expect(entry.labels).toBe(IMAGENET_LABELS_WITH_BACKGROUND);
    }
    expect(CATALOGUE[0].inputSize).toEqual([224, 224]);
    expect(CATALOGUE[1].inputSize).toEqual([299, 299]);
  });

  it('ships the ImageNet classes in ILSVRC order, with "background" first for 1001-logit models', () => {
    expect(IMAGENET_LABELS).toHaveLength(1000);
    // The standard list names two classes "crane" (the bird, 134, and the machine, 517).
    expect(new Set(IMAGENET_LABELS).size).toBe(999);
    expect([IMAGENET_LABELS[134], IMAGENET_LABELS[517]]).toEqual(['crane', 'crane']);
    expect(IMAGENET_LABELS[0]).toBe('tench, Tinca tinca');
    expect(IMAGENET_LABELS[1]).toBe('goldfish, Carassius auratus');
    expect(IMAGENET_LABELS[999]).toMatch(/^toilet tissue/);
    expect(IMAGENET_LABELS.every((l) => l.length > 0 && !l.includes('\n'))).toBe(true);
    expect(IMAGENET_LABELS_WITH_BACKGROUND).toHaveLength(1001);
    expect(IMAGENET_LABELS_WITH_BACKGROUND[0]).toBe('background');
    expect(IMAGENET_LABELS_WITH_BACKGROUND[1]).toBe('tench, Tinca tinca');
  });

  it('reports nothing cached in an empty cache folder', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'convscope-catalogue-'));
    try {
      const listing = await listCatalogue(cacheDir);
      expect(listing.map((e) => [e.id, e.cached])).toEqual([
        ['imagenet-mobilenet-v2', false],
        ['imagenet-inception-v3', false],
      ]);
      expect(listing[0].dir).toBe(join(cacheDir, 'imagenet-mobilenet-v2'));
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });
});

describe('model ids', () => {
  it('refuses ids that are not plain folder names', () => {
    for (const id of ['', '..', '../x', 'a/b', 'a\\b', '.hidden', 'x.partial']) expect(() => modelDir('/cache', id), id).toThrow(/plain folder name/);
  });
});

describe('manifest', () => {
  it('resolves shards beside model.json and keeps its query string', () => {
    expect(siblingUrl('https://storage.googleapis.com/tfjs-models/savedmodel/mobilenet_v2_1.0_224/model.json', 'group1-shard1of4')).toBe(
      'https://storage.googleapis.com/tfjs-models/savedmodel/mobilenet_v2_1.0_224/group1-shard1of4',
    );
    expect(siblingUrl(CATALOGUE[1].url, 'group1-shard1of6')).toBe(
      'https://tfhub.dev/google/tfjs-model/imagenet/inception_v3/classification/3/default/1/group1-shard1of6?tfjs-format=file',
    );
  });

  it('computes a weight group size from shapes, dtypes and quantization', () => {
    expect(
      groupBytes({
        paths: ['a'],
        weights: [
          { name: 'k', shape: [3, 3, 3, 16], dtype: 'float32' },
          { name: 'q', shape: [10], dtype: 'float32', quantization: { dtype: 'uint8' } },
          { name: 'i', shape: [], dtype: 'int32' },
        ],
      }),
    ).toBe(432 * 4 + 10 + 4);
    expect(groupBytes({ paths: ['a'], weights: [{ name: 's', shape: [2], dtype: 'string' }] })).toBeNull();
  });

  it('rejects unsafe or reserved weight paths and non-tfjs JSON', () => {
    for (const bad of ['../x', '/etc/passwd', 'a/../../b', '.hidden', 'labels.txt', 'model.json', 'a\\b', '', 5]) {
      expect(() => checkWeightPath(bad, 'm'), String(bad)).toThrow(ModelDownloadError);
    }
    expect(checkWeightPath('sub/group1-shard1of2.bin', 'm')).toBe('sub/group1-shard1of2.bin');
    const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
    expect(() => parseModelJson(bytes({ modelTopology: {} }), 'm')).toThrow(/no weightsManifest/);
    expect(() => parseModelJson(new TextEncoder().encode('<html>'), 'm')).toThrow(/not valid JSON/);
    expect(() => parseModelJson(bytes({ weightsManifest: [{ paths: ['a', 'a'], weights: [] }] }), 'm')).toThrow(/twice/);
  });
});

describe('DownloadProgress', () => {
  it('keeps done monotonic when a file restarts, and ends with done = total', () => {
    const events: [number, number | null][] = [];
    const progress = new DownloadProgress((done, total) => events.push([done, total]));
    progress.expect('model.json', null);
    progress.start('model.json', 0, 100);
    progress.add('model.json', 100);
    progress.finish('model.json', 100);
    progress.expectPools([{ files: ['s1', 's2'], bytes: 300 }]);
    progress.start('s1', 0, null);
    progress.add('s1', 120);
    progress.start('s1', 0, null); // the server ignored Range: the file starts over
    progress.add('s1', 50);
    progress.add('s1', 100);
    progress.finish('s1', 150);
    progress.start('s2', 0, null);
    progress.add('s2', 150);
    progress.finish('s2', 150);
    progress.complete('s2');
    expect(events[0]).toEqual([0, null]);
    expect(events.slice(0, 3).every(([, total]) => total === null)).toBe(true);
    for (let i = 1; i < events.length; i++) expect(events[i][0]).toBeGreaterThanOrEqual(events[i - 1][0]);
    expect(events.filter(([, total]) => total !== null).every(([done, total]) => done <= total!)).toBe(true);
    expect(events.at(-1)).toEqual([400, 400]);
  });
});
