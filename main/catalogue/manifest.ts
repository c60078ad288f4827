// What a tfjs model.json says about the files to fetch: weight paths, their URLs, and how many bytes
// each weight group must hold.
import { ModelDownloadError } from './errors';

export interface WeightEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype?: string };
}

export interface WeightGroup {
  paths: string[];
  weights: WeightEntry[];
}

/** Files the downloader writes itself; a weight path must not collide with them. */
export const RESERVED_FILES = new Set(['model.json', 'metadata.json', 'labels.txt', 'download.json']);

const BYTES_PER_ELEMENT: Record<string, number> = {
  float32: 4,
  int32: 4,
  complex64: 8,
  float16: 2,
  uint16: 2,
  uint8: 1,
  bool: 1,
};

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** A weight path that stays inside the model folder: relative, '/'-separated, no '..' or hidden parts. */
export function checkWeightPath(path: unknown, what: string): string {
  const ok =
    typeof path === 'string' &&
    path.length > 0 &&
    path.length <= 255 &&
    path.split('/').every((segment) => SEGMENT.test(segment)) &&
    !RESERVED_FILES.has(path);
  if (!ok) throw new ModelDownloadError('bad-model', `${what}: model.json lists an unsafe weight path ${JSON.stringify(path)}`, 'model.json');
  return path;
}

/** The weights manifest of a model.json, with every path checked. */
export function parseModelJson(bytes: Uint8Array, what: string): WeightGroup[] {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new ModelDownloadError('bad-model', `${what}: model.json is not valid JSON`, 'model.json');
  }
  const manifest = (json as { weightsManifest?: unknown } | null)?.weightsManifest;
  if (!Array.isArray(manifest)) {
    throw new ModelDownloadError('bad-model', `${what}: model.json has no weightsManifest (not a tfjs model)`, 'model.json');
  }
  const seen = new Set<string>();
  return manifest.map((group: { paths?: unknown; weights?: unknown }, index) => {
    if (!group || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new ModelDownloadError('bad-model', `${what}: weightsManifest group ${index + 1} has no paths or weights`, 'model.json');
    }
    const paths = group.paths.map((p) => checkWeightPath(p, what));
    for (const p of paths) {
      if (seen.has(p)) throw new ModelDownloadError('bad-model', `${what}: model.json lists "${p}" twice`, 'model.json');
      seen.add(p);
    }
    return { paths, weights: group.weights as WeightEntry[] };
  });
}

/** Exact byte count of a group's shards together, or null when a dtype has no fixed size (strings). */
export function groupBytes(group: WeightGroup): number | null {
  let total = 0;
  for (const weight of group.weights) {
    const dtype = weight.quantization?.dtype ?? weight.dtype;
    const size = BYTES_PER_ELEMENT[dtype];
    if (size === undefined || !Array.isArray(weight.shape)) return null;
    total += size * weight.shape.reduce((a, b) => a * b, 1);
  }
  return total;
}

/**
 * URL of a file that sits beside model.json. Like tfjs's http loader, the model URL's query string
 * is carried over (TF Hub serves files with "?tfjs-format=file").
 */
export function siblingUrl(modelUrl: string, path: string): string {
  const base = new URL(modelUrl);
  const url = new URL(path.split('/').map(encodeURIComponent).join('/'), base);
  url.search = base.search;
  url.hash = '';
  return url.href;
}
