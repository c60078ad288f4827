// A user model from a folder: model.json (Keras LayersModel or TF GraphModel) + weight shards,
// optional labels.txt (one per line) and metadata.json {inputSize:[h,w], inputRange:[min,max], name, minSize}.
import { readFile, realpath, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { kerasModelFrom } from './loadKeras';
import { loadGraphCnn } from './graphModel';
import type { WeightsManifestGroup } from './keras/weights';
import { EngineError, type CnnModel } from './types';
import { isInside } from '../library/guard';

interface Metadata {
  inputSize?: [number, number];
  inputRange?: [number, number];
  name?: string;
  minSize?: number;
}

/** Far above any CNN's model.json (InceptionV3's topology is ~0.2 MB) and its weights; a bound on what a folder can make us read. */
const MAX_JSON_BYTES = 64 * 1024 ** 2;
const MAX_WEIGHT_BYTES = 4 * 1024 ** 3;

async function readJson<T>(file: string, what: string, optional: boolean): Promise<T | undefined> {
  let text: string;
  try {
    const info = await stat(file);
    if (info.size > MAX_JSON_BYTES) throw new EngineError('bad-model', `${what}: ${basename(file)} is ${info.size} bytes, more than a model's JSON can be (${MAX_JSON_BYTES})`);
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof EngineError) throw error;
    if (optional && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new EngineError('bad-model', `${what}: cannot read ${basename(file)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new EngineError('bad-model', `${what}: ${basename(file)} is not valid JSON`);
  }
}

function checkPair(value: unknown, field: string, what: string): [number, number] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new EngineError('bad-model', `${what}: metadata.json "${field}" must be two numbers`);
  }
  if (field === 'inputRange' && !(value[0] < value[1])) throw new EngineError('bad-model', `${what}: metadata.json "inputRange" must be [min, max] with min < max`);
  return value as [number, number];
}

/** A weight file's bytes, if it really lives inside the model folder (symlinks resolved) and is a file. */
async function readWeightFile(realFolder: string, p: unknown, what: string): Promise<Uint8Array> {
  if (typeof p !== 'string' || !isInside(realFolder, join(realFolder, p))) throw new EngineError('bad-model', `${what}: weight file "${String(p)}" is outside the model folder`);
  let real: string;
  try {
    real = await realpath(join(realFolder, p));
  } catch {
    throw new EngineError('bad-model', `${what}: weight file "${p}" is missing`);
  }
  if (!isInside(realFolder, real)) throw new EngineError('bad-model', `${what}: weight file "${p}" links outside the model folder`);
  if (!(await stat(real)).isFile()) throw new EngineError('bad-model', `${what}: weight file "${p}" is not a file`);
  return new Uint8Array(await readFile(real));
}

export async function loadModelFromDir(dir: string): Promise<CnnModel> {
  const what = resolve(dir);
  // A folder that cannot be resolved fails below, at reading model.json, with the reason.
  const folder = await realpath(what).catch(() => what);
  const modelJson = await readJson<Record<string, unknown>>(join(folder, 'model.json'), what, false);
  const meta = (await readJson<Metadata>(join(folder, 'metadata.json'), what, true)) ?? {};
  const labelsText = await readFile(join(folder, 'labels.txt'), 'utf8').catch(() => undefined);
  const labels = labelsText ? labelsText.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0) : [];
  const manifest = modelJson!.weightsManifest as WeightsManifestGroup[] | undefined;
  if (!Array.isArray(manifest)) throw new EngineError('bad-model', `${what}: model.json has no weightsManifest`);
  // Weight files live beside model.json: a manifest (or a link in the folder) may not reach elsewhere.
  const shards: Uint8Array[][] = [];
  let weightBytes = 0;
  for (const group of manifest) {
    const files: Uint8Array[] = [];
    for (const p of Array.isArray(group.paths) ? group.paths : []) {
      const bytes = await readWeightFile(folder, p, what);
      weightBytes += bytes.byteLength;
      if (weightBytes > MAX_WEIGHT_BYTES) throw new EngineError('bad-model', `${what}: weight files hold more than ${MAX_WEIGHT_BYTES} bytes`);
      files.push(bytes);
    }
    shards.push(files);
  }
  const topology = modelJson!.modelTopology as Record<string, unknown> | undefined;
  if (!topology) throw new EngineError('bad-model', `${what}: model.json has no modelTopology`);
  const inputSize = checkPair(meta.inputSize, 'inputSize', what);
  const inputRange = checkPair(meta.inputRange, 'inputRange', what) ?? [0, 1];
  const name = meta.name ?? basename(what);
  const isGraph = modelJson!.format === 'graph-model' || Array.isArray(topology.node);
  if (isGraph) {
    return loadGraphCnn({ topology, manifest, shards }, { id: what, name, inputSize, inputRange, labels, minSize: meta.minSize });
  }
  return kerasModelFrom(
    { modelTopology: topology, weightsManifest: manifest, shards },
    { id: what, name, inputSize: inputSize ?? [0, 0], inputRange, labels, minSize: meta.minSize ?? 32 },
  );
}
