// Guided backpropagation (Springenberg et al.): the engine's guided ReLU passes gradient only where
// both the ReLU input and the incoming gradient are positive. Map = max over colour channels of |∂z/∂x|.
import type { RawMap } from '../types';
import { finishMap, maxAbsOverChannels, type MethodFn } from '../base';
import type { CnnModel } from '../../engine/types';
import type * as tf from '@tensorflow/tfjs-core';
import { logitGradients } from './input-gradient';

export async function guidedGradient(model: CnnModel, input: tf.Tensor4D, classIndex: number): Promise<Float32Array> {
  const [, height, width] = input.shape;
  return logitGradients(model, (await input.data()) as Float32Array, 1, { height, width }, classIndex, true);
}

export async function guidedBackpropMap(model: CnnModel, input: tf.Tensor4D, classIndex: number): Promise<RawMap> {
  const [, height, width] = input.shape;
  return maxAbsOverChannels(await guidedGradient(model, input, classIndex), width, height, 3);
}

export const guidedBackprop: MethodFn = async (model, input, options) =>
  finishMap(await guidedBackpropMap(model, input, options.classIndex), []);
