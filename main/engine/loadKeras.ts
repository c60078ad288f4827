// Turns a Keras LayersModel (topology + weights manifest + shard bytes) into a KerasCnnModel.
import { parseKerasTopology } from './keras/topology';
import { decodeWeights, LayerWeights, type WeightsManifestGroup } from './keras/weights';
import { buildGraph } from './graph/build';
import { KerasCnnModel, type SpecDefaults } from './kerasModel';
import { EngineError } from './types';

export interface KerasArtifacts {
  modelTopology: unknown;
  weightsManifest: WeightsManifestGroup[];
  /** Shard bytes per manifest group, in manifest order. */
  shards: Uint8Array[][];
}

export function kerasModelFrom(artifacts: KerasArtifacts, spec: SpecDefaults): KerasCnnModel {
  const what = spec.name;
  const graph = parseKerasTopology(artifacts.modelTopology, what);
  const weights = new LayerWeights(decodeWeights(artifacts.weightsManifest, artifacts.shards, what));
  const compiled = buildGraph(graph, weights, what);
  try {
    return new KerasCnnModel(compiled, spec, (layer) => weights.count(layer));
  } catch (error) {
    compiled.units.forEach((u) => u.dispose());
    throw error instanceof EngineError ? error : new EngineError('bad-model', `${what}: ${(error as Error).message}`);
  }
}
