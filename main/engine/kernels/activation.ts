// Element-wise activations. ReLU and ReLU6 get a custom gradient so guided backprop can gate it.
import * as tf from '@tensorflow/tfjs';
import { unaryCustomGrad } from './customGrad';

export type Activation = 'linear' | 'relu' | 'relu6';
export type GenericActivation = Activation | 'softmax' | 'sigmoid' | 'tanh' | 'elu' | 'selu' | 'softplus' | 'swish' | 'hard_sigmoid' | 'exponential';

/** dL/dz from dL/dy and y = act(z). Guided: only where the upstream gradient is positive too. */
export function activationBackward(dy: tf.Tensor, y: tf.Tensor, activation: Activation, guided: boolean): tf.Tensor {
  if (activation === 'linear') return dy;
  return tf.tidy(() => {
    const g = guided ? tf.relu(dy) : dy;
    if (activation === 'relu') return tf.mul(g, tf.step(y));
    // ReLU6: derivative 1 on (0, 6), 0 at and beyond both ends.
    return tf.mul(g, tf.mul(tf.step(y), tf.step(tf.sub(6, y))));
  });
}

const reluOps = new Map<string, (x: tf.Tensor) => tf.Tensor>();

function reluOp(activation: 'relu' | 'relu6', guided: boolean): (x: tf.Tensor) => tf.Tensor {
  const key = `${activation}:${guided}`;
  let op = reluOps.get(key);
  if (!op) {
    op = unaryCustomGrad<tf.Tensor>((x, save) => {
      const y = activation === 'relu' ? tf.relu(x) : tf.relu6(x);
      save([y]);
      return { value: y, gradFunc: (dy, saved) => activationBackward(dy, saved[0], activation, guided) };
    });
    reluOps.set(key, op);
  }
  return op;
}

export function applyActivation(x: tf.Tensor, activation: GenericActivation, guided: boolean): tf.Tensor {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
    case 'relu6':
      return reluOp(activation, guided)(x);
    case 'softmax':
      return tf.softmax(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    case 'elu':
      return tf.elu(x);
    case 'selu':
      return tf.selu(x);
    case 'softplus':
      return tf.softplus(x);
    case 'swish':
      return tf.mul(x, tf.sigmoid(x));
    case 'hard_sigmoid':
      return tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1);
    case 'exponential':
      return tf.exp(x);
  }
}

const KNOWN = new Set(['linear', 'relu', 'relu6', 'softmax', 'sigmoid', 'tanh', 'elu', 'selu', 'softplus', 'swish', 'silu', 'hard_sigmoid', 'exponential']);

/** Normalises a Keras activation name; undefined when unsupported. */
export function parseActivation(name: unknown): GenericActivation | undefined {
  const value = typeof name === 'string' ? name.toLowerCase() : name === undefined || name === null ? 'linear' : undefined;
  if (value === undefined || !KNOWN.has(value)) return undefined;
  return (value === 'silu' ? 'swish' : value) as GenericActivation;
}
