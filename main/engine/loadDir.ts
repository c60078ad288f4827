// A user model from a folder: model.json (Keras LayersModel or TF GraphModel) + weight shards,
// optional labels.txt (one per line) and metadata.json {inputSize:[h,w], inputRange:[min,max], name, minSize}.
import { readFile } from 'node:fs/promises';
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

async function readJson<T>(file: string, what: string, optional: boolean): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
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
  return value as [number, number];
}

export async function loadModelFromDir(dir: string): Promise<CnnModel> {
  const folder = resolve(dir);
  const what = folder;
  const modelJson = await readJson<Record<string, unknown>>(join(folder, 'model.json'), what, false);
  const meta = (await readJson<Metadata>(join(folder, 'metadata.json'), what, true)) ?? {};
  const labelsText = await readFile(join(folder, 'labels.txt'), 'utf8').catch(() => undefined);
  const labels = labelsText ? labelsText.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0) : [];
  const manifest = modelJson!.weightsManifest as WeightsManifestGroup[] | undefined;
  if (!Array.isArray(manifest)) throw new EngineError('bad-model', `${what}: model.json has no weightsManifest`);
  const shards = await Promise.all(
    manifest.map((group) =>
      Promise.all(
        group.paths.map(async (p) => {
          // Weight files live beside model.json: a manifest may not reach elsewhere on the disk.
          const file = join(folder, p);
          if (typeof p !== 'string' || !isInside(folder, file)) throw new EngineError('bad-model', `${what}: weight file "${p}" is outside the model folder`);
          try {
            return new Uint8Array(await readFile(file));
          } catch {
            throw new EngineError('bad-model', `${what}: weight file "${p}" is missing`);
          }
        }),
      ),
    ),
  );
  const topology = modelJson!.modelTopology as Record<string, unknown> | undefined;
  if (!topology) throw new EngineError('bad-model', `${what}: model.json has no modelTopology`);
  const inputSize = checkPair(meta.inputSize, 'inputSize', what);
  const inputRange = checkPair(meta.inputRange, 'inputRange', what) ?? [0, 1];
  const name = meta.name ?? basename(folder);
  const isGraph = modelJson!.format === 'graph-model' || Array.isArray(topology.node);
  if (isGraph) {
    return loadGraphCnn({ topology, manifest, shards }, { id: folder, name, inputSize, inputRange, labels, minSize: meta.minSize });
  }
  return kerasModelFrom(
    { modelTopology: topology, weightsManifest: manifest, shards },
    { id: folder, name, inputSize: inputSize ?? [0, 0], inputRange, labels, minSize: meta.minSize ?? 32 },
  );
}
