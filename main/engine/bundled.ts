// The two classifiers shipped inside the nsfwjs package (Keras InceptionV3 and MobileNetV2 heads
// trained on 5 classes), loaded from its base64 JS modules without any network.
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { kerasModelFrom, type KerasArtifacts } from './loadKeras';
import type { WeightsManifestGroup } from './keras/weights';
import type { CnnModel, ModelSpec } from './types';

export type BundledModelId = 'inception_v3' | 'mobilenet_v2';

// Not named `require`: electron-vite's CommonJS shim declares that name in the bundled chunk.
const requireFromHere = createRequire(import.meta.url);
const NSFW_LABELS = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'];

const SPECS: Record<BundledModelId, ModelSpec> = {
  inception_v3: {
    id: 'inception_v3',
    name: 'InceptionV3',
    inputSize: [299, 299],
    inputRange: [0, 1],
    labels: NSFW_LABELS,
    minSize: 75,
    defaultCamLayer: 'mixed10',
    defaultDreamLayers: ['mixed3', 'mixed5'],
  },
  mobilenet_v2: {
    id: 'mobilenet_v2',
    name: 'MobileNetV2',
    inputSize: [224, 224],
    inputRange: [0, 1],
    labels: NSFW_LABELS,
    minSize: 32,
    defaultCamLayer: 'out_relu',
    // Linear residual sums: ReLU6 outputs saturate and make poor dream objectives.
    defaultDreamLayers: ['block_5_add', 'block_12_add'],
  },
};

/** Specs of the bundled models (no weights read). */
export function listBundledModels(): ModelSpec[] {
  return Object.values(SPECS).map((s) => ({ ...s, labels: [...s.labels], defaultDreamLayers: [...s.defaultDreamLayers] }));
}

export function isBundledModelId(id: string): id is BundledModelId {
  return id in SPECS;
}

function modelsDir(): string {
  // nsfwjs' "exports" hide dist/models; find the package root from its main entry.
  const main = requireFromHere.resolve('nsfwjs');
  return join(resolve(dirname(main), '../..'), 'dist', 'models');
}

function requireFresh<T>(file: string): T {
  try {
    return requireFromHere(file) as T;
  } finally {
    delete requireFromHere.cache[file]; // the shard strings are large; do not keep them cached
  }
}

/** The raw Keras artifacts of a bundled model (topology, manifest, shard bytes). */
export function bundledArtifacts(id: BundledModelId): KerasArtifacts {
  if (!SPECS[id]) throw new Error(`unknown bundled model "${id}"`);
  const dir = join(modelsDir(), id);
  const model = requireFresh<{ modelTopology: unknown; weightsManifest: WeightsManifestGroup[] }>(join(dir, 'model.min.js'));
  const shards = model.weightsManifest.map((group) =>
    group.paths.map((path) => new Uint8Array(Buffer.from(requireFresh<string>(join(dir, `${path}.min.js`)), 'base64'))),
  );
  return { modelTopology: model.modelTopology, weightsManifest: model.weightsManifest, shards };
}

export async function loadBundledModel(id: BundledModelId): Promise<CnnModel> {
  return kerasModelFrom(bundledArtifacts(id), listBundledModels().find((s) => s.id === id)!);
}

const cache = new Map<string, Promise<CnnModel>>();

/** Loads a bundled model once per process. */
export function getModel(id: BundledModelId): Promise<CnnModel> {
  let model = cache.get(id);
  if (!model) {
    model = loadBundledModel(id);
    cache.set(id, model);
    model.catch(() => cache.delete(id));
  }
  return model;
}
