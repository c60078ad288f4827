// A tiny reference CnnModel from plain tf ops, for tests only:
//   input → conv (kh×kw, stride 1, 'same') = 'conv' → activation [→ avgPool] = 'feat'
//         → global average pool or flatten = 'vector' (2-D, not spatial) → dense = logits
//         → class scores (the engine's, so a single sigmoid output gets its "not" class).
// Gradients come from stock tf.grad; guided backprop swaps the ReLU's gradient.
import * as tf from '@tensorflow/tfjs-core';
import { EngineError, LOGITS, type CnnModel, type GradientOptions, type LayerInfo, type OutputActivation } from '../../engine/types';
import { classLabels, classScores } from '../../engine/scores';

export interface TinyModelSpec {
  height: number;
  width: number;
  /** [kh][kw][3][K] */
  kernel: number[][][][];
  bias: number[];
  activation?: 'relu' | 'tanh' | 'linear';
  /** Average-pool factor applied after the activation, before 'feat' (default 1: none). */
  pool?: number;
  head: 'gap' | 'flatten';
  /** [features][classes]; features = K for 'gap', fh·fw·K (HWC order) for 'flatten'. */
  dense: number[][];
  denseBias: number[];
  inputRange?: [number, number];
  /** The activation the logits feed (default softmax). */
  output?: OutputActivation;
}

type Stage = { name: string; apply: (x: tf.Tensor, guided: boolean) => tf.Tensor };

/** ReLU whose gradient passes only where the input and the incoming gradient are both positive. */
const guidedRelu = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const input = args[0] as tf.Tensor;
  (args[1] as tf.GradSaveFunc)([input]);
  return {
    value: tf.relu(input),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [kept] = saved;
      return tf.mul(tf.mul(dy, tf.cast(tf.greater(kept, 0), 'float32')), tf.cast(tf.greater(dy, 0), 'float32'));
    },
  };
});

export function createTinyModel(spec: TinyModelSpec): CnnModel {
  const kernel = tf.tensor4d(spec.kernel);
  const bias = tf.tensor1d(spec.bias);
  const dense = tf.tensor2d(spec.dense);
  const denseBias = tf.tensor1d(spec.denseBias);
  const [kh, kw, , channels] = kernel.shape;
  const pool = spec.pool ?? 1;
  const activation = spec.activation ?? 'relu';
  const featHeight = Math.ceil(spec.height / pool);
  const featWidth = Math.ceil(spec.width / pool);
  const features = spec.head === 'gap' ? channels : featHeight * featWidth * channels;
  const outputs = spec.denseBias.length;
  const output = spec.output ?? 'softmax';
  if (spec.dense.length !== features) throw new Error(`dense needs ${features} rows, got ${spec.dense.length}`);

  const stages: Stage[] = [
    { name: 'conv', apply: (x) => tf.add(tf.conv2d(x as tf.Tensor4D, kernel, 1, 'same'), bias) },
    {
      name: 'feat',
      apply: (x, guided) => {
        const activated =
          activation === 'relu' ? (guided ? guidedRelu(x) : tf.relu(x)) : activation === 'tanh' ? tf.tanh(x) : x;
        return pool > 1 ? tf.avgPool(activated as tf.Tensor4D, pool, pool, 'same') : activated;
      },
    },
    {
      name: 'vector',
      apply: (x) => (spec.head === 'gap' ? tf.mean(x, [1, 2]) : tf.reshape(x, [x.shape[0], -1])),
    },
    { name: LOGITS, apply: (x) => classScores(tf.add(tf.matMul(x as tf.Tensor2D, dense), denseBias), output) },
  ];

  const layers: LayerInfo[] = [
    { name: 'conv', className: 'Conv2D', outputShape: [spec.height, spec.width, channels], params: kh * kw * 3 * channels + channels, spatial: true },
    { name: 'feat', className: pool > 1 ? 'AveragePooling2D' : 'Activation', outputShape: [featHeight, featWidth, channels], params: 0, spatial: true },
    { name: 'vector', className: spec.head === 'gap' ? 'GlobalAveragePooling2D' : 'Flatten', outputShape: [features], params: 0, spatial: false },
  ];

  const stageIndex = (layer: string): number => {
    const index = stages.findIndex((stage) => stage.name === layer);
    if (index < 0) throw new EngineError('unknown-layer', `unknown layer "${layer}"`);
    return index;
  };

  /** Runs stages [from, to] and collects the named outputs (kept alive: the caller owns them). */
  const forward = (x: tf.Tensor, from: number, wanted: string[], guided: boolean): Record<string, tf.Tensor> => {
    const out: Record<string, tf.Tensor> = {};
    let current = x;
    const last = Math.max(...wanted.map(stageIndex));
    for (let i = from; i <= last; i++) {
      current = stages[i].apply(current, guided);
      if (wanted.includes(stages[i].name)) out[stages[i].name] = current;
    }
    return out;
  };

  return {
    id: 'tiny',
    name: 'tiny test network',
    inputSize: [spec.height, spec.width],
    inputRange: spec.inputRange ?? [0, 1],
    labels: classLabels([], outputs, output),
    outputActivation: output,
    minSize: 1,
    defaultCamLayer: 'feat',
    defaultDreamLayers: ['feat'],
    layers,

    run(input, outputs) {
      return tf.tidy(() => forward(input, 0, outputs, false));
    },

    layerGradient(input, layer, classIndex) {
      const index = stageIndex(layer);
      if (!layers.find((info) => info.name === layer)?.spatial) throw new EngineError('not-spatial', `layer "${layer}" is not spatial`);
      const activation = tf.tidy(() => forward(input, 0, [layer], false)[layer]) as tf.Tensor4D;
      const logitsOf = (a: tf.Tensor) => forward(a, index + 1, [LOGITS], false)[LOGITS] as tf.Tensor2D;
      const gradient = tf.grad((a: tf.Tensor) => tf.sum(tf.slice(logitsOf(a), [0, classIndex], [-1, 1])))(activation) as tf.Tensor4D;
      const logits = tf.tidy(() => logitsOf(activation));
      return { activation, gradient, logits };
    },

    inputGradient(input, outputs, objective, options?: GradientOptions) {
      const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => objective(forward(x, 0, outputs, options?.guided ?? false)))(input);
      const scalar = value.dataSync()[0];
      value.dispose();
      return { value: scalar, gradient: grad as tf.Tensor4D };
    },

    firstConvFilters() {
      return null;
    },
    dispose() {
      tf.dispose([kernel, bias, dense, denseBias]);
    },
  };
}
