// A tiny real tfjs LayersModel (conv → conv → GAP → dense) exported as the files a tfjs server hosts:
// model.json plus its weights split into two shards.
import * as tf from '@tensorflow/tfjs';

export interface FixtureModel {
  model: tf.LayersModel;
  /** File name → bytes, as a server would host them beside model.json. */
  files: Map<string, Buffer>;
  inputShape: [number, number, number];
  classes: number;
}

export const SHARDS = ['group1-shard1of2.bin', 'group1-shard2of2.bin'] as const;

export async function buildFixtureModel(): Promise<FixtureModel> {
  const inputShape: [number, number, number] = [16, 16, 3];
  const classes = 10;
  const model = tf.sequential({
    name: 'fixture',
    layers: [
      tf.layers.conv2d({ inputShape, filters: 16, kernelSize: 3, activation: 'relu', name: 'conv1' }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', name: 'conv2' }),
      tf.layers.globalAveragePooling2d({ name: 'gap' }),
      tf.layers.dense({ units: classes, name: 'logits' }),
    ],
  });
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const weights = Buffer.from(artifacts!.weightData as ArrayBuffer);
  // Split off a non-aligned point: shards are raw byte ranges, not whole tensors.
  const cut = Math.floor(weights.byteLength / 2) + 3;
  const modelJson = {
    format: 'layers-model',
    generatedBy: artifacts!.generatedBy,
    convertedBy: null,
    modelTopology: artifacts!.modelTopology,
    weightsManifest: [{ paths: [...SHARDS], weights: artifacts!.weightSpecs }],
  };
  const files = new Map<string, Buffer>([
    ['model.json', Buffer.from(JSON.stringify(modelJson))],
    [SHARDS[0], weights.subarray(0, cut)],
    [SHARDS[1], weights.subarray(cut)],
  ]);
  return { model, files, inputShape, classes };
}
