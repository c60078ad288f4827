// Small Keras-style networks built with tfjs-layers, randomised deterministically, exported through
// a real save handler, and loaded by our interpreter (for gradient and equality tests).
import * as tf from '@tensorflow/tfjs';
import { kerasModelFrom } from '../loadKeras';
import type { KerasCnnModel } from '../kerasModel';

export interface TestNet {
  stock: tf.LayersModel;
  ours: KerasCnnModel;
  inputShape: [number, number, number];
  dispose(): void;
}

/** Deterministic pseudo-random weights; variances positive; conv kernels scaled so ReLU6 saturates sometimes. */
function randomise(model: tf.LayersModel, seed: number, gain: number): void {
  let s = seed;
  for (const w of model.weights) {
    s += 1;
    const name = w.originalName;
    const shape = w.shape as number[];
    const value = tf.tidy(() => {
      if (name.endsWith('moving_variance')) return tf.randomUniform(shape, 0.5, 1.5, 'float32', s);
      if (name.endsWith('gamma')) return tf.randomUniform(shape, 0.6, 1.4, 'float32', s);
      if (name.endsWith('moving_mean') || name.endsWith('beta') || name.endsWith('bias')) return tf.randomUniform(shape, -0.2, 0.2, 'float32', s);
      const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      return tf.randomUniform(shape, -1, 1, 'float32', s).mul(gain * Math.sqrt(3 / fanIn));
    });
    w.write(value);
    value.dispose();
  }
}

export async function buildNet(
  name: string,
  inputShape: [number, number, number],
  body: (input: tf.SymbolicTensor) => tf.SymbolicTensor,
  /** `adjust` runs after the random weights, before the export: weights a test needs exactly. */
  options: { seed?: number; gain?: number; classes?: string[]; adjust?: (stock: tf.LayersModel) => void } = {},
): Promise<TestNet> {
  const input = tf.input({ shape: inputShape, name: 'image' });
  const stock = tf.model({ inputs: input, outputs: body(input), name });
  randomise(stock, options.seed ?? 7, options.gain ?? 1.5);
  options.adjust?.(stock);
  let artifacts: tf.io.ModelArtifacts | undefined;
  await stock.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const weightData = artifacts!.weightData as ArrayBuffer;
  const ours = kerasModelFrom(
    {
      modelTopology: artifacts!.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts!.weightSpecs! }],
      shards: [[new Uint8Array(weightData)]],
    },
    {
      id: name,
      name,
      inputSize: [inputShape[0], inputShape[1]],
      inputRange: [0, 1],
      labels: options.classes ?? [],
      minSize: 1,
    },
  );
  return {
    stock,
    ours,
    inputShape,
    dispose() {
      stock.dispose();
      ours.dispose();
    },
  };
}

const L = tf.layers;
type Sym = tf.SymbolicTensor;
const apply = (layer: tf.layers.Layer, x: Sym | Sym[]) => layer.apply(x) as Sym;

/** Conv stem: strides 2 valid, BN without scale, relu, same padding, max/avg pool, even kernel, GAP. */
export function stemNet(): Promise<TestNet> {
  return buildNet('stem', [13, 11, 3], (x) => {
    let y = apply(L.conv2d({ name: 'c1', filters: 6, kernelSize: 3, strides: 2, padding: 'valid', useBias: false }), x);
    const bn1 = apply(L.batchNormalization({ name: 'bn1', scale: false }), y);
    y = apply(L.activation({ name: 'a1', activation: 'relu' }), bn1);
    y = apply(L.conv2d({ name: 'c2', filters: 8, kernelSize: 3, padding: 'same', useBias: false }), y);
    y = apply(L.batchNormalization({ name: 'bn2', scale: false }), y);
    y = apply(L.activation({ name: 'a2', activation: 'relu' }), y);
    // Max-pooling a pre-ReLU map of the image: maps behind ReLU zeros tie inside windows (no derivative).
    const pooled = apply(L.maxPooling2d({ name: 'mp', poolSize: 3, strides: 2, padding: 'same' }), bn1);
    let z = apply(L.conv2d({ name: 'c3', filters: 8, kernelSize: 4, strides: 2, padding: 'same', activation: 'relu' }), y);
    z = apply(L.averagePooling2d({ name: 'ap', poolSize: 3, strides: 1, padding: 'same' }), z);
    const cat = apply(L.concatenate({ name: 'cat' }), [pooled, z]);
    const gap = apply(L.globalAveragePooling2d({ name: 'gap' }), cat);
    return apply(L.dense({ name: 'out', units: 4, activation: 'softmax' }), gap);
  });
}

/** MobileNetV2-like: zero padding, ReLU6 (saturating), depthwise ×1 and ×2 with strides, residual add, flatten + dense. */
export function mobileNet(): Promise<TestNet> {
  return buildNet(
    'mobile',
    [12, 10, 3],
    (x) => {
      let y = apply(L.zeroPadding2d({ name: 'pad', padding: [[0, 1], [0, 1]] }), x);
      y = apply(L.conv2d({ name: 'c1', filters: 8, kernelSize: 3, strides: 2, padding: 'valid', useBias: false }), y);
      y = apply(L.batchNormalization({ name: 'bn1' }), y);
      y = apply(L.reLU({ name: 'r1', maxValue: 6 }), y);
      let b = apply(L.depthwiseConv2d({ name: 'dw1', kernelSize: 3, padding: 'same', useBias: false }), y);
      b = apply(L.batchNormalization({ name: 'bn2' }), b);
      b = apply(L.reLU({ name: 'r2', maxValue: 6 }), b);
      b = apply(L.conv2d({ name: 'proj', filters: 8, kernelSize: 1, padding: 'same', useBias: false }), b);
      b = apply(L.batchNormalization({ name: 'bn3' }), b);
      y = apply(L.add({ name: 'add' }), [y, b]);
      let d = apply(L.zeroPadding2d({ name: 'pad2', padding: 1 }), y);
      d = apply(L.depthwiseConv2d({ name: 'dw2', kernelSize: 3, strides: 2, depthMultiplier: 2, padding: 'valid' }), d);
      d = apply(L.reLU({ name: 'r3', maxValue: 6 }), d);
      d = apply(L.separableConv2d({ name: 'sep', filters: 6, kernelSize: 3, strides: 2, padding: 'same' }), d);
      d = apply(L.activation({ name: 'a4', activation: 'relu' }), d);
      const flat = apply(L.flatten({ name: 'flat' }), d);
      const drop = apply(L.dropout({ name: 'drop', rate: 0.5 }), flat);
      return apply(L.dense({ name: 'out', units: 3, activation: 'softmax' }), drop);
    },
    { gain: 3.5 },
  );
}
