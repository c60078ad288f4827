// Classifier heads through the real Keras engine: image → 1×1 conv 'feat' (ReLU) → GAP → Dense
// 'logits' → head, every weight pinned, and the same network computed by hand in plain JS.
import * as tf from '@tensorflow/tfjs';
import { buildNet, type TestNet } from '../../engine/testing/nets';
import { gapDense, pointwiseConv, pointwiseKernel, relu } from './reference';

export type Head =
  | 'dense-softmax' // Dense(activation: softmax)
  | 'softmax-layer' // Dense → Softmax layer
  | 'activation-softmax' // Dense → Activation('softmax')
  | 'relu-softmax' // Dense(activation: relu) → Softmax layer: the logits are the ReLU's output
  | 'dense-sigmoid' // Dense(activation: sigmoid)
  | 'activation-sigmoid'; // Dense → Activation('sigmoid')

export interface HeadSpec {
  head: Head;
  height: number;
  width: number;
  /** 3 × K */
  conv: number[][];
  convBias: number[];
  /** K × outputs */
  dense: number[][];
  denseBias: number[];
  labels?: string[];
}

const OWN_ACTIVATION: Partial<Record<Head, string>> = { 'dense-softmax': 'softmax', 'relu-softmax': 'relu', 'dense-sigmoid': 'sigmoid' };

export function headNet(spec: HeadSpec): Promise<TestNet> {
  const L = tf.layers;
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor) => layer.apply(x) as tf.SymbolicTensor;
  return buildNet(
    `head-${spec.head}`,
    [spec.height, spec.width, 3],
    (x) => {
      const feat = apply(L.conv2d({ name: 'feat', filters: spec.convBias.length, kernelSize: 1, activation: 'relu' }), x);
      const gap = apply(L.globalAveragePooling2d({ name: 'gap' }), feat);
      const activation = (OWN_ACTIVATION[spec.head] ?? 'linear') as 'linear';
      const logits = apply(L.dense({ name: 'logits', units: spec.denseBias.length, activation }), gap);
      if (spec.head === 'softmax-layer' || spec.head === 'relu-softmax') return apply(L.softmax({ name: 'probs' }), logits);
      if (spec.head === 'activation-softmax') return apply(L.activation({ name: 'probs', activation: 'softmax' }), logits);
      if (spec.head === 'activation-sigmoid') return apply(L.activation({ name: 'probs', activation: 'sigmoid' }), logits);
      return logits;
    },
    {
      classes: spec.labels,
      adjust: (stock) =>
        tf.tidy(() => {
          stock.getLayer('feat').setWeights([tf.tensor4d(pointwiseKernel(spec.conv)), tf.tensor1d(spec.convBias)]);
          stock.getLayer('logits').setWeights([tf.tensor2d(spec.dense), tf.tensor1d(spec.denseBias)]);
        }),
    },
  );
}

export interface ByHand {
  /** A = ReLU(1×1 conv), HWC. */
  activation: Float64Array;
  /** The Dense layer's pre-activation y. */
  dense: number[];
  /** The softmax/sigmoid input: y, or ReLU(y) for 'relu-softmax'. */
  logits: number[];
}

export function byHand(spec: HeadSpec, image: ArrayLike<number>): ByHand {
  const activation = relu(pointwiseConv(Array.from(image), spec.conv, spec.convBias));
  const dense = gapDense(activation, spec.convBias.length, spec.dense, spec.denseBias);
  const logits = spec.head === 'relu-softmax' ? dense.map((y) => Math.max(0, y)) : dense;
  return { activation, dense, logits };
}

/**
 * The Grad-CAM weights by hand: the score of class c is z_c, or −z_0 for class 1 of a single sigmoid
 * output, and ∂z_c/∂A_pk = D_kc / HW (times the ReLU's gate for 'relu-softmax'), the same at every p.
 */
export function gradcamWeightsByHand(spec: HeadSpec, reference: ByHand, classIndex: number): number[] {
  const positions = spec.height * spec.width;
  const negated = spec.denseBias.length === 1 && classIndex === 1;
  const column = negated ? 0 : classIndex;
  const gate = spec.head === 'relu-softmax' && reference.dense[column] <= 0 ? 0 : 1;
  return spec.dense.map((row) => ((negated ? -1 : 1) * gate * row[column]) / positions);
}

/** L_p = ReLU(Σ_k w_k A_pk). */
export function gradcamByHand(reference: ByHand, weights: number[]): number[] {
  const channels = weights.length;
  const positions = reference.activation.length / channels;
  return Array.from({ length: positions }, (_, p) =>
    Math.max(0, weights.reduce((sum, w, k) => sum + w * reference.activation[p * channels + k], 0)),
  );
}
