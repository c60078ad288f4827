// A tiny real CnnModel from plain tf ops (conv → relu layers, named), for dream tests while the
// real engine is being written. Weights come from a seeded generator: identical on every run.
import * as tf from '@tensorflow/tfjs-core';
import { EngineError, LOGITS, type CnnModel, type LayerInfo } from '../../engine/types';
import { createRng } from '../random';

interface ConvLayer {
  name: string;
  from: string;
  filter: tf.Tensor4D;
  bias: tf.Tensor1D;
  stride: number;
}

export interface TinyModelOptions {
  inputRange?: [number, number];
  minSize?: number;
  seed?: number;
}

function seededTensor(rng: ReturnType<typeof createRng>, shape: number[], std: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = rng.normal() * std;
  return tf.tensor(values, shape);
}

/**
 * input → conv1 (3→8, s1) → conv2 (8→16, s2) → conv3 (16→16, s2) → mean → dense → 5 logits,
 * plus `dead`: a 3×3 conv from the input with weights 0.1 and a bias (1 for range [-1, 1], else 0),
 * then ReLU: alive on bright images, dead everywhere on a black one (pre-activation ≤ 0).
 */
export function createTinyModel(options: TinyModelOptions = {}): CnnModel {
  const inputRange = options.inputRange ?? [-1, 1];
  const minSize = options.minSize ?? 8;
  const rng = createRng(options.seed ?? 7);
  const conv = (name: string, from: string, cin: number, cout: number, stride: number): ConvLayer => ({
    name,
    from,
    filter: seededTensor(rng, [3, 3, cin, cout], Math.sqrt(2 / (9 * cin))) as tf.Tensor4D,
    bias: seededTensor(rng, [cout], 0.05) as tf.Tensor1D,
    stride,
  });
  const convs: ConvLayer[] = [conv('conv1', 'input', 3, 8, 1), conv('conv2', 'conv1', 8, 16, 2), conv('conv3', 'conv2', 16, 16, 2)];
  const deadBias = inputRange[0] < 0 ? 1 : 0;
  convs.push({ name: 'dead', from: 'input', filter: tf.fill([3, 3, 3, 4], 0.1) as tf.Tensor4D, bias: tf.fill([4], deadBias) as tf.Tensor1D, stride: 1 });
  const dense = seededTensor(rng, [16, 5], 0.5) as tf.Tensor2D;
  const size = 32;
  const shapes: Record<string, number[]> = { conv1: [size, size, 8], conv2: [size / 2, size / 2, 16], conv3: [size / 4, size / 4, 16], dead: [size, size, 4] };
  const layers: LayerInfo[] = convs.map((c) => ({
    name: c.name,
    className: 'Conv2D',
    outputShape: shapes[c.name],
    params: c.filter.size + c.bias.size,
    spatial: true,
  }));
  layers.push({ name: 'dense', className: 'Dense', outputShape: [5], params: dense.size, spatial: false });

  const known = new Set([...convs.map((c) => c.name), LOGITS, 'dense']);
  const check = (names: string[]): void => {
    for (const name of names) if (!known.has(name)) throw new EngineError('unknown-layer', `Layer "${name}" does not exist in Tiny CNN.`);
  };
  /** All activations (inside the caller's tidy/tape). */
  const forward = (input: tf.Tensor4D): Record<string, tf.Tensor> => {
    const acts: Record<string, tf.Tensor> = { input };
    for (const c of convs) {
      acts[c.name] = tf.relu(tf.add(tf.conv2d(acts[c.from] as tf.Tensor4D, c.filter, c.stride, 'same'), c.bias));
    }
    const logits = tf.matMul(tf.mean(acts.conv3, [1, 2]) as tf.Tensor2D, dense);
    acts[LOGITS] = logits;
    acts.dense = logits;
    return acts;
  };
  const pick = (acts: Record<string, tf.Tensor>, names: string[]): Record<string, tf.Tensor> =>
    Object.fromEntries(names.map((name) => [name, acts[name]]));

  return {
    id: 'tiny',
    name: 'Tiny CNN',
    inputSize: [size, size],
    inputRange,
    labels: ['a', 'b', 'c', 'd', 'e'],
    minSize,
    defaultCamLayer: 'conv3',
    defaultDreamLayers: ['conv2', 'conv3'],
    layers,
    run(input, outputs) {
      check(outputs);
      return tf.tidy(() => pick(forward(input), outputs));
    },
    layerGradient(input, layer, classIndex) {
      check([layer]);
      if (layer !== 'conv3') throw new EngineError('not-spatial', `Tiny CNN: layerGradient supports conv3 only, not "${layer}".`);
      return tf.tidy(() => {
        const activation = forward(input).conv3 as tf.Tensor4D;
        const head = (a: tf.Tensor4D): tf.Tensor2D => tf.matMul(tf.mean(a, [1, 2]) as tf.Tensor2D, dense);
        const gradient = tf.grad((a) => tf.sum(tf.slice(head(a as tf.Tensor4D), [0, classIndex], [-1, 1])))(activation) as tf.Tensor4D;
        return { activation, gradient, logits: head(activation) };
      });
    },
    inputGradient(input, outputs, objective) {
      check(outputs);
      const { value, grad } = tf.valueAndGrad((x: tf.Tensor4D) => objective(pick(forward(x), outputs)))(input);
      const number = value.dataSync()[0];
      value.dispose();
      return { value: number, gradient: grad as tf.Tensor4D };
    },
    firstConvFilters() {
      return null;
    },
    dispose() {
      for (const c of convs) tf.dispose([c.filter, c.bias]);
      dense.dispose();
    },
  };
}
