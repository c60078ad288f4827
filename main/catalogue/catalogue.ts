// Models that are not bundled but can be downloaded on demand into the cache folder, then opened
// with the engine's loadModelFromDir like any user model.
import { isModelCached, modelDir } from './cache';
import { IMAGENET_LABELS_WITH_BACKGROUND } from './imagenet';

export interface CatalogueEntry {
  /** Folder name in the cache; never one of the bundled ids. */
  id: string;
  name: string;
  /** The model.json URL; weight shards sit beside it (its query string is carried over, as tfjs does). */
  url: string;
  /** [height, width] the model expects. */
  inputSize: [number, number];
  /** Pixel values 0..255 map linearly onto [min, max]. */
  inputRange: [number, number];
  /** A text file with one class name per line, downloaded as labels.txt. */
  labelsUrl?: string;
  /** Class names shipped with the app (used when there is no labelsUrl), written as labels.txt. */
  labels?: readonly string[];
  /** Approximate download size, for the UI only (the real size comes from the server). */
  bytes?: number;
  /** sha256 (hex) per file name in the model folder, e.g. {"model.json": "…"}; checked when given. */
  sha256?: Record<string, string>;
}

export type CatalogueListing = CatalogueEntry & { cached: boolean; dir: string };

/*
 * Both are the TF-slim ImageNet classifiers published by Google as tfjs GraphModels: inputs in [0, 1]
 * (the graph rescales to [-1, 1] itself), 1001 logits with "background" first. Neither URL could be
 * fetched from the build machine (no internet).
 */
export const CATALOGUE: CatalogueEntry[] = [
  {
    id: 'imagenet-mobilenet-v2',
    name: 'MobileNetV2 1.0 (ImageNet)',
    // The URL of tfjs's own API docs (GraphModel.save example); a TF Hub module converted by tfjs.
    url: 'https://storage.googleapis.com/tfjs-models/savedmodel/mobilenet_v2_1.0_224/model.json',
    inputSize: [224, 224],
    inputRange: [0, 1],
    labels: IMAGENET_LABELS_WITH_BACKGROUND,
    bytes: 14_000_000,
  },
  {
    id: 'imagenet-inception-v3',
    name: 'InceptionV3 (ImageNet)',
    // TF Hub's tfjs deployment ("fromTFHub" form: /model.json?tfjs-format=file); tfhub.dev redirects to Kaggle.
    url: 'https://tfhub.dev/google/tfjs-model/imagenet/inception_v3/classification/3/default/1/model.json?tfjs-format=file',
    inputSize: [299, 299],
    inputRange: [0, 1],
    labels: IMAGENET_LABELS_WITH_BACKGROUND,
    bytes: 95_000_000,
  },
];

/** The catalogue with, for each entry, whether it is already downloaded (disk only, no network). */
export async function listCatalogue(cacheDir: string, catalogue: readonly CatalogueEntry[] = CATALOGUE): Promise<CatalogueListing[]> {
  return Promise.all(
    catalogue.map(async (entry) => ({ ...entry, cached: await isModelCached(cacheDir, entry), dir: modelDir(cacheDir, entry.id) })),
  );
}
